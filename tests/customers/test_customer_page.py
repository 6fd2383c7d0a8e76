"""The customer page: who opens it, what each role reads, the audit record, the timeline, links."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.customers.rfm import score_all
from portal.insights import nps
from portal.membership import points as ledger
from portal.privacy.models import AccessRecord
from tests.factories import OrganisationFactory, UserFactory
from tickets import services
from tickets.models import Queue


@pytest.fixture
def person(consenting, pay, make_ticket, agent):
    person = consenting(display_name="Mira Member", organisation=OrganisationFactory(name="Acme"))
    pay(person, "300", 10)
    pay(person, "200", 60)
    for _n in range(4):  # older, smaller customers: against them Mira is in the top fifth on all three
        pay(consenting(), "10", 300)
    ticket = make_ticket(person, subject="Router keeps restarting")
    services.add_agent_reply(ticket=ticket, agent=agent, body="Try the new firmware.")
    ledger.settle(user=person, source="test:1", points=40, reason="renewal")
    score_all()
    return person


def refused(response) -> bool:
    """The admin answers a refused page by sending the person to its dashboard with a message."""
    return response.status_code == HTTPStatus.FOUND and response.url == reverse("wagtailadmin_home")


def url(person, **query) -> str:
    address = reverse("customers_person", args=[person.pk])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_customers_and_moderators_cannot_open_it(client, person):
    client.force_login(UserFactory())
    assert client.get(url(person)).status_code == HTTPStatus.FOUND  # to the admin's sign-in
    client.force_login(UserFactory(role="moderator"))
    assert refused(client.get(url(person)))
    assert refused(client.get(reverse("customers_directory")))


def test_an_agent_reads_profile_requests_segments_and_consents_but_not_billing(client, person, agent):
    client.force_login(agent)
    page = client.get(url(person)).content.decode()
    assert "Mira Member" in page and "Acme" in page
    assert "Router keeps restarting" in page
    assert "Champions" in page  # the only scored customer: top fifth on all three
    assert "Consents" in page and "Personal offers" in page
    assert "Orders and invoices" not in page and "Benefits redeemed" not in page
    assert "Support replied on" in page  # the timeline holds the reply


def test_an_admin_reads_orders_and_points(client, person):
    client.force_login(UserFactory(role="admin"))
    page = client.get(url(person)).content.decode()
    assert "Orders and invoices" in page and "€300.00" in page
    assert "Points" in page and "40" in page


def test_an_account_owner_reads_their_organisation_s_people_and_nobody_else(client, person):
    owner = UserFactory(role="editor")
    organisation = person.organisation
    organisation.account_owner = owner
    organisation.save()
    client.force_login(owner)
    page = client.get(url(person)).content.decode()
    assert "Orders and invoices" in page and "Router keeps restarting" in page
    assert refused(client.get(url(UserFactory())))
    organisation_page = client.get(reverse("customers_organisation", args=[organisation.pk])).content.decode()
    assert "Mira Member" in organisation_page
    other = OrganisationFactory()
    assert refused(client.get(reverse("customers_organisation", args=[other.pk])))
    listing = client.get(reverse("customers_directory")).content.decode()
    assert "Mira Member" in listing


def test_a_customer_cannot_own_an_account(person):
    from django.core.exceptions import ValidationError

    organisation = person.organisation
    organisation.account_owner = UserFactory()
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_opening_is_recorded_once_per_look_for_the_privacy_audit(client, person, agent):
    client.force_login(agent)
    client.get(url(person))
    client.get(url(person, page=2))
    records = list(AccessRecord.objects.filter(person=person))
    assert [(r.viewer, r.what) for r in records] == [(agent, "customer page")]
    client.force_login(UserFactory(role="admin"))
    listing = client.get(reverse("wagtailsnippets_privacy_accessrecord:list")).content.decode()
    assert "Mira Member" in listing and "Ana Agent" in listing


def test_an_agent_reads_only_nps_answers_about_their_queues(client, person, agent, second_agent, queue):
    survey = nps.ask(person=person, trigger="solved")
    nps.answer(survey=survey, score=3, comment="Slow answers")
    client.force_login(agent)  # works in the queue of the person's last request
    assert "Slow answers" in client.get(url(person)).content.decode()
    other = Queue.objects.create(name="Billing", slug="billing")
    other.agents.add(second_agent)
    client.force_login(second_agent)
    page = client.get(url(person)).content.decode()
    assert "How likely to recommend us" in page and "Slow answers" not in page


def _queries(client, person) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(person)).status_code == HTTPStatus.OK
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_history(client, person, pay, make_ticket, agent):
    admin = UserFactory(role="admin")
    client.force_login(admin)
    _queries(client, person)  # the access record is written on the first look
    few = _queries(client, person)
    for n in range(12):
        pay(person, "10", 20 + n)
        ticket = make_ticket(person, subject=f"Question {n}")
        services.add_agent_reply(ticket=ticket, agent=agent, body="Answer")
        ledger.settle(user=person, source=f"test:more:{n}", points=5, reason="renewal")
    many = _queries(client, person)
    assert many == few
    assert many <= 48  # the admin's own frame is about a third of them


def test_the_timeline_is_newest_first_and_pages(client, person, make_ticket):
    for n in range(30):
        make_ticket(person, subject=f"Numbered question {n:02d}")
    client.force_login(UserFactory(role="admin"))
    first = client.get(url(person)).content.decode()
    assert first.index("Numbered question 29") < first.index("Numbered question 28")
    assert "Older" in first and "Joined the portal" not in first
    second = client.get(url(person, page=2)).content.decode().split('id="customer-timeline"')[1]
    assert "Newer" in second and "Numbered question 29" not in second
    number, seen = 1, []
    while True:
        shown = client.get(url(person, page=number)).content.decode().split('id="customer-timeline"')[1]
        seen.append(shown)
        if "Older" not in shown:
            break
        number += 1
    assert number == 2 and "Joined the portal" in seen[-1]
    assert all("Joined the portal" not in earlier for earlier in seen[:-1])
    assert client.get(url(person, page="x")).status_code == HTTPStatus.OK


def test_reached_from_the_desk_the_search_and_the_organisation_list(client, person, agent):
    ticket = person.support_requests.first()
    client.force_login(agent)
    desk = client.get(reverse("tickets_desk:detail", args=[ticket.pk])).content.decode()
    assert url(person) in desk and "RFM group: Champions" in desk
    found = client.get(reverse("customers_directory"), {"q": "mira"}).content.decode()
    assert url(person) in found
    assert "Nobody matches" in client.get(reverse("customers_directory"), {"q": "zzz-nobody"}).content.decode()
    assert url(person) in client.get(reverse("customers_directory"), {"q": "mi\x00ra"}).content.decode()
    client.force_login(UserFactory(role="admin"))
    search = client.get(reverse("wagtailadmin_pages:search"), {"q": "mira"}).content.decode()
    assert reverse("customers_directory") + "?q=mira" in search  # the admin search's "Customers" area
    organisations = client.get(reverse("wagtailsnippets_accounts_organisation:list")).content.decode()
    assert reverse("customers_organisation", args=[person.organisation.pk]) in organisations


def test_a_staff_member_sees_the_customer_page_link_on_a_community_profile(client, person):
    from community.models import CommunityProfile

    profile, _created = CommunityProfile.objects.get_or_create(user=person, defaults={"handle": "mira"})
    client.force_login(UserFactory(role="agent"))
    assert url(person) in client.get(reverse("community:profile", args=[profile.handle])).content.decode()
    client.force_login(UserFactory())
    assert url(person) not in client.get(reverse("community:profile", args=[profile.handle])).content.decode()


def test_unknown_person_is_not_found(client, db):
    client.force_login(UserFactory(role="admin"))
    assert client.get(reverse("customers_person", args=[999999])).status_code == HTTPStatus.NOT_FOUND
