"""Four forums with 30 topics each and one topic with 100 replies from 30 people, as the portal's
benchmark seeds its community (bench/seed.py); returns the topic's address and a member's session."""

import json

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.urls import reverse
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_permission.models import ForumPermission, UserForumPermission
from peer_seed import session_for, text

OPEN = {"type": Topic.TOPIC_POST, "status": Topic.TOPIC_UNLOCKED}


def seed() -> str:
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1", "name": "Peer"})
    for codename in ("can_see_forum", "can_read_forum"):
        UserForumPermission.objects.get_or_create(
            permission=ForumPermission.objects.get(codename=codename), forum=None, anonymous_user=True
        )
    people = []
    for n in range(30):
        person, created = get_user_model().objects.get_or_create(username=f"member{n}")
        if created:
            person.set_password("member-password")
            person.save()
        people.append(person)
    category, _ = Forum.objects.get_or_create(slug="products", defaults={"name": "Products", "type": Forum.FORUM_CAT})
    forums = []
    for name in ("Router AX3", "Wi-Fi Mesh", "Cloud Backup", "Billing"):
        forum, _ = Forum.objects.get_or_create(
            name=name, defaults={"slug": name.lower().replace(" ", "-"), "parent": category, "type": Forum.FORUM_POST}
        )
        forums.append(forum)
    for forum in forums:
        for n in range(30 - Topic.objects.filter(forum=forum).count()):
            topic = Topic.objects.create(forum=forum, poster=people[n], subject=f"The router drops Wi-Fi {n}", **OPEN)
            Post.objects.create(topic=topic, poster=people[n], subject=topic.subject, content=text(n, 40))
    thread = Topic.objects.filter(subject="Bench thread with a hundred replies").first()
    if thread is None:
        thread = Topic.objects.create(
            forum=forums[0], poster=people[0], subject="Bench thread with a hundred replies", **OPEN
        )
        Post.objects.create(topic=thread, poster=people[0], subject=thread.subject, content=text(0, 60))
        for n in range(100):
            Post.objects.create(
                topic=thread, poster=people[n % 30], subject=f"Re: {thread.subject}", content=text(n, 50)
            )
    topic = reverse(
        "forum_conversation:topic",
        kwargs={"forum_slug": thread.forum.slug, "forum_pk": thread.forum.pk, "slug": thread.slug, "pk": thread.pk},
    )
    return json.dumps({"cookie": session_for(people[1]), "topic": topic})
