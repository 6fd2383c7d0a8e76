from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tickets.choices import FieldKind, Impact, Weekday
from tickets.models import BusinessCalendar, BusinessHours, Queue, RequestType, RequestTypeField, SLAPolicy
from tickets.services import open_ticket

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name="screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def calendar(db) -> BusinessCalendar:
    """Monday to Friday, 08:00–17:00 in Belgrade."""
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Belgrade")
    for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY):
        BusinessHours.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(17))
    return calendar


@pytest.fixture
def agent(db):
    return UserFactory(role="agent", display_name="Ana Agent")


@pytest.fixture
def second_agent(db):
    return UserFactory(role="agent", display_name="Boris Agent")


@pytest.fixture
def queue(db, agent) -> Queue:
    queue = Queue.objects.create(name="Technical support", slug="technical")
    queue.agents.add(agent)
    return queue


@pytest.fixture
def request_type(db, queue) -> RequestType:
    request_type = RequestType.objects.create(name="Technical problem", queue=queue)
    RequestTypeField.objects.create(request_type=request_type, key="version", label="Version", required=True)
    RequestTypeField.objects.create(
        request_type=request_type, key="os", label="Operating system", kind=FieldKind.CHOICE, choices="Windows\nmacOS"
    )
    return request_type


@pytest.fixture
def policy(db, calendar) -> SLAPolicy:
    return SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=2400
    )


@pytest.fixture
def make_ticket(db, request_type, policy):
    def make(requester, **kwargs):
        values = {
            "request_type": request_type,
            "subject": "The router keeps restarting",
            "description": "Every hour or so.",
            "impact": Impact.MINOR,
            "fields": {"version": "2.1"},
        }
        values.update(kwargs)
        return open_ticket(requester=requester, **values)

    return make
