"""Every address the portal answers, fed odd values, answers with a reason (4xx) or works — never 5xx.

The sweep walks the URL patterns themselves, so a new page is swept the day it is added. Path
parameters and the common query and form fields get superscript and Arabic-Indic digits, NUL, a
number past 64 bits and plain junk; each address is asked as a visitor, a customer and an agent
(GET and POST), and the Wagtail admin's addresses as a superuser.
"""

import re
import uuid
from http import HTTPStatus

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ODD = ["²", "٣", "\x00", "99999999999999999999", "-1", "<b>x</b>", "SR-²"]
PATH_VALUES = ["1", "²", "\x00", "99999999999999999999", "SR-²"]
FIELDS = [
    "q",
    "page",
    "p",
    "quote",
    "sort",
    "status",
    "scope",
    "period",
    "view",
    "next",
    "plan",
    "language",
    "pk",
    "id",
    "amount",
    "pay_by",
    "body",
    "subject",
    "email",
    "cc",
    "value",
    "reason",
    "days",
    "kind",
    "rating",
    "post",
    "category",
    "action",
    "level",
    "helpful",
    "title",
    "tags",
    "code",
    "url",
    "score",
    "comment",
    "note",
    "granted",
    "purpose",
    "start",
    "end",
    "queue",
    "agent",
    "product",
    "organisation",
    "request_type",
    "priority",
    "channel",
    "grain",
    "export",
]
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)|\([^)]*\)")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def addresses(route: str, value: str) -> str:
    """The route with every parameter set to `value` (a uuid converter gets a uuid: nothing else matches)."""

    def fill(match):
        if match.group("converter") == "uuid":
            return str(uuid.uuid4())
        return value

    path = PARAM.sub(fill, route).replace("^", "").replace("$", "").replace("\\", "")
    path = re.sub(r"[?*+]", "", path)
    return "/" + path.lstrip("/")


#: Wagtail's page for trying out the admin's error page: it fails on purpose.
DELIBERATE_ERRORS = {"admin/failwhale/"}


def routes(admin: bool) -> list[str]:
    found = sorted(set(walk(get_resolver().url_patterns)) - DELIBERATE_ERRORS)
    return [route for route in found if route.startswith("admin/") == admin]


def query(value: str) -> dict:
    return dict.fromkeys(FIELDS, value)


def check(client, path: str, failures: list, *, post: bool = True) -> None:
    for value in ODD:
        for method in ("get", "post") if post else ("get",):
            call = getattr(client, method)
            try:
                response = call(path, query(value), secure=False)
            except Exception as error:  # an exception escaping the view is what a 500 would be
                failures.append((method, path, repr(value), type(error).__name__))
                continue
            if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
                failures.append((method, path, repr(value), response.status_code))


@pytest.fixture
def world(site, settings):
    """Something behind the common addresses: an article, a topic, a request, a plan."""
    from community import services as community
    from community.models import Category
    from tests.knowledge_base.conftest import add_article, publish
    from tests.tickets.conftest import PNG  # noqa: F401 — the support fixtures below
    from tickets.choices import Weekday
    from tickets.models import BusinessCalendar, BusinessHours, Queue, RequestType, SLAPolicy
    from tickets.services import open_ticket

    settings.PORTAL_INBOUND_SECRET = "sweep-secret"
    from knowledge_base.models import HelpIndexPage, KnowledgeBasePage, SectionPage

    help_index = HelpIndexPage.objects.get()
    kb = KnowledgeBasePage(title="Router", slug="router")
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title="Start", slug="start")
    kb.add_child(instance=section)
    publish(section)
    add_article(section, "Reset the router")
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Belgrade")
    BusinessHours.objects.create(calendar=calendar, weekday=Weekday.MONDAY, opens="08:00", closes="17:00")
    SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=60, next_reply_minutes=60, resolution_minutes=600
    )
    agent = UserFactory(role="agent")
    queue = Queue.objects.create(name="Support", slug="support")
    queue.agents.add(agent)
    request_type = RequestType.objects.create(name="Problem", queue=queue)
    customer = UserFactory(role="customer")
    open_ticket(requester=customer, request_type=request_type, subject="Odd", description="x", impact="minor")
    category = Category.objects.create(name="Questions", slug="questions")
    community.start_topic(category=category, author=customer, title="A question here", body="Body")
    return {"customer": customer, "agent": agent}


def test_every_public_and_customer_address_answers_odd_values_without_an_error(client, world):
    failures: list = []
    paths = {addresses(route, value) for route in routes(admin=False) for value in PATH_VALUES}
    people = [None, world["customer"], world["agent"]]
    for person in people:
        if person is None:
            client.logout()
        else:
            client.force_login(person)
        for path in sorted(paths):
            check(client, path, failures)
    assert not failures, "\n".join(map(str, failures))


def test_every_admin_address_answers_odd_values_without_an_error(client, world):
    failures: list = []
    client.force_login(UserFactory(role="admin", is_superuser=True))
    paths = {addresses(route, value) for route in routes(admin=True) for value in ("1", "²")}
    for path in sorted(paths):
        check(client, path, failures, post=False)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("customer", "/support/requests/?q=²"),
        ("customer", "/support/requests/SR-²/"),
        ("agent", "/admin/support/?q=²"),
        ("customer", "/search/opened/community/?q=%00"),
        ("customer", "/search/opened/support/?q=%00"),
        (None, "/search/opened/community/?q=%00"),
        (None, "/search/opened/support/?q=%00"),
    ],
)
def test_the_addresses_the_probe_broke(client, world, who, path):
    if who:
        client.force_login(world[who])
    response = client.get(path)
    assert HTTPStatus.OK <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


def test_a_quote_of_a_superscript_number_on_a_topic_page(client, world):
    from community.models import Topic

    client.force_login(world["customer"])
    topic = Topic.objects.get()
    response = client.get(topic.get_absolute_url() + "?quote=²")
    assert response.status_code == HTTPStatus.OK


def test_the_dummy_gateways_static_callback_answers_with_a_reason(client, world):
    response = client.post("/payments/process/card/", {"status": "²"})
    assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR


def test_nul_in_the_suggestion_analytics_is_refused_with_a_reason(client, world):
    for path in ("/search/opened/support/?to=/help/&q=%00", "/search/opened/community/?to=/help/&q=%00"):
        response = client.get(path)
        assert response.status_code == HTTPStatus.BAD_REQUEST, path
        assert "Null characters are not allowed" in response.content.decode()


def test_a_wagtail_chooser_given_a_malformed_id_answers_400_with_a_reason(client, world):
    client.force_login(UserFactory(role="admin", is_superuser=True))
    response = client.get("/admin/images/chooser/chosen-multiple/?id=²")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not a valid number or id" in response.content.decode()
