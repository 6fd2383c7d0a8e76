"""A knowledge-base category of 20 items (a product's troubleshooting section), 1,000 tickets
and one ticket with 200 follow-ups, as the portal's benchmark seeds its own (bench/seed.py);
returns the addresses measured and a staff session."""

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.utils import timezone
from helpdesk.models import FollowUp, KBCategory, KBItem, Queue, Ticket
from helpdesk.query import query_to_base64
from peer_seed import session_for, text


def seed() -> str:
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "Peer"})
    agent, created = get_user_model().objects.get_or_create(
        username="agent", defaults={"email": "agent@example.com", "is_staff": True, "is_superuser": True}
    )
    if created:
        agent.set_password("agent-password")
        agent.save()
    queue, _ = Queue.objects.get_or_create(slug="support", defaults={"title": "Support"})
    category, _ = KBCategory.objects.get_or_create(
        slug="router-ax3", defaults={"name": "Router AX3", "title": "Router AX3", "description": "Router help"}
    )
    for n in range(20 - category.kbitem_set.count()):
        KBItem.objects.create(
            category=category,
            title=f"No internet connection {n}",
            question="What to check when the router shows no internet?",
            answer="\n\n".join(f"## Step {i}\n\n{text(n, 60)}" for i in range(6)),
            order=n,
        )
    now = timezone.now()
    missing = 1000 - Ticket.objects.count()
    Ticket.objects.bulk_create(
        Ticket(
            title=f"Router drops the connection {n}",
            queue=queue,
            submitter_email="customer@example.com",
            description=text(n, 40),
            created=now - timedelta(hours=n),
            modified=now - timedelta(hours=n),
            assigned_to=agent if n % 2 else None,
        )
        for n in range(max(missing, 0))
    )
    long_ticket = Ticket.objects.order_by("pk").first()
    FollowUp.objects.bulk_create(
        FollowUp(
            ticket=long_ticket,
            title="Comment",
            comment=text(n, 50),
            public=True,
            user=agent if n % 2 else None,
            date=now - timedelta(minutes=200 - n),
        )
        for n in range(200 - long_ticket.followup_set.count())
    )
    item = category.kbitem_set.order_by("order").first()
    query = query_to_base64({"filtering": {"status__in": [1, 2]}, "sorting": "created", "search_string": ""})
    return json.dumps(
        {
            "cookie": session_for(agent),
            "kb_item": f"/kb/{category.slug}/?kbitem={item.pk}",
            "ticket": f"/tickets/{long_ticket.pk}/",
            "tickets_data": f"/datatables_ticket_list/{query}",
        }
    )
