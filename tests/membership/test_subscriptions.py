"""Plans entitle support; members see and manage their subscription; reminders go once each."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django.utils import timezone

from portal.membership.entitlements import support_entitlement
from portal.membership.models import MembershipSettings, Plan, RenewalReminder, Subscription
from portal.membership.services import subscriptions
from portal.notifications.models import Notification
from tests.factories import OrganisationFactory, UserFactory
from tickets import services
from tickets.choices import Impact, Priority

pytestmark = pytest.mark.django_db


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def subscribe(holder=None, organisation=None, plan=None, days=200, **fields):
    return Subscription.objects.create(
        holder=holder, organisation=organisation, plan=plan, ends_at=timezone.now() + timedelta(days=days), **fields
    )


@pytest.fixture
def gold_policy(calendar):
    from tickets.models import SLAPolicy

    return SLAPolicy.objects.create(
        name="Gold", calendar=calendar, first_reply_minutes=60, next_reply_minutes=120, resolution_minutes=480, order=99
    )


@pytest.fixture
def gold(gold_policy):
    plan = Plan.objects.create(
        name="Gold", code="gold", price=Decimal("199.00"), currency="EUR", support_priority=Priority.HIGH
    )
    gold_policy.plans.add(plan)  # support links its policies to plans
    return plan


def test_a_plan_gives_its_sla_policy_and_minimum_priority_to_new_requests(
    customer, request_type, policy, gold, gold_policy
):
    subscribe(holder=customer, plan=gold)
    entitlement = support_entitlement(type(customer).objects.get(pk=customer.pk))
    assert (entitlement.plan_code, entitlement.minimum_priority) == ("gold", Priority.HIGH)
    ticket = services.open_ticket(
        requester=type(customer).objects.get(pk=customer.pk),
        request_type=request_type,
        subject="Slow",
        description="x",
        impact=Impact.QUESTION,
    )
    assert ticket.sla_policy == gold_policy and ticket.priority == Priority.HIGH
    # Without a plan, the policy conditions decide as before.
    other = services.open_ticket(
        requester=UserFactory(), request_type=request_type, subject="Slow", description="x", impact=Impact.QUESTION
    )
    assert other.sla_policy == policy and other.priority != Priority.HIGH


def test_the_organisations_plan_covers_its_people(request_type, policy, gold):
    organisation = OrganisationFactory()
    person = UserFactory(organisation=organisation)
    subscribe(organisation=organisation, plan=gold)
    assert support_entitlement(person).plan_code == "gold"


def test_statuses_in_the_members_words(customer):
    settings = MembershipSettings.load()
    settings.grace_days = 10
    settings.save()
    now = timezone.now()
    assert subscriptions.state(subscribe(holder=customer, days=200), now=now) == "active"
    assert subscriptions.state(subscribe(holder=customer, days=10), now=now) == "expiring"
    assert subscriptions.state(subscribe(holder=customer, days=100, auto_renew=False), now=now) == "ending"
    assert (
        subscriptions.state(subscribe(holder=customer, days=-3, starts_at=now - timedelta(days=30)), now=now) == "grace"
    )
    assert (
        subscriptions.state(subscribe(holder=customer, days=-30, starts_at=now - timedelta(days=60)), now=now)
        == "expired"
    )


def test_the_subscriptions_page_and_cancelling_at_period_end(client, site, customer, gold):
    subscription = subscribe(holder=customer, plan=gold)
    client.force_login(customer)
    page = client.get("/me/subscriptions/").content.decode()
    assert "Gold" in page and "€199.00" in page and "Cancel at period end" in page
    client.post(f"/me/subscriptions/{subscription.pk}/renewal/", {"on": "0"})
    subscription.refresh_from_db()
    assert subscription.auto_renew is False and subscription.status == "active"
    assert "Ends at period end" in client.get("/me/subscriptions/").content.decode()
    client.force_login(UserFactory())
    assert client.post(f"/me/subscriptions/{subscription.pk}/renewal/", {"on": "1"}).status_code == 404


def test_only_organisation_admins_manage_the_organisations_subscription(client, site, gold):
    organisation = OrganisationFactory()
    member, admin = UserFactory(organisation=organisation), UserFactory(organisation=organisation)
    admin.is_organisation_admin = True
    admin.save()
    subscription = subscribe(organisation=organisation, plan=gold)
    client.force_login(member)
    assert "An admin of your organisation" in client.get("/me/subscriptions/").content.decode()
    assert client.post(f"/me/subscriptions/{subscription.pk}/renewal/", {"on": "0"}).status_code == 404
    client.force_login(admin)
    client.post(f"/me/subscriptions/{subscription.pk}/renewal/", {"on": "0"})
    subscription.refresh_from_db()
    assert subscription.auto_renew is False


def test_reminders_go_once_each_in_the_persons_language_and_time_zone(customer):
    customer.locale, customer.time_zone = "sl", "America/New_York"
    customer.save()
    now = timezone.now()
    subscription = subscribe(holder=customer, days=40)
    with committed():
        assert subscriptions.send_reminders(now=now) == 0  # 40 days left: nothing yet
        assert subscriptions.send_reminders(now=now + timedelta(days=11)) == 1  # 29 days left: the 30-day one
        assert subscriptions.send_reminders(now=now + timedelta(days=11, hours=5)) == 0  # not twice
        # A run that missed the 7-day moment sends only the closest one.
        assert subscriptions.send_reminders(now=now + timedelta(days=39, hours=12)) == 1
    assert list(RenewalReminder.objects.values_list("days", flat=True).order_by("-days")) == [30, 1]
    titles = list(Notification.objects.filter(recipient=customer).values_list("title", flat=True))
    local_end = timezone.localtime(subscription.ends_at, ZoneInfo("America/New_York"))
    assert all(local_end.strftime("%Y-%m-%d %H:%M") in title for title in titles)
    assert titles[0].startswith("Vaše članstvo")


def test_a_lapsed_membership_gets_one_win_back_unless_renewed(customer):
    from portal.privacy.consent import NEWSLETTER, record

    record(person=customer, code=NEWSLETTER, granted=True, how="signup")  # a win-back is marketing
    now = timezone.now()
    subscribe(holder=customer, days=-20, starts_at=now - timedelta(days=200))
    renewed = UserFactory()
    subscribe(holder=renewed, days=-20, starts_at=now - timedelta(days=200))
    subscribe(holder=renewed, days=300)
    with committed():
        assert subscriptions.send_reminders(now=now) == 1
        assert subscriptions.send_reminders(now=now) == 0
    assert Notification.objects.filter(recipient=customer, title__contains="miss").count() == 1
    assert not Notification.objects.filter(recipient=renewed).exists()


def test_no_win_back_without_the_newsletter_consent(customer):
    now = timezone.now()
    subscribe(holder=customer, days=-20, starts_at=now - timedelta(days=200))
    with committed():
        subscriptions.send_reminders(now=now)
    assert not Notification.objects.filter(recipient=customer, title__contains="miss").exists()


def test_the_win_back_email_links_to_withdrawing_the_consent_and_is_not_sent_once_withdrawn(customer):
    from django.core import mail

    from portal.privacy.consent import NEWSLETTER, record

    record(person=customer, code=NEWSLETTER, granted=True, how="signup")
    now = timezone.now()
    subscribe(holder=customer, days=-20, starts_at=now - timedelta(days=200))
    with committed():
        subscriptions.send_reminders(now=now)
    (sent,) = [m for m in mail.outbox if m.to == [customer.email] and "miss" in m.subject]
    assert "No more offers like this: http" in sent.body and "/privacy/withdraw/" in sent.body
    # Withdrawn between the notification and its e-mail: the e-mail is not sent.
    from portal.notifications.models import Notification
    from portal.notifications.tasks import send_notification_email

    notification = Notification.objects.get(recipient=customer, kind="membership.win_back")
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    record(person=customer, code=NEWSLETTER, granted=False, how="email_link")
    mail.outbox.clear()
    send_notification_email.call(notification_id=notification.pk)
    assert not mail.outbox


def test_a_notification_e_mail_is_sent_once_by_one_sender(customer, mailoutbox, settings):
    """A retried task (its worker killed, the database restarting under it) finds the e-mail sent
    or claimed by another sender and leaves it; a send that fails frees it for the retry."""
    from portal.notifications.models import Notification
    from portal.notifications.tasks import CLAIM_MINUTES, send_notification_email

    notification = Notification.objects.create(recipient=customer, kind="test", title="Your renewal", url="/me/")
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    send_notification_email.call(notification_id=notification.pk)
    assert not mailoutbox  # someone else is sending it
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    stale = timezone.now() - timedelta(minutes=CLAIM_MINUTES + 1)
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=stale)
    with pytest.raises(OSError):
        send_notification_email.call(notification_id=notification.pk)  # nothing listens: retried later
    assert Notification.objects.get(pk=notification.pk).email_claimed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_notification_email.call(notification_id=notification.pk)
    send_notification_email.call(notification_id=notification.pk)
    assert len(mailoutbox) == 1 and Notification.objects.get(pk=notification.pk).emailed_at is not None
