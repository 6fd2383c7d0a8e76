"""The customer's side: filing, the list, one request, replies, files — and nobody else's."""

import re
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.search.models import SuggestionOpened
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tickets import services
from tickets.choices import Impact, Status
from tickets.models import Attachment, Message, SupportSettings, Ticket

from .conftest import PNG, png


def forget_cached():
    for alias in ("default", "template_fragments"):
        caches[alias].clear()


pytestmark = pytest.mark.django_db


def new_request_data(request_type, **overrides):
    data = {
        "type": request_type.pk,
        "subject": "Wi-Fi drops every evening",
        "description": "It started **yesterday**. <script>alert(1)</script>",
        "impact": Impact.MAJOR,
        "extra_version": "2.1",
        "extra_os": "macOS",
    }
    data.update(overrides)
    return data


def test_filing_a_request(site, customer_client, customer, request_type, policy):
    url = reverse("tickets:new")
    page = customer_client.get(url)  # one type: its form straight away
    assert page.status_code == HTTPStatus.OK
    assert b"Operating system" in page.content
    response = customer_client.post(url, {**new_request_data(request_type), "attachments": [png(), png("b.png")]})
    ticket = Ticket.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == ticket.get_absolute_url() == "/support/requests/SR-000001/"
    assert ticket.requester == customer
    assert ticket.priority == "high"
    assert ticket.fields == {"version": "2.1", "os": "macOS"}
    assert "<strong>yesterday</strong>" in ticket.description_html
    assert "<script>" not in ticket.description_html
    assert [a.name for a in ticket.attachments.all()] == ["screenshot.png", "b.png"]
    detail = customer_client.get(ticket.get_absolute_url())
    assert detail.status_code == HTTPStatus.OK
    assert "Next reply expected by" in detail.content.decode()
    assert "Business hours, Europe/Belgrade" in detail.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": "   "}, "This field is required."),
        ({"extra_version": ""}, "This field is required."),
        ({"extra_os": "Amiga"}, "Select a valid choice."),
        ({"impact": "catastrophic"}, "Select a valid choice."),
        ({"cc": "not an address"}, "Enter a valid email address."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(site, customer_client, request_type, overrides, message):
    response = customer_client.post(reverse("tickets:new"), new_request_data(request_type, **overrides))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.png", b"MZ\x90\x00\x03" + b"\x00" * 200), "does not contain what its name says"),
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "files of this type are not accepted"),
        (SimpleUploadedFile("big.png", PNG + b"\x00" * (2 * 1024 * 1024)), "larger than 1 MB"),
        (SimpleUploadedFile("notes.txt", b"\x00\x01binary"), "does not contain what its name says"),
    ],
)
def test_disguised_or_oversized_files_are_refused(site, customer_client, request_type, upload, message):
    settings = SupportSettings.load()
    settings.max_attachment_mb = 1
    settings.save()
    response = customer_client.post(reverse("tickets:new"), {**new_request_data(request_type), "attachments": [upload]})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_unknown_request_type_is_explained(site, customer_client, request_type):
    response = customer_client.get(reverse("tickets:new") + "?type=99999")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "That request type does not exist" in response.content.decode()
    response = customer_client.post(reverse("tickets:new"), new_request_data(request_type, type="99999"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Ticket.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(site, client):
    for name in ("tickets:new", "tickets:list"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))


def test_reply_solve_reopen(site, customer_client, customer, make_ticket, agent):
    ticket = make_ticket(customer)
    services.add_agent_reply(ticket=ticket, agent=agent, body="Please send a screenshot.")
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "The clock is paused while we wait for your reply." in page
    assert "Waiting for your reply" in page
    response = customer_client.post(
        reverse("tickets:reply", args=[ticket.reference]), {"body": "Here it is.", "attachments": [png()]}
    )
    assert response.status_code == HTTPStatus.FOUND
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    reply = Message.objects.get(ticket=ticket, from_customer=True)
    assert reply.attachments.get().name == "screenshot.png"
    customer_client.post(reverse("tickets:solve", args=[ticket.reference]))
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    customer_client.post(reverse("tickets:reopen", args=[ticket.reference]))
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_empty_reply_and_reply_to_closed_request(site, customer_client, customer, make_ticket, agent):
    ticket = make_ticket(customer)
    response = customer_client.post(reverse("tickets:reply", args=[ticket.reference]), {"body": "  "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Write a message or add a file." in response.content.decode()
    services.update_ticket(ticket=ticket, actor=agent, status=Status.CLOSED)
    response = customer_client.post(reverse("tickets:reply", args=[ticket.reference]), {"body": "Hello?"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This request is closed" in response.content.decode()
    assert not Message.objects.exists()


def test_internal_notes_and_their_files_stay_internal(site, customer_client, customer, make_ticket, agent):
    ticket = make_ticket(customer)
    from portal.uploads import check_upload

    services.add_agent_reply(
        ticket=ticket,
        agent=agent,
        body="Secret agent note",
        internal=True,
        files=[check_upload(png("internal.png"), max_bytes=10**6)],
    )
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "Secret agent note" not in page and "internal.png" not in page
    attachment = Attachment.objects.get(name="internal.png")
    response = customer_client.get(reverse("tickets:attachment", args=[ticket.reference, attachment.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_attachments_download_as_files(site, customer_client, customer, make_ticket):
    from portal.uploads import check_upload

    ticket = make_ticket(customer, files=[check_upload(png(), max_bytes=10**6)])
    attachment = ticket.attachments.get()
    response = customer_client.get(attachment.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    assert "private" in response["Cache-Control"]
    attachment.file.storage.delete(attachment.file.name)  # a file lost on disk: 404, not an error page
    assert customer_client.get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


@pytest.fixture
def others(db):
    """People who must not see the customer's request: every role, plus a colleague without sharing."""
    organisation = OrganisationFactory()
    return {
        "stranger": UserFactory(role="customer"),
        "colleague": UserFactory(role="customer", organisation=organisation),
        "moderator": UserFactory(role="moderator"),
        "agent": UserFactory(role="agent"),
        "editor": UserFactory(role="editor"),
        "admin": UserFactory(role="admin"),
    }


@pytest.mark.parametrize("who", ["stranger", "colleague", "moderator", "agent", "editor", "admin"])
def test_nobody_else_sees_or_downloads_a_request(site, client, customer, make_ticket, others, who):
    from portal.uploads import check_upload

    ticket = make_ticket(customer, files=[check_upload(png(), max_bytes=10**6)])
    attachment = ticket.attachments.get()
    client.force_login(others[who])
    reference = ticket.reference
    for method, url in [
        ("get", ticket.get_absolute_url()),
        ("get", attachment.get_absolute_url()),
        ("post", reverse("tickets:reply", args=[reference])),
        ("post", reverse("tickets:solve", args=[reference])),
        ("post", reverse("tickets:reopen", args=[reference])),
        ("post", reverse("tickets:cc", args=[reference])),
    ]:
        response = getattr(client, method)(url, {"body": "sneaky"} if method == "post" else None)
        assert response.status_code == HTTPStatus.NOT_FOUND, (who, url)
    assert client.get(reverse("tickets:list")).context["count"] == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and not Message.objects.exists()


@pytest.mark.parametrize("reference", ["SR-999999", "sr-abc", "12", "SR-0000000000001"])
def test_unknown_or_malformed_references_are_404(site, customer_client, reference):
    assert customer_client.get(f"/support/requests/{reference}/").status_code == HTTPStatus.NOT_FOUND


def test_organisation_sharing_and_cc(site, client, make_ticket):
    organisation = OrganisationFactory(members_share_requests=False)
    alice = UserFactory(organisation=organisation)
    bob = UserFactory(organisation=organisation)
    ticket = make_ticket(alice)
    client.force_login(bob)
    assert client.get(ticket.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    organisation.members_share_requests = True
    organisation.save()
    assert client.get(ticket.get_absolute_url()).status_code == HTTPStatus.OK
    listing = client.get(reverse("tickets:list") + "?scope=organisation")
    assert ticket.subject in listing.content.decode()
    # CC: someone outside the organisation reads it once added.
    carol = UserFactory()
    client.force_login(alice)
    client.get(ticket.get_absolute_url())  # the page is cached before the change
    response = client.post(reverse("tickets:cc", args=[ticket.reference]), {"cc": carol.email.upper()})
    assert response.status_code == HTTPStatus.FOUND
    assert carol.email in client.get(ticket.get_absolute_url()).content.decode()
    refused = client.post(reverse("tickets:cc", args=[ticket.reference]), {"cc": "not an address"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert list(ticket.cc.all()) == [carol]
    client.force_login(carol)
    assert client.get(ticket.get_absolute_url()).status_code == HTTPStatus.OK
    assert ticket.subject in client.get(reverse("tickets:list")).content.decode()


def test_list_search_filter_sort(site, customer_client, customer, make_ticket, agent):
    router = make_ticket(customer, subject="Router restarts", now=datetime(2026, 11, 2, 9, tzinfo=UTC))
    billing = make_ticket(customer, subject="Invoice is wrong", now=datetime(2026, 11, 3, 9, tzinfo=UTC))
    services.add_agent_reply(ticket=billing, agent=agent, body="Which invoice?")

    def listed(query):
        page = customer_client.get(reverse("tickets:list") + query).content.decode()
        found = [(page.find(t.reference), t.pk) for t in (router, billing) if t.reference in page]
        return [pk for _position, pk in sorted(found)]

    assert listed("?q=router") == [router.pk]
    assert listed(f"?q={billing.reference}") == [billing.pk]
    assert listed("?status=waiting") == [billing.pk]
    assert listed("?status=open") == [router.pk]
    assert listed("?sort=oldest") == [router.pk, billing.pk]
    assert listed("?sort=newest") == [billing.pk, router.pk]
    assert listed("?sort=nonsense&status=nonsense") == [billing.pk, router.pk]
    page = customer_client.get(reverse("tickets:list")).content.decode()
    assert "Waiting for your reply" in page and "Received" in page


def test_list_query_count_is_constant(site, client, customer, make_ticket, django_assert_num_queries):
    client.force_login(customer)
    first = make_ticket(customer)
    client.get(reverse("tickets:list"))  # warms the cached site, branding and session
    forget_cached()
    client.force_login(customer)
    client.get(reverse("tickets:list"))
    # the person, the list's count and last change; the table from the fragment cache
    with django_assert_num_queries(2):
        client.get(reverse("tickets:list"))
    Ticket.objects.bulk_create(
        [
            Ticket(
                number=1000 + n,
                requester=customer,
                request_type=first.request_type,
                queue=first.queue,
                subject=f"Request {n}",
                description_source="x",
                description_html="<p>x</p>",
            )
            for n in range(999)
        ]
    )
    with django_assert_num_queries(3):  # the same, and one page of requests to render the table
        response = client.get(reverse("tickets:list") + "?page=3&sort=oldest")
    assert response.context["count"] == 1000
    assert "Request 40" in response.content.decode()
    with django_assert_num_queries(2):
        client.get(reverse("tickets:list") + "?page=3&sort=oldest")


def test_detail_query_count_is_constant(site, client, customer, make_ticket, agent, django_assert_num_queries):
    from portal.uploads import check_upload

    client.force_login(customer)
    ticket = make_ticket(customer)
    services.add_agent_reply(ticket=ticket, agent=agent, body="First", files=[check_upload(png(), max_bytes=10**6)])
    client.get(ticket.get_absolute_url())
    with django_assert_num_queries(4):  # the person, the request, its CC list (accounts, invitations)
        client.get(ticket.get_absolute_url())
    forget_cached()
    client.force_login(customer)
    client.get(reverse("tickets:list"))  # the session, user and site are cached again, the request page is not
    SupportSettings.current()
    with django_assert_num_queries(12) as small:  # the person, the request, the CC list and the conversation
        client.get(ticket.get_absolute_url())
    Message.objects.bulk_create(
        [
            Message(
                ticket=ticket,
                author=customer if n % 2 else agent,
                from_customer=bool(n % 2),
                body_source=f"Message {n}",
                body_html=f"<p>Message {n}</p>",
            )
            for n in range(199)
        ]
    )
    for _ in range(20):
        services.add_customer_reply(
            ticket=ticket, author=customer, body="With a file", files=[check_upload(png(), max_bytes=10**6)]
        )
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(ticket.get_absolute_url())
    assert response.content.decode().count("message-entry__body") == 1 + 200 + 20
    with django_assert_num_queries(4):
        client.get(ticket.get_absolute_url())


def test_opening_a_suggestion_is_recorded_and_filing_marks_it(
    site, customer_client, request_type, policy, django_capture_on_commit_callbacks
):
    opened_url = reverse("search:opened", args=["support"])
    response = customer_client.get(opened_url + "?to=/help/wifi/&q=wifi&title=Fix+Wi-Fi&kind=article")
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/help/wifi/"
    opened = SuggestionOpened.objects.get()
    assert (opened.area, opened.title, opened.followed_up) == ("support", "Fix Wi-Fi", "")
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(reverse("tickets:new"), new_request_data(request_type))
    opened.refresh_from_db()
    assert opened.followed_up == Ticket.objects.get().reference and opened.followed_up_at is not None


def test_a_suggestion_for_an_unknown_form_is_not_found(site, client):
    assert client.get("/search/opened/elsewhere/", {"to": "/help/"}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_suggestion_redirects_stay_on_the_site(site, client, target):
    response = client.get(reverse("search:opened", args=["support"]), {"to": target})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not SuggestionOpened.objects.exists()


def test_only_the_requester_changes_who_is_kept_informed(site, client, customer, make_ticket):
    colleague, outsider = UserFactory(), UserFactory()
    ticket = make_ticket(customer, cc=[colleague.email])
    client.force_login(colleague)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Keep others informed" not in page
    response = client.post(reverse("tickets:cc", args=[ticket.reference]), {"cc": outsider.email})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert list(ticket.cc.all()) == [colleague]
    client.force_login(customer)
    assert "Keep others informed" in client.get(ticket.get_absolute_url()).content.decode()
    client.post(reverse("tickets:cc", args=[ticket.reference]), {"cc": outsider.email})
    assert list(ticket.cc.all()) == [outsider]


def test_cc_never_tells_whether_an_address_has_an_account(
    site, client, make_ticket, mailoutbox, django_capture_on_commit_callbacks
):
    """Known and unknown addresses are taken and listed back the same way; the unknown one is invited
    and becomes CC'd when its owner signs up and confirms it."""
    requester = UserFactory()
    known = UserFactory(email="known@customer.example")
    ticket = make_ticket(requester)
    client.force_login(requester)
    url = reverse("tickets:cc", args=[ticket.reference])
    answers = []
    for address in (known.email, "ghost@nowhere.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"cc": address})
        page = client.get(ticket.get_absolute_url()).content.decode()
        answers.append((response.status_code, response["Location"], address in page))
    assert answers[0] == answers[1] == (HTTPStatus.FOUND, ticket.get_absolute_url(), True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"cc": f"{known.email}\nghost@nowhere.example"})
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"ghost@nowhere.example\n{known.email}" in page  # one sorted list, nothing marks who exists
    assert list(ticket.cc.all()) == [known]
    invitation = [m for m in mailoutbox if m.to == ["ghost@nowhere.example"]]
    assert len(invitation) == 1 and ticket.reference in invitation[0].subject
    assert ticket.subject not in invitation[0].body  # nothing of the request itself

    # The owner signs up with that address and confirms it: now they read the request.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"), {"email": "ghost@nowhere.example", "password1": PASSWORD, "password2": PASSWORD}
        )
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mailoutbox[-1].body).group(1)
    client.post(confirm)
    assert client.get(ticket.get_absolute_url()).status_code == HTTPStatus.OK
    assert not ticket.cc_invitations.exists()


def test_an_unconfirmed_account_is_invited_not_cc_d(site, client, make_ticket):
    from allauth.account.models import EmailAddress

    squatter = UserFactory(email="boss@customer.example")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    requester = UserFactory()
    ticket = make_ticket(requester)
    client.force_login(requester)
    client.post(reverse("tickets:cc", args=[ticket.reference]), {"cc": squatter.email})
    assert not ticket.cc.exists()
    assert list(ticket.cc_invitations.values_list("email", flat=True)) == ["boss@customer.example"]
    client.force_login(squatter)
    assert client.get(ticket.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_filing_is_throttled_and_says_so(site, customer_client, customer, request_type, policy, mailoutbox):
    settings_obj = SupportSettings.current()
    settings_obj.requests_per_hour = 3
    settings_obj.save()
    url = reverse("tickets:new")
    for number in range(3):
        response = customer_client.post(url, new_request_data(request_type, subject=f"Problem {number}"))
        assert response.status_code == HTTPStatus.FOUND
    sent = len(mailoutbox)
    response = customer_client.post(url, new_request_data(request_type, subject="One too many"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "filed 3 requests in the last hour" in response.content.decode()
    assert "One too many" in response.content.decode()  # what they wrote is still in the form
    assert Ticket.objects.count() == 3 and len(mailoutbox) == sent


@pytest.mark.parametrize("path", ["/search/opened/support/", "/search/opened/community/"])
def test_anonymous_suggestion_clicks_make_no_session_and_are_throttled(client, site, path):
    table = SuggestionOpened
    for _click in range(40):
        response = client.get(path, {"to": "/help/", "q": "wifi", "title": "Wi-Fi", "kind": "article"})
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/help/"
        assert "sessionid" not in response.cookies
    assert table.objects.count() == 30  # the rest were not counted, and still went on
    assert set(table.objects.values_list("session_key", flat=True)) == {""}
    for odd in ({"to": "/help/", "q": "\x00"}, {"to": "/help/", "title": "x" * 300}, {"to": "//evil.example/"}):
        response = client.get(path, odd)
        assert response.status_code == HTTPStatus.BAD_REQUEST and response.content


def test_a_solved_request_says_the_same_as_its_reopen_button_before_and_after_the_window(
    site, customer_client, customer, make_ticket
):
    """The conversation is cached; whether the request can still be reopened is part of its key."""
    ticket = make_ticket(customer)
    services.mark_solved(ticket=ticket, actor=customer)
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "Not quite? Reply or reopen it." in page and "Reply to start a follow-up request." not in page
    assert reverse("tickets:reopen", args=[ticket.reference]) in page
    # The reopening window ends: the cached conversation must not keep offering it.
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=60))
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "Reply to start a follow-up request." in page and "Not quite? Reply or reopen it." not in page
    assert reverse("tickets:reopen", args=[ticket.reference]) not in page


def test_an_overdue_promise_says_sorry_instead_of_showing_a_past_time(site, customer_client, customer, make_ticket):
    ticket = make_ticket(customer)
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "Next reply expected by" in page
    assert "late replying" not in page

    # Filed ten days ago and never answered: the first reply (4 business hours) is long overdue.
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(days=10))
    ticket.refresh_from_db()
    services.refresh_sla(ticket)
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "We’re late replying — sorry." in page or "We're late replying — sorry." in page
    assert "Next reply expected by" not in page

    # Answered now: the reply promise is kept, but solving it (40 business hours) is overdue.
    agent = UserFactory(role="agent")
    services.add_agent_reply(ticket=ticket, agent=agent, body="Looking into it.", status=Status.OPEN)
    page = customer_client.get(ticket.get_absolute_url()).content.decode()
    assert "This is taking longer than we promised — sorry." in page
    assert "We aim to solve this by" not in page


def test_the_cached_conversation_is_renewed_the_moment_a_promise_falls_due(customer, make_ticket):
    from tickets.selectors import request_version

    ticket = make_ticket(customer)
    before = request_version(ticket, now=ticket.sla_due_at - timedelta(seconds=1))
    after = request_version(ticket, now=ticket.sla_due_at)
    assert before != after
    assert request_version(ticket, now=ticket.sla_due_at + timedelta(hours=5)) == after
