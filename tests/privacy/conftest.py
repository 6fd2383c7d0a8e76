import pytest
from django.utils import timezone

from community import services as community
from portal.membership import points
from portal.notifications.services import notify
from portal.privacy import consent
from tests.community.conftest import questions, trusted  # noqa: F401
from tests.factories import UserFactory
from tests.tickets.conftest import PNG, agent, calendar, policy, queue, request_type  # noqa: F401
from tickets import services as support
from tickets.choices import Impact, Status
from tickets.models import SatisfactionSurvey


@pytest.fixture
def person(request_type, agent, questions, django_capture_on_commit_callbacks):  # noqa: F811 (fixtures imported above)
    """A customer with data of many kinds, and another person's data beside it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.uploads import check_upload

    who = trusted(UserFactory(role="customer", email="mila@example.com", display_name="Mila"))
    other = trusted(UserFactory(role="customer", email="other@example.com"))
    consent.record(person=who, code="surveys", granted=True, how="signup")
    upload = check_upload(SimpleUploadedFile("router.png", PNG, content_type="image/png"), max_bytes=10_000_000)
    ticket = support.open_ticket(
        requester=who, request_type=request_type, subject="Router blinks red", description="Since Monday.",
        impact=Impact.MINOR, fields={"version": "2"}, files=[upload],
    )  # fmt: skip
    support.add_agent_reply(ticket=ticket, agent=agent, body="Please restart it.", status=Status.OPEN)
    support.add_agent_reply(ticket=ticket, agent=agent, body="Customer seems annoyed.", internal=True)
    support.open_ticket(
        requester=other, request_type=request_type, subject="Someone else's", description="Not Mila's.",
        impact=Impact.MINOR, fields={"version": "2"},
    )  # fmt: skip
    SatisfactionSurvey.objects.create(ticket=ticket, customer=who, rating="good", answered_at=timezone.now())
    topic = community.start_topic(category=questions, author=who, title="Mesh and LTE?", body="Does it work?")
    theirs = community.reply(topic=topic, author=other, body="Yes it does.")
    community.vote(post=theirs, user=who, value=1)
    points.settle(user=who, source="test:1", points=50, reason="manual")
    notify(recipients=[who], kind="membership.reminder", title="Your membership ends soon", url="/me/")
    from portal.insights import nps
    from portal.insights.models import NPSTrigger
    from portal.search.models import SuggestionOpened

    nps.answer(survey=nps.ask(person=who, trigger=NPSTrigger.SOLVED_REQUEST), score=9, comment="Quick.")
    SuggestionOpened.objects.create(
        area="support",
        session_key="s",
        user=who,
        query="router",
        title="Reset the router",
        url="/help/",
        kind="article",
    )
    return who
