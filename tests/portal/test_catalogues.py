"""Every UI string in code and templates is in the four catalogues, translated and compiled."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from portal.serbian import cyrillic_to_latin, latin_to_cyrillic

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = ["en", "sr_Latn", "sr", "sl"]
IGNORED = [".venv", "var", "tests", "bench", "node_modules"]


@pytest.fixture(scope="module")
def extracted_msgids(tmp_path_factory) -> set[tuple[str | None, str]]:
    """Extract the strings from the source as `makemessages` would, into a scratch folder."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: `make test` installs it (Debian package gettext).")
    # makemessages writes next to any folder named "locale" it finds, so work on a copy of the
    # source without one, and let it write into a scratch folder.
    work = tmp_path_factory.mktemp("source")
    shutil.copytree(
        settings.BASE_DIR,
        work / "src",
        ignore=shutil.ignore_patterns(".git", "locale", *IGNORED, "__pycache__", "*.pyc"),
    )
    scratch = work / "src" / "extracted"
    cwd = os.getcwd()
    os.chdir(work / "src")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "LOCALE_PATHS", [str(scratch)])
            call_command("makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0, no_location=True)
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(scratch / "en" / "LC_MESSAGES" / "django.po"))
    return {(entry.msgctxt, entry.msgid) for entry in extracted}


@pytest.mark.parametrize("code", CATALOGUES)
def test_catalogue_has_every_string_translated(extracted_msgids, code):
    catalogue = polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid): entry for entry in catalogue if not entry.obsolete}
    missing = sorted(msgid for key in extracted_msgids if key not in known for msgid in [key[1]])
    assert not missing, f"{code}: run `make messages` and translate: {missing}"
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{code}: untranslated: {untranslated}"
    assert not fuzzy, f"{code}: fuzzy: {fuzzy}"


@pytest.mark.parametrize("code", CATALOGUES)
def test_compiled_catalogue_matches_its_source(code):
    source = polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.mo"))
    compiled_by_id = {(entry.msgctxt, entry.msgid): entry for entry in compiled}
    for entry in source.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled_by_id, f"{code}: recompile (`make messages`): {entry.msgid!r}"
        if not entry.msgid_plural:
            assert compiled_by_id[key].msgstr == entry.msgstr, entry.msgid


def test_cyrillic_catalogue_is_the_transliterated_latin_one():
    latin = polib.pofile(str(LOCALE_DIR / "sr_Latn" / "LC_MESSAGES" / "django.po"))
    cyrillic = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(LOCALE_DIR / "sr" / "LC_MESSAGES" / "django.po"))}
    for entry in latin.translated_entries():
        assert cyrillic[(entry.msgctxt, entry.msgid)].msgstr == latin_to_cyrillic(entry.msgstr), entry.msgid


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Šifra", "Шифра"),
        ("Ljubljana i Njegoš, džep", "Љубљана и Његош, џеп"),
        ("LJUBAV", "ЉУБАВ"),
        ("Zdravo, %(name)s", "Здраво, %(name)s"),
        ('<a href="%(url)s">prijava</a>', '<a href="%(url)s">пријава</a>'),
        ("boja #1f5fbf", "боја #1f5fbf"),
    ],
)
def test_serbian_transliteration_both_ways(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic
    assert cyrillic_to_latin(cyrillic).lower() == latin.lower()


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Router AX3: podešavanje Wi-Fi mreže", "Router AX3: подешавање Wi-Fi мреже"),
        ("Aplikacija Cloud Backup na Windows računaru", "Апликација Cloud Backup на Windows рачунару"),
        (
            "Pišite na podrska@northwind.example ili www.northwind.example",
            "Пишите на podrska@northwind.example или www.northwind.example",
        ),
        ("Šifra za WPA2, SSID i USB", "Шифра за WPA2, SSID и USB"),
        ("Džep, ljubav i njuška za %(count)s zahteva", "Џеп, љубав и њушка за %(count)s захтева"),
        ("Webhookovi šalju JSON", "Webhookovi шаљу JSON"),
    ],
)
def test_latin_names_codes_and_acronyms_stay_latin_in_a_cyrillic_draft(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


def test_names_to_keep_are_a_setting(settings):
    assert latin_to_cyrillic("Nova Usluga") == "Нова Услуга"
    settings.PORTAL_SERBIAN_LATIN_NAMES = [*settings.PORTAL_SERBIAN_LATIN_NAMES, "Nova Usluga"]
    assert latin_to_cyrillic("Nova Usluga za vas") == "Nova Usluga за вас"
