import pytest
from django.core.cache import cache

from community import services
from community.badges import create_default_badges
from community.choices import Audience, CategoryKind, Posting
from community.models import Badge, Category, CommunityProfile
from tests.factories import UserFactory


def trusted(user, level: int = 2):
    """A person who has taken part long enough to post links and skip the queue."""
    profile = services.profile_for(user)
    CommunityProfile.objects.filter(pk=profile.pk).update(trust_level=level)
    profile.trust_level = level
    return user


def forget_limits():
    cache.clear()


@pytest.fixture(autouse=True)
def _badges(db):
    create_default_badges(Badge)


@pytest.fixture
def questions(db) -> Category:
    return Category.objects.create(name="Router questions", slug="router", kind=CategoryKind.QUESTIONS)


@pytest.fixture
def ideas(db) -> Category:
    return Category.objects.create(name="Ideas", slug="ideas", kind=CategoryKind.IDEAS, order=2)


@pytest.fixture
def members_only(db) -> Category:
    return Category.objects.create(
        name="Members' lounge", slug="lounge", audience=Audience.MEMBERS, posting=Posting.MEMBERS, order=3
    )


@pytest.fixture
def announcements(db) -> Category:
    return Category.objects.create(
        name="News", slug="news", kind=CategoryKind.ANNOUNCEMENTS, posting=Posting.STAFF, order=4
    )


@pytest.fixture
def asker(db):
    return trusted(UserFactory(role="customer", display_name="Ada Asker"))


@pytest.fixture
def helper(db):
    return trusted(UserFactory(role="customer", display_name="Hana Helper"))


@pytest.fixture
def newcomer(db):
    user = UserFactory(role="customer", display_name="Nik Newcomer")
    services.profile_for(user)
    return user


@pytest.fixture
def moderator(db):
    return trusted(UserFactory(role="moderator", display_name="Mira Moderator"), 3)


@pytest.fixture
def question(questions, asker):
    return services.start_topic(
        category=questions, author=asker, title="Wi-Fi drops every evening", body="It drops at 8 pm. Why?"
    )


def committed():
    """Run what waits for the commit (notifications, indexing) as the block ends, like a real request."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
