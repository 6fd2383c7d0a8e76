"""Bench data on top of the demo content: a stated number of customers (idempotent)."""

CUSTOMERS = 2_000


def seed_bench_data() -> None:
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User

    existing = set(User.objects.filter(email__startswith="bench-").values_list("email", flat=True))
    new_users = [
        User(email=f"bench-{n}@example.com", display_name=f"Bench customer {n}")
        for n in range(CUSTOMERS)
        if f"bench-{n}@example.com" not in existing
    ]
    for user in new_users:
        user.set_unusable_password()
    User.objects.bulk_create(new_users, batch_size=500)
    users = User.objects.filter(email__startswith="bench-").exclude(emailaddress__isnull=False)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users], batch_size=500
    )


SUPPORT_REQUESTS = 1_000
CONVERSATION_MESSAGES = 200


def seed_support_data(email: str = "customer@example.com") -> str:
    """The signed-in customer gets 1,000 requests, one of them with 200 messages. Returns its reference."""
    from django.db.models import F, Max

    from portal.accounts.models import User
    from portal.markdown import render_markdown
    from tickets.choices import Status
    from tickets.models import Message, ReferenceSequence, RequestType, Ticket
    from tickets.services import SEQUENCE_NAME, add_agent_reply, open_ticket

    customer = User.objects.get(email=email)
    request_type = RequestType.objects.order_by("pk").first()
    conversation = Ticket.objects.filter(requester=customer, subject="Bench conversation").first()
    if conversation is None:
        conversation = open_ticket(
            requester=customer,
            request_type=request_type,
            subject="Bench conversation",
            description="Bench.",
            impact="minor",
        )
        agent = User.objects.get(email="agent@example.com")
        add_agent_reply(ticket=conversation, agent=agent, body="First reply")
        html = render_markdown("A message with **some** text and a [link](https://example.com/).")
        Message.objects.bulk_create(
            [
                Message(
                    ticket=conversation,
                    author=customer if n % 2 else agent,
                    from_customer=bool(n % 2),
                    body_source="A message",
                    body_html=html,
                )
                for n in range(CONVERSATION_MESSAGES - 1)
            ]
        )
        Ticket.objects.filter(pk=conversation.pk).update(message_count=CONVERSATION_MESSAGES)
    missing = SUPPORT_REQUESTS - Ticket.objects.filter(requester=customer).count()
    if missing > 0:
        start = (Ticket.objects.aggregate(Max("number"))["number__max"] or 0) + 1
        Ticket.objects.bulk_create(
            [
                Ticket(
                    number=start + n,
                    requester=customer,
                    request_type=request_type,
                    queue_id=request_type.queue_id,
                    subject=f"Bench request {n}",
                    description_source="Bench.",
                    description_html="<p>Bench.</p>",
                    status=[Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.SOLVED][n % 3],
                )
                for n in range(missing)
            ],
            batch_size=500,
        )
        ReferenceSequence.objects.filter(name=SEQUENCE_NAME).update(last=F("last") + missing)
    return conversation.reference


TOPIC_REPLIES = 100
TOPIC_PARTICIPANTS = 30


def seed_community_data() -> str:
    """A topic with 100 replies from 30 people, votes on them, and an accepted answer. Returns its path."""
    from django.db.models import F

    from community import services
    from community.models import Category, CommunityProfile, Post, PostVote, Topic
    from portal.accounts.models import User
    from portal.markdown import render_markdown

    topic = Topic.objects.filter(title="Bench thread with a hundred replies").first()
    if topic is not None:
        return topic.get_absolute_url()
    category = Category.objects.get(slug="router-ax3")
    people = list(User.objects.filter(email__startswith="bench-").order_by("pk")[:TOPIC_PARTICIPANTS])
    for person in people:
        profile = services.profile_for(person)
        CommunityProfile.objects.filter(pk=profile.pk).update(trust_level=2)
        profile.trust_level = 2  # the copy services hold for this person
    topic = services.start_topic(
        category=category, author=people[0], title="Bench thread with a hundred replies", body="How do I **bench**?"
    )
    html = render_markdown("A reply with **some** text, a [link](https://example.com/) and `code`.")
    posts = Post.objects.bulk_create(
        [
            Post(topic=topic, author=people[n % len(people)], body_source="A reply", body_html=html)
            for n in range(TOPIC_REPLIES)
        ]
    )
    PostVote.objects.bulk_create(
        [PostVote(post=post, user=people[(n + 1) % len(people)], value=1) for n, post in enumerate(posts)]
    )
    Post.objects.filter(pk__in=[post.pk for post in posts]).update(score=F("score") + 1)
    Topic.objects.filter(pk=topic.pk).update(reply_count=TOPIC_REPLIES, accepted_post=posts[3])
    return topic.get_absolute_url()


CATEGORY_TOPICS = 60


def seed_category_topics() -> None:
    """Enough topics in the benchmarked category for full list pages (30 rows and a next page),
    with tags, replies and authors as real lists have them."""
    from datetime import timedelta

    from django.db.models import F
    from django.utils import timezone

    from community.models import Category, Post, Topic
    from portal.accounts.models import User
    from portal.markdown import render_markdown

    category = Category.objects.get(slug="router-ax3")
    missing = CATEGORY_TOPICS - Topic.objects.filter(category=category, title__startswith="Bench list topic").count()
    if missing <= 0:
        return
    people = list(User.objects.filter(email__startswith="bench-").order_by("pk")[:TOPIC_PARTICIPANTS])
    now = timezone.now()
    topics = Topic.objects.bulk_create(
        [
            Topic(
                category=category,
                author=people[n % len(people)],
                title=f"Bench list topic {n}: the router drops Wi-Fi after an update",
                slug=f"bench-list-topic-{n}",
                tag_list=[["wifi", "wifi"], ["firmware", "firmware"]] if n % 2 else [["setup", "setup"]],
                created_at=now - timedelta(hours=n + 2),
                last_activity_at=now - timedelta(hours=n + 1),
                reply_count=n % 7,
                score=n % 5,
            )
            for n in range(missing)
        ]
    )
    html = render_markdown("The router drops **Wi-Fi** after the update.")
    Post.objects.bulk_create(
        [
            Post(topic=topic, author=topic.author, is_opening=True, body_source="Drops Wi-Fi", body_html=html)
            for topic in topics
        ]
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + len(topics), post_count=F("post_count") + len(topics)
    )


def seed_load_people(per_kind: int = 20) -> dict:
    """People for the load scenario (bench/load.py), each with a session: customers, community
    members, members with a subscription to renew, and agents of every queue. Returns
    {"customers": [cookie, …], "community": […], "members": [[cookie, subscription id, plan code], …],
    "agents": […], "topic": id of a topic to reply to and vote in}."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from bench.peers.peer_seed import session_for as session
    from community.models import CommunityProfile, Topic
    from community.services import profile_for
    from portal.accounts.models import User
    from portal.accounts.roles import ROLE_GROUPS
    from portal.membership.models import Plan, Subscription
    from tickets.models import Queue

    def person(kind: str, n: int, **fields) -> User:
        user, _created = User.objects.get_or_create(
            email=f"load-{kind}-{n}@example.com", defaults={"display_name": f"Load {kind} {n}", **fields}
        )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        return user

    plan = Plan.objects.filter(is_active=True, price__gt=0).order_by("price").first()  # paid by card
    people = {"customers": [], "community": [], "members": [], "agents": []}
    for n in range(per_kind):
        people["customers"].append(session(person("customer", n)))
        member = person("community", n)
        CommunityProfile.objects.filter(pk=profile_for(member).pk).update(trust_level=3, trust_level_locked=True)
        people["community"].append(session(member))
        holder = person("member", n)
        subscription, _created = Subscription.objects.get_or_create(
            holder=holder, plan=plan, defaults={"ends_at": timezone.now() + timedelta(days=20)}
        )
        people["members"].append([session(holder), subscription.pk, plan.code])
    for n in range(max(2, per_kind // 5)):
        agent = person("agent", n, is_staff=True, is_superuser=True)
        agent.groups.add(Group.objects.get(name=ROLE_GROUPS["agent"]))
        for queue in Queue.objects.all():
            queue.agents.add(agent)
        people["agents"].append(session(agent))
    people["topic"] = Topic.objects.filter(state="published").order_by("pk").values_list("pk", flat=True).first()
    return people
