"""Privacy in Chromium: sign up with one consent, change it, download the data, ask to delete the
account, cancel, ask again — and after the grace period the posts say "Former member"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in(mailoutbox, pattern: str) -> str:
    return re.search(pattern, mailoutbox[-1].body).group(0)


def path_of(url: str) -> str:
    """The path of a link an e-mail carries (its host is the configured base address)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_consent_export_delete_cancel_delete(page, live_site, mailoutbox, screenshot):
    from community import services as community
    from community.models import Category, CategoryKind
    from portal.accounts.models import User
    from portal.privacy import erasure
    from tests.community.conftest import trusted

    base = live_site.url
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Email").fill("lena@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    page.get_by_label("Satisfaction and recommendation surveys").check()
    assert not page.get_by_label("Newsletter and offers").is_checked()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    page.goto(link_in(mailoutbox, r"https?://\S+/accounts/confirm-email/\S+"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/me/$"))

    # The consent given at sign-up, changed in one click each.
    page.get_by_role("link", name="Privacy").first.click()
    surveys = page.locator("section", has=page.get_by_role("heading", name="Satisfaction and recommendation surveys"))
    assert "Allowed." in surveys.inner_text()
    page.get_by_role("button", name="Withdraw: Satisfaction and recommendation surveys").click()
    page.get_by_role("button", name="Allow: Newsletter and offers").click()
    assert "Not allowed." in surveys.inner_text()
    screenshot(page, "privacy-1280")

    # A copy of the data, by the link in the e-mail.
    page.get_by_role("button", name="Download my data").click()
    download_url = link_in(mailoutbox, r"https?://\S+/me/privacy/download/\S+")
    answer = page.request.get(base + path_of(download_url))
    assert answer.status == 200 and answer.headers["content-type"] == "application/zip"

    # Something of theirs in the community, to see what becomes of it.
    person = User.objects.get(email="lena@example.com")
    questions = Category.objects.create(name="Questions", slug="questions", kind=CategoryKind.QUESTIONS)
    topic = community.start_topic(category=questions, author=trusted(person), title="Mesh in a flat?", body="Works?")

    def ask_to_delete():
        page.goto(base + "/me/privacy/delete/")
        if "/reauthenticate/" in page.url:
            page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
            page.get_by_role("button", name="Confirm").click()
        page.get_by_role("button", name="Delete my account").click()
        assert "will be deleted on" in page.content()

    ask_to_delete()
    page.goto(base + path_of(link_in(mailoutbox, r"https?://\S+/privacy/keep-my-account/\S+")))
    page.get_by_role("button", name="Keep my account").click()
    assert "will not be deleted" in page.content()
    ask_to_delete()

    assert erasure.erase_due(now=timezone.now() + timedelta(days=15)) == 1
    page.goto(base + topic.get_absolute_url())
    assert "Former member" in page.content() and "lena" not in page.content().lower()
    screenshot(page, "after-erasure-1280")
    from community.models import CommunityProfile

    page.goto(base + CommunityProfile.objects.get(user=person).get_absolute_url())
    assert "Former member" in page.content() and "lena" not in page.content().lower()
    page.goto(base + "/me/")
    assert "/accounts/login/" in page.url  # signed out everywhere
