"""Backup and restore round trip: a restored portal serves the same pages and hands out the same files."""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from portal.backup import backup, restore
from portal.settings.base import file_storages
from tests.knowledge_base.conftest import kb  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
MAIN = re.compile(r"<main.*?</main>", re.S)


def served(database_url: str, path: str) -> str:
    """A page as a fresh portal process on that database serves it."""
    script = (
        "import django; django.setup(); from django.test import Client; "
        f"r = Client().get({path!r}); print(r.status_code); print(r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the kind the tests use, with its URL."""
    if connection.vendor != "postgresql":
        path = tmp_path / "restored.sqlite3"
        yield {"NAME": str(path)}, f"sqlite:///{path}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"portal_restore_{uuid.uuid4().hex[:8]}"
    admin = f"host={params['HOST'] or '127.0.0.1'} port={params['PORT'] or 5432} user={params['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    try:
        yield {**params, "NAME": name}, url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_portal_serves_the_same_pages_and_files(kb, site, tmp_path, settings, empty_database):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_PRIVATE_ROOT = tmp_path / "private"
    attachment = settings.PORTAL_PRIVATE_ROOT / "attachments" / "2026" / "invoice.pdf"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(b"%PDF-1.7 the customer's invoice")
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "router.png").write_bytes(b"\x89PNG...")
    path = kb.public.url.replace("http://testserver", "")
    original = Client().get(path)
    assert original.status_code == 200

    folder = backup(tmp_path / "backups")
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "media.tar.gz", "private.tar.gz"}

    database, url = empty_database
    restored_files = {"media": tmp_path / "restored-media", "private": tmp_path / "restored-private"}
    restore(folder, database=database, files=restored_files)
    copy = restored_files["private"] / "attachments" / "2026" / "invoice.pdf"
    assert copy.read_bytes() == attachment.read_bytes()
    assert (restored_files["media"] / "images" / "router.png").exists()

    status, html = served(url, path).split("\n", 1)
    assert status == "200"
    assert MAIN.search(html).group(0) == MAIN.search(original.content.decode()).group(0)
    assert django_settings.DATABASES["default"]["NAME"] != database["NAME"]  # the test's own database untouched


def test_the_commands_write_and_refuse_clearly(tmp_path, settings, capsys):
    from django.core.management import CommandError, call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_PRIVATE_ROOT = tmp_path / "private"
    call_command("backup", "--to", str(tmp_path / "out"))
    written = Path(capsys.readouterr().out.strip())
    assert (written / "manifest.json").exists()
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "no-such-backup"))


def test_files_in_a_bucket_are_left_to_the_bucket_and_said_so(tmp_path, settings):
    settings.STORAGES = file_storages({"PORTAL_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "files"})
    written = backup(tmp_path)
    manifest = json.loads((written / "manifest.json").read_text())
    assert manifest["files"] == [] and manifest["files_in_object_storage"] == ["media", "private"]
    assert not list(written.glob("*.tar.gz"))
