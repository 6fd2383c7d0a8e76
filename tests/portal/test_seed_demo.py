import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from portal.accounts.models import User
from themes.models import BrandingSettings

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("id", "title", "locale__language_code", "live")),
        "revisions": Revision.objects.count(),
        "sites": sorted(Site.objects.values_list("hostname", "port", "root_page_id", "is_default_site")),
        "users": sorted(User.objects.values_list("email", "password")),
        "groups": sorted(Group.objects.values_list("name", "user__email")),
        "branding": sorted(BrandingSettings.objects.values_list("site_id", "brand_name", "primary_colour")),
    }


def test_seed_demo_is_idempotent(tmp_path, settings, monkeypatch):
    monkeypatch.setattr("portal.home.demo.PASSWORD_FILE", tmp_path / "demo-password.txt")
    call_command("seed_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    first = snapshot()
    call_command("seed_demo", stdout=open(tmp_path / "out2.txt", "w"))  # noqa: SIM115
    assert snapshot() == first


def test_seed_demo_makes_two_branded_sites_in_four_languages_and_one_person_per_role(tmp_path, monkeypatch):
    monkeypatch.setattr("portal.home.demo.PASSWORD_FILE", tmp_path / "demo-password.txt")
    call_command("seed_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert Site.objects.count() == 2
    assert len(set(BrandingSettings.objects.values_list("primary_colour", flat=True))) == 2
    for site in Site.objects.all():
        home = site.root_page
        assert {p.locale.language_code for p in home.get_translations(inclusive=True)} == {"en", "sr-latn", "sr", "sl"}
    password = (tmp_path / "demo-password.txt").read_text().strip()
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.check_password(password)
    assert password in (tmp_path / "out.txt").read_text()
    for group in ("Customers", "Community moderators", "Support agents", "Editors", "Administrators"):
        assert Group.objects.get(name=group).user_set.exists()
    # Segments: every classic RFM group has members, and six months of moves are on record.
    from portal.customers.models import CustomerScore, GroupChange, RFMGroup

    assert set(RFMGroup.objects.values_list("code", flat=True)) == set(
        CustomerScore.objects.values_list("group__code", flat=True)
    )
    assert GroupChange.objects.filter(from_group__isnull=False, to_group__isnull=False).exists()
    assert GroupChange.objects.dates("at", "month").count() >= 6
    # The demo customer meets an offer aimed at their RFM group.
    from portal.customers.offers import offers_for

    assert offers_for(User.objects.get(email="customer@example.com"))
    # Serbian Cyrillic articles are Cyrillic with names, codes and Wi-Fi kept in Latin; no English heading.
    from knowledge_base.models import ArticlePage

    cyrillic = [str(a.body) + a.title for a in ArticlePage.objects.filter(locale__language_code="sr")]
    assert cyrillic and any("Wi-Fi" in text for text in cyrillic) and any("Cloud Backup" in text for text in cyrillic)
    assert not any(bad in text for text in cyrillic for bad in ("Wи", "Цлоуд", "Роутер", ">Steps<", "АX"))
    assert all(">Кораци<" in text for text in cyrillic)
