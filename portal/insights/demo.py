"""Months of support and self-service history for the demo, so Insights has something to show.

Written with the ORM in bulk (no e-mails, no notifications), shaped like the desk's real writes:
status events, public messages, solves and reopenings; then every request is measured. Seeded
random numbers make the same history on every machine. Runs once: a second run finds it.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from portal.accounts.roles import CUSTOMER, ROLE_GROUPS
from portal.markdown import render_markdown
from tickets.choices import EventKind, Status
from tickets.models import Message, TicketEvent

from .models import FilingStart, NPSSurvey, NPSTrigger
from .services import rebuild_facts

DAYS = 120
MARKER = "demo-history"
SUBJECTS = [
    ("Wi-Fi drops in the evening", "Router AX3"),
    ("Cannot log in to the router's page", "Router AX3"),
    ("Mesh satellite does not connect", "Wi-Fi Mesh"),
    ("Backup stopped last night", "Cloud Backup"),
    ("Restore takes very long", "Cloud Backup"),
    ("Firmware update fails", "Router AX3"),
    ("Guest network without internet", "Wi-Fi Mesh"),
    ("Invoice shows the wrong address", ""),
    ("Charged twice this month", ""),
]
COMMENTS = {
    "promoter": [
        "Quick and friendly help.",
        "The help articles answer almost everything.",
        "Reliable, never had a problem.",
    ],
    "passive": ["Good, but the app could be simpler.", "Fine, a bit expensive."],
    "detractor": ["Waited three days for an answer.", "The router keeps dropping and nobody fixes it."],
}
SEARCHES = ["wifi", "password", "reset", "firmware", "backup", "guest network", "invoice", "vpn", "mesh", "lte modem"]


def _customers(rng) -> list:
    User = get_user_model()
    group = Group.objects.get(name=ROLE_GROUPS[CUSTOMER])
    people = list(User.objects.filter(groups=group).order_by("pk"))
    for n in range(80 - len(people)):
        person, created = User.objects.get_or_create(
            email=f"member{n + 1}@customers.example", defaults={"display_name": f"Member {n + 1}"}
        )
        if created:
            person.set_unusable_password()
            person.date_joined = timezone.now() - timedelta(days=rng.randint(30, 700))
            person.save()
            person.groups.add(group)
        people.append(person)
    return people


def seed_history(*, agents: list, now: datetime | None = None) -> int:
    """Tickets, replies, ratings, NPS answers, help views, searches and filing sessions for the
    last DAYS days. Returns the number of requests written (0 when the history exists)."""
    from tickets.models import ReferenceSequence, RequestType, SatisfactionSurvey, SupportSettings, Ticket
    from tickets.services import SEQUENCE_NAME, choose_policy

    if Ticket.objects.filter(fields__demo=MARKER).exists():
        return 0
    rng = random.Random(2026)
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    people = _customers(rng)
    types = list(RequestType.objects.select_related("queue").order_by("pk"))
    if not types or not agents:
        return 0
    billing = next((t for t in types if t.queue.slug == "billing"), types[-1])
    technical = [t for t in types if t != billing] or types
    number = (Ticket.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    reasons = SupportSettings.current().bad_reasons
    written = []
    for offset in range(DAYS, 2, -1):
        day = (now - timedelta(days=offset)).astimezone(zone).date()
        weekend = day.weekday() >= 5
        for _ in range(rng.randint(0, 1) if weekend else rng.randint(3, 6)):
            created = datetime.combine(day, time(rng.randint(7, 19), rng.randint(0, 59)), zone)
            subject, product = rng.choice(SUBJECTS)
            request_type = billing if not product else rng.choice(technical)
            priority = rng.choices(["low", "normal", "high", "urgent"], [2, 6, 2, 1])[0]
            requester = rng.choice(people)
            policy = choose_policy(
                priority=priority,
                request_type_id=request_type.pk,
                organisation_id=requester.organisation_id,
                is_member=False,
            )
            ticket = Ticket.objects.create(
                number=number,
                requester=requester,
                organisation_id=requester.organisation_id,
                request_type=request_type,
                subject=subject,
                description_source="Please help.",
                description_html=render_markdown("Please help."),
                fields={"product": product, "demo": MARKER} if product else {"demo": MARKER},
                priority=priority,
                status=Status.NEW,
                channel=rng.choices(["portal", "email", "phone"], [14, 5, 1])[0],
                queue=request_type.queue,
                assignee=rng.choice(agents),
                sla_policy=policy,
                created_at=created,
                last_activity_at=created,
            )
            number += 1
            story = _Story(ticket, created)
            moment = created + timedelta(hours=min(rng.expovariate(1 / 5), 72))
            if moment < now:
                story.reply(moment)
                ticket.first_replied_at = moment
                if rng.random() < 0.35:
                    moment += timedelta(hours=rng.uniform(1, 30))
                    story.customer_writes(moment)
                    moment += timedelta(hours=min(rng.expovariate(1 / 4), 48))
                    if moment < now:
                        story.reply(moment)
                moment += timedelta(hours=rng.uniform(1, 48))
                if moment < now and (rng.random() < 0.92 or offset > 10):
                    story.change(Status.SOLVED, moment)
                    ticket.solved_at = moment
                    if rng.random() < 0.07 and moment + timedelta(days=3) < now:
                        moment += timedelta(days=rng.uniform(0.5, 3))
                        story.change(Status.OPEN, moment)
                        moment += timedelta(hours=rng.uniform(1, 8))
                        story.reply(moment)
                        moment += timedelta(hours=1)
                        story.change(Status.SOLVED, moment)
                        ticket.solved_at = moment
            ticket.status = story.status
            ticket.message_count = len(story.messages)
            ticket.last_activity_at = max(moment, created) if moment < now else created
            ticket.save()
            Message.objects.bulk_create(story.messages)
            TicketEvent.objects.bulk_create(story.events)
            if ticket.solved_at and rng.random() < 0.8:
                answered = rng.random() < 0.55
                good = rng.random() < 0.86
                SatisfactionSurvey.objects.create(
                    ticket=ticket,
                    customer=requester,
                    asked_at=ticket.solved_at,
                    rating=("good" if good else "bad") if answered else "",
                    reason="" if good or not answered else rng.choice(reasons),
                    answered_at=ticket.solved_at + timedelta(hours=rng.uniform(0.2, 30)) if answered else None,
                )
            written.append(ticket)
    ReferenceSequence.objects.update_or_create(name=SEQUENCE_NAME, defaults={"last": number - 1})
    _nps(rng, people, now)
    _self_service(rng, now, zone)
    rebuild_facts(since=now - timedelta(days=DAYS + 1))
    return len(written)


class _Story:
    """One request's public messages and events, in the shape the desk's services write them."""

    def __init__(self, ticket, created):
        self.ticket, self.status = ticket, Status.NEW
        self.events = [
            TicketEvent(ticket=ticket, kind=EventKind.CREATED, new_value=ticket.reference, created_at=created)
        ]
        self.messages = []

    def change(self, status: str, at: datetime) -> None:
        self.events.append(
            TicketEvent(
                ticket=self.ticket,
                kind=EventKind.STATUS,
                old_value=self.status,
                new_value=status,
                created_at=at,
                is_public=True,
            )
        )
        self.status = status

    def reply(self, at: datetime) -> None:
        agent = self.ticket.assignee
        text = "Here is what to do."
        self.messages.append(
            Message(ticket=self.ticket, author=agent, body_source=text, body_html=f"<p>{text}</p>", created_at=at)
        )
        self.events.append(TicketEvent(ticket=self.ticket, kind=EventKind.REPLY, actor=agent, created_at=at))
        self.change(Status.WAITING_ON_CUSTOMER, at)

    def customer_writes(self, at: datetime) -> None:
        text = "It still happens."
        self.messages.append(
            Message(
                ticket=self.ticket,
                author=self.ticket.requester,
                from_customer=True,
                body_source=text,
                body_html=f"<p>{text}</p>",
                created_at=at,
            )
        )
        self.change(Status.OPEN, at)


def _nps(rng, people, now) -> None:
    for person in people:
        asked = now - timedelta(days=rng.randint(3, DAYS))
        while asked < now - timedelta(days=2):
            if rng.random() < 0.6:
                score = rng.choices(range(11), [2, 1, 1, 2, 2, 3, 4, 8, 10, 14, 13])[0]
                group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                comment = rng.choice(COMMENTS[group]) if rng.random() < 0.5 else ""
                NPSSurvey.objects.create(
                    person=person,
                    trigger=NPSTrigger.MEMBERSHIP,
                    asked_at=asked,
                    score=score,
                    comment=comment,
                    answered_at=asked + timedelta(hours=rng.uniform(0.5, 48)),
                )
            else:
                NPSSurvey.objects.create(person=person, trigger=NPSTrigger.MEMBERSHIP, asked_at=asked)
            asked += timedelta(days=90)


def _self_service(rng, now, zone) -> None:
    from knowledge_base.models import ArticleDailyViews
    from portal.search.models import SearchEntry, SearchLog, SuggestionOpened

    articles = [
        (int(source.split(":")[1]), title, url, product)
        for source, title, url, product in SearchEntry.objects.filter(kind="article", source__startswith="page:")
        .order_by("source")
        .values_list("source", "title", "url", "product_name")[:40]
    ]
    views, searches, opened, starts = [], [], [], []
    for offset in range(DAYS, 0, -1):
        moment = now - timedelta(days=offset)
        day = moment.astimezone(zone).date()
        for pk, _title, _url, _product in articles:
            views.append(ArticleDailyViews(article_id=pk, day=day, views=rng.randint(0, 25)))
        for _ in range(rng.randint(10, 40)):
            query = rng.choice(SEARCHES)
            results = 0 if query in ("vpn", "lte modem") else rng.randint(1, 12)
            searches.append(SearchLog(created_at=moment, query=query, normalised=query, language="en", results=results))
        for n in range(rng.randint(2, 8)):
            key = f"demo-{offset}-{n}"
            starts.append(FilingStart(session_key=key, day=day, started_at=moment))
            if articles and rng.random() < 0.6:
                _pk, title, url, product = rng.choice(articles)
                filed = rng.random() < 0.35
                opened.append(
                    SuggestionOpened(
                        area=SuggestionOpened.Area.SUPPORT,
                        session_key=key,
                        query=title.split()[0].lower(),
                        title=title,
                        url=url,
                        kind="article",
                        product=product,
                        opened_at=moment,
                        followed_up="demo" if filed else "",
                        followed_up_at=moment + timedelta(minutes=20) if filed else None,
                    )
                )
    ArticleDailyViews.objects.bulk_create(views, ignore_conflicts=True)
    SearchLog.objects.bulk_create(searches)
    SuggestionOpened.objects.bulk_create(opened)
    FilingStart.objects.bulk_create(starts, ignore_conflicts=True)
