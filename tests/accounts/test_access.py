"""Who may do what is kept in the shared cache, and every change to it shows on the next request."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time

from portal.accounts import access
from portal.accounts.roles import MODERATOR, ROLE_GROUPS, has_role
from portal.membership.choices import SubscriptionStatus
from portal.membership.entitlements import is_member
from portal.membership.models import Subscription
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MODERATE = "community.moderate_topic"


def fresh(user):
    """The person as the next request reads them (Django reads the row on every request)."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_person_s_access_is_read_once_and_then_comes_from_the_cache(django_assert_num_queries):
    person = UserFactory(role="moderator")
    reader = fresh(person)
    with django_assert_num_queries(3):  # groups, own permissions, group permissions
        assert reader.has_perm(MODERATE)
    reader = fresh(person)  # the next request
    with django_assert_num_queries(0):
        assert reader.has_perm(MODERATE)
        assert has_role(reader, MODERATOR)
        assert not reader.has_perm("tickets.change_ticket")


def test_joining_and_leaving_a_group_shows_on_the_next_request():
    person = UserFactory(role="customer")
    assert not fresh(person).has_perm(MODERATE)
    moderators = Group.objects.get(name=ROLE_GROUPS[MODERATOR])
    person.groups.add(moderators)
    assert fresh(person).has_perm(MODERATE)
    assert has_role(fresh(person), MODERATOR)
    moderators.user_set.remove(person)  # from the group's side
    assert not fresh(person).has_perm(MODERATE)
    assert not has_role(fresh(person), MODERATOR)


def test_a_permission_given_to_or_taken_from_a_group_reaches_its_members():
    person = UserFactory(role="customer")
    customers = person.groups.get()
    view_ticket = Permission.objects.get(content_type__app_label="tickets", codename="view_ticket")
    assert not fresh(person).has_perm("tickets.view_ticket")
    customers.permissions.add(view_ticket)
    assert fresh(person).has_perm("tickets.view_ticket")
    customers.permissions.clear()
    assert not fresh(person).has_perm("tickets.view_ticket")


def test_a_permission_given_to_the_person_and_a_renamed_group_show_at_once():
    person = UserFactory()
    person.user_permissions.add(Permission.objects.get(content_type__app_label="tickets", codename="view_ticket"))
    assert fresh(person).has_perm("tickets.view_ticket")
    group = Group.objects.create(name="Night shift")
    group.user_set.add(person)
    assert "Night shift" in access.of(fresh(person)).groups
    group.name = "Day shift"
    group.save()
    assert access.of(fresh(person)).groups == frozenset({"Day shift"})
    group.delete()
    assert access.of(fresh(person)).groups == frozenset()


def test_superusers_hold_every_permission_and_inactive_people_none():
    person = UserFactory(role="moderator")
    assert fresh(person).has_perm(MODERATE)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)  # no signal: the row is read anyway
    assert not fresh(person).has_perm(MODERATE)
    get_user_model().objects.filter(pk=person.pk).update(is_active=True, is_superuser=True)
    assert fresh(person).has_perm("tickets.change_ticket")


def test_an_entry_from_an_older_version_is_not_trusted():
    person = UserFactory()
    reader = fresh(person)
    assert not reader.has_perm(MODERATE)
    # An entry left by a request that read the rows before a change committed:
    stale = access.Access(groups=frozenset({ROLE_GROUPS[MODERATOR]}), permissions=frozenset({MODERATE}))
    cache.set(access.key_for(person), (0, stale))
    assert not fresh(person).has_perm(MODERATE)


def _subscribe(**fields):
    fields.setdefault("ends_at", timezone.now() + timedelta(days=30))
    return Subscription.objects.create(**fields)


def test_membership_begins_and_ends_with_the_subscription():
    person = UserFactory()
    assert not is_member(fresh(person))
    subscription = _subscribe(holder=person)
    assert is_member(fresh(person))
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.save()
    assert not is_member(fresh(person))
    subscription.delete()
    assert not is_member(fresh(person))


def test_a_subscription_s_start_and_end_are_seen_without_any_change():
    person = UserFactory()
    now = timezone.now()
    _subscribe(holder=person, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    assert not is_member(fresh(person))
    with freeze_time(now + timedelta(days=1, hours=1)):
        assert is_member(fresh(person))
    with freeze_time(now + timedelta(days=2, hours=1)):
        assert not is_member(fresh(person))


def test_an_organisation_s_subscription_covers_its_members_and_not_one_who_left():
    organisation = OrganisationFactory()
    person = UserFactory(organisation=organisation)
    _subscribe(organisation=organisation)
    assert is_member(fresh(person))
    get_user_model().objects.filter(pk=person.pk).update(organisation=None)  # no signal
    assert not is_member(fresh(person))


def test_a_person_made_moderator_sees_moderation_on_their_next_page(client, site):
    from community import services
    from community.models import Category
    from tests.community.conftest import trusted

    person = UserFactory(role="customer")
    category = Category.objects.create(name="Routers", slug="routers")
    author = trusted(UserFactory(role="customer"))
    topic = services.start_topic(category=category, author=author, title="Lights blink", body="Why?")
    client.force_login(person)
    url = topic.get_absolute_url()

    def page():
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    assert "moderation-tools" not in page()
    person.groups.add(Group.objects.get(name=ROLE_GROUPS[MODERATOR]))
    assert "moderation-tools" in page()
    person.groups.clear()
    assert "moderation-tools" not in page()


def test_someone_signing_up_leaves_everyone_else_s_access_in_the_cache(django_assert_num_queries):
    moderator = UserFactory(role="moderator")
    assert fresh(moderator).has_perm(MODERATE)
    UserFactory(role="customer")  # a new customer joins the Customers group
    reader = fresh(moderator)
    with django_assert_num_queries(0):
        assert reader.has_perm(MODERATE)


def test_a_group_emptied_from_its_side_drops_its_former_members_rights():
    person = UserFactory(role="moderator")
    assert fresh(person).has_perm(MODERATE)
    Group.objects.get(name=ROLE_GROUPS[MODERATOR]).user_set.clear()
    assert not fresh(person).has_perm(MODERATE)


def test_a_migration_that_gives_a_role_a_permission_reaches_its_holders():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    person = UserFactory(role="customer")
    assert not fresh(person).has_perm("tickets.view_ticket")
    # A data migration works on historical models, which send no model signals.
    historical_group = Group.objects.get(name=ROLE_GROUPS["customer"])
    Group.permissions.through.objects.create(
        group_id=historical_group.pk,
        permission_id=Permission.objects.get(content_type__app_label="tickets", codename="view_ticket").pk,
    )
    assert not fresh(person).has_perm("tickets.view_ticket")  # still the kept answer
    post_migrate.send(sender=apps.get_app_config("accounts"), app_config=apps.get_app_config("accounts"))
    assert fresh(person).has_perm("tickets.view_ticket")
