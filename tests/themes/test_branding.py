import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError

from themes.colour import WHITE, contrast_ratio
from themes.models import BrandingSettings

pytestmark = pytest.mark.django_db


def test_each_site_shows_its_own_brand(client, site, other_site):
    first = client.get("/", HTTP_HOST="testserver").content.decode()
    second = client.get("/", HTTP_HOST="brand-two.test").content.decode()
    assert "Acme Help" in first
    assert "/brand.css?c=1f5fbf" in first
    assert "help@acme-home.example" in first
    assert "Beta Help" in second
    assert "/brand.css?c=0f6e5a" in second
    assert "help@beta-home.example" in second
    assert "Acme Help" not in second


def test_brand_reaches_allauth_pages_and_footer_links(client, site):
    branding = BrandingSettings.for_site(site)
    branding.footer_links = [("link", {"label": "Status page", "page": None, "url": "https://status.example.com/"})]
    branding.save()
    html = client.get("/accounts/login/").content.decode()
    assert "Acme Help" in html
    assert 'href="https://status.example.com/"' in html


def test_logo_appears_in_the_header(client, site):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Logo", file=get_test_image_file())
    branding = BrandingSettings.for_site(site)
    branding.logo = image
    branding.save()
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert 'class="brand__logo"' in response.content.decode()


@pytest.mark.parametrize(
    ("colour", "ok"), [("#1f5fbf", True), ("#0f6e5a", True), ("#ffcc00", False), ("#aaaaaa", False)]
)
def test_primary_colour_must_keep_text_readable(site, colour, ok):
    branding = BrandingSettings.for_site(site)
    branding.primary_colour = colour
    if ok:
        branding.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            branding.full_clean()
        assert "primary_colour" in error.value.message_dict


@pytest.mark.parametrize("colour", ["blue", "#12345", "#gggggg"])
def test_primary_colour_format_is_checked(site, colour):
    branding = BrandingSettings.for_site(site)
    branding.primary_colour = colour
    with pytest.raises(ValidationError):
        branding.full_clean()


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def test_admin_can_edit_branding_in_wagtail(client, site):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin")
    client.force_login(admin)
    url = f"/admin/settings/themes/brandingsettings/{site.pk}/"
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(
        url,
        {
            "brand_name": "Renamed",
            "tagline": "",
            "primary_colour": "#ffff00",
            "support_email": "x@example.com",
            "footer_links-count": "0",
        },
    )
    # A colour with too little contrast is refused in the form, nothing is saved.
    assert response.status_code == HTTPStatus.OK
    assert BrandingSettings.for_site(site).brand_name == "Acme Help"
    response = client.post(
        url,
        {
            "brand_name": "Renamed",
            "tagline": "",
            "primary_colour": "#204080",
            "support_email": "x@example.com",
            "footer_links-count": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert BrandingSettings.for_site(site).brand_name == "Renamed"


def _nav(html: str) -> dict[str, bool]:
    """Main navigation links → marked as the current section?"""
    nav = html.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return {label: "aria-current" in attributes for attributes, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", nav)}


def test_the_cached_header_and_footer_follow_the_page_the_person_the_language_and_the_brand(client, site, customer):
    # The header and footer are cached per process, keyed by everything they show.
    community = client.get("/community/").content.decode()
    assert _nav(community) == {"Help": False, "Community": True, "Support": False, "Sign in": False, "Sign up": False}
    assert _nav(client.get("/help/").content.decode())["Help"] is True
    support = client.get("/support/").content.decode()
    assert _nav(support)["Support"] is True and _nav(support)["Community"] is False
    # The language choice is a set of links back to the page they were shown on.
    assert 'href="/i18n/setlang/?language=sl&amp;next=%2Fsupport%2F"' in support

    client.force_login(customer)
    signed_in = client.get("/community/").content.decode()
    assert _nav(signed_in) == {"Help": False, "Community": True, "Support": False, "My account": False}
    assert _nav(client.get("/me/").content.decode())["My account"] is True
    client.logout()
    assert "Sign up" in _nav(client.get("/community/").content.decode())

    serbian = client.get("/community/", HTTP_ACCEPT_LANGUAGE="sr-latn").content.decode()
    assert "Zajednica" in _nav(serbian) and 'lang="sr-latn" hreflang="sr-latn" aria-current="true"' in serbian

    branding = BrandingSettings.for_site(site)
    branding.brand_name = "Acme Care"
    branding.support_email = "care@acme.example"
    branding.save()
    renamed = client.get("/community/").content.decode()
    assert '<span class="brand__name">Acme Care</span>' in renamed
    assert '<p class="site-footer__brand">Acme Care</p>' in renamed and "care@acme.example" in renamed
    assert "Acme Help" not in renamed
