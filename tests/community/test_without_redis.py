"""With the shared cache away (Redis down), the community still takes replies and votes (the load
scenario's fault run found them failing: rate limits could not count)."""

from http import HTTPStatus

import pytest

from community.models import Post, PostVote
from tests.portal.test_readiness import NO_REDIS

pytestmark = pytest.mark.django_db


def test_the_community_takes_replies_and_votes_without_the_cache(settings, site, client, question, helper):
    settings.CACHES = {**settings.CACHES, "default": NO_REDIS}
    client.force_login(helper)
    for n in range(3):  # past any per-minute limit, had the cache been able to count
        reply = client.post(f"/community/t/{question.pk}/reply/", {"body": f"Ten seconds, try {n}.", "website": ""})
        assert reply.status_code == HTTPStatus.FOUND
    opening = Post.objects.get(topic=question, is_opening=True)
    vote = client.post(f"/community/p/{opening.pk}/vote/", {"value": "1"}, HTTP_ACCEPT="application/json")
    assert vote.status_code == HTTPStatus.OK and PostVote.objects.get(post=opening).value == 1
