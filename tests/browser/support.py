"""Support set-up shared by the browser tests: a calendar, a queue with an agent, a type, a policy."""

from datetime import time


def build_support(agent):
    from tickets.choices import Weekday
    from tickets.models import BusinessCalendar, BusinessHours, Queue, RequestType, RequestTypeField, SLAPolicy

    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Belgrade")
    for day in Weekday:
        BusinessHours.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(17))
    queue = Queue.objects.create(name="Technical support", slug="technical")
    queue.agents.add(agent)
    request_type = RequestType.objects.create(name="Technical problem", queue=queue)
    RequestTypeField.objects.create(request_type=request_type, key="version", label="Version", required=True)
    SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=2400
    )
    return request_type
