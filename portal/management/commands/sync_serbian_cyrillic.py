"""Fill the Serbian Cyrillic catalogue from the Serbian Latin one by transliteration."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.serbian import latin_to_cyrillic


class Command(BaseCommand):
    help = "Write locale/sr (Cyrillic) from locale/sr_Latn by transliteration, then compile both."

    def handle(self, *args, **options):
        import polib  # a maintainer's tool, installed with the development requirements

        base = Path(settings.BASE_DIR) / "locale"
        latin = polib.pofile(str(base / "sr_Latn" / "LC_MESSAGES" / "django.po"))
        cyrillic_path = base / "sr" / "LC_MESSAGES" / "django.po"
        cyrillic = polib.pofile(str(cyrillic_path))
        by_key = {(entry.msgctxt, entry.msgid): entry for entry in latin}
        for entry in cyrillic:
            source = by_key.get((entry.msgctxt, entry.msgid))
            if source is None or "fuzzy" in source.flags:
                continue
            entry.msgstr = latin_to_cyrillic(source.msgstr)
            entry.msgstr_plural = {k: latin_to_cyrillic(v) for k, v in source.msgstr_plural.items()}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        cyrillic.metadata["Plural-Forms"] = latin.metadata.get("Plural-Forms", "")
        cyrillic.save()
        for path in (base / "sr_Latn", base / "sr"):
            po = polib.pofile(str(path / "LC_MESSAGES" / "django.po"))
            po.save_as_mofile(str(path / "LC_MESSAGES" / "django.mo"))
        self.stdout.write(self.style.SUCCESS(f"Wrote {cyrillic_path}"))
