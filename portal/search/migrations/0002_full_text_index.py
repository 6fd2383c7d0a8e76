"""The full-text index proper, which differs by database: a GIN index or an FTS5 table."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_vector ON portal_search_searchentry USING gin (search_vector)"
        )
    elif schema_editor.connection.vendor == "sqlite":
        # Terms arrive analysed (stemmed, folded); the tokenizer only splits on spaces.
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS portal_search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_vector")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS portal_search_fts")


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_search_index")]

    operations = [migrations.RunPython(create, drop)]
