from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats

from knowledge_base import services
from knowledge_base.models import ArticleDailyViews, ArticleFeedback, Follow, ReviewReminder, ReviewTask
from portal.formatting import local_datetime
from portal.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_signed_in_vote_is_one_per_person_and_changeable(customer_client, customer, kb):
    url = f"/help/feedback/{kb.public.pk}/"
    assert customer_client.post(url, {"helpful": "yes"}).status_code == HTTPStatus.FOUND
    assert customer_client.post(url, {"helpful": "no"}).url == url
    assert ArticleFeedback.objects.filter(article=kb.public, user=customer).count() == 1
    assert ArticleFeedback.objects.get(article=kb.public, user=customer).helpful is False
    html = customer_client.get(kb.public.url).content.decode()
    assert "You told us this article did not help." in html


def test_visitors_vote_once_per_browser_session(client, kb):
    url = f"/help/feedback/{kb.public.pk}/"
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 1
    Client().post(url, {"helpful": "no"})
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 2


def test_no_with_a_reason_opens_a_review_task_for_the_owner(client, kb):
    url = f"/help/feedback/{kb.public.pk}/"
    client.post(url, {"helpful": "no"})
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "It is outdated" in page.content.decode()
    response = client.post(url, {"reason": "outdated", "comment": "Step 2 shows an old screen."})
    assert response.status_code == HTTPStatus.FOUND
    task = ReviewTask.objects.get(article=kb.public, status="open")
    assert list(task.feedback.values_list("reason", "comment")) == [("outdated", "Step 2 shows an old screen.")]

    other = Client()
    other.post(url, {"helpful": "no"})
    other.post(url, {"reason": "unclear", "comment": ""})
    assert ReviewTask.objects.filter(article=kb.public).count() == 1
    assert task.feedback.count() == 2


def test_publishing_a_new_revision_closes_the_task(client, kb):
    url = f"/help/feedback/{kb.public.pk}/"
    client.post(url, {"helpful": "no"})
    client.post(url, {"reason": "incomplete"})
    kb.public.summary = "Better summary."
    revision = kb.public.save_revision(user=kb.owner)
    revision.publish(user=kb.owner)
    task = ReviewTask.objects.get(article=kb.public)
    assert task.status == "closed"
    assert task.closed_by_revision == revision


@pytest.mark.parametrize(
    ("path", "data", "status"),
    [
        ("/help/feedback/999999/", {"helpful": "yes"}, HTTPStatus.NOT_FOUND),
        (None, {"helpful": "maybe"}, HTTPStatus.BAD_REQUEST),
        (None, {"reason": "because"}, HTTPStatus.BAD_REQUEST),
        (None, {"reason": "outdated", "comment": "x" * 5000}, HTTPStatus.BAD_REQUEST),
    ],
)
def test_bad_feedback_is_refused_and_stores_nothing(client, kb, path, data, status):
    url = path or f"/help/feedback/{kb.public.pk}/"
    if "reason" in data:
        client.post(url, {"helpful": "no"})
    before = list(ArticleFeedback.objects.values_list("pk", "reason", "comment"))
    response = client.post(url, data)
    assert response.status_code == status
    assert list(ArticleFeedback.objects.values_list("pk", "reason", "comment")) == before
    assert not ReviewTask.objects.exists()


def test_a_signed_in_vote_without_csrf_token_is_refused(kb):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(kb.owner)
    response = browser.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ArticleFeedback.objects.exists()


def test_cannot_vote_on_an_article_one_may_not_read(client, kb):
    response = client.post(f"/help/feedback/{kb.members_only.pk}/", {"helpful": "yes"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ArticleFeedback.objects.exists()


def test_feedback_works_without_javascript_forms(client, kb):
    html = client.get(kb.public.url).content.decode()
    assert f'action="/help/feedback/{kb.public.pk}/"' in html
    assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html


def test_following_an_article_notifies_and_emails_on_update(
    customer_client, customer, kb, mailoutbox, django_capture_on_commit_callbacks
):
    response = customer_client.post(f"/help/follow/{kb.second.pk}/")
    assert response.status_code == HTTPStatus.FOUND
    assert Follow.objects.filter(user=customer, page=kb.second).exists()
    assert 'aria-pressed="true"' in customer_client.get(kb.second.url).content.decode()

    kb.second.summary = "Now with pictures."
    with django_capture_on_commit_callbacks(execute=True):
        publish(kb.second, user=kb.owner)
    notification = Notification.objects.get(recipient=customer)
    assert notification.title == "Updated: Change the Wi-Fi password"
    assert notification.emailed_at is not None
    assert mailoutbox[-1].to == [customer.email]
    assert "Change the Wi-Fi password" in mailoutbox[-1].subject
    assert customer_client.get("/me/notifications/").status_code == HTTPStatus.OK

    customer_client.post(f"/help/follow/{kb.second.pk}/")
    assert not Follow.objects.filter(user=customer, page=kb.second).exists()


def test_following_a_section_covers_its_articles_and_respects_preferences(
    client, kb, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = UserFactory()
    client.force_login(quiet)
    client.post(f"/help/follow/{kb.section.pk}/")
    client.post("/me/notifications/preferences/", {"email_frequency": "never"})
    with django_capture_on_commit_callbacks(execute=True):
        publish(kb.third, user=kb.owner)
    assert Notification.objects.filter(recipient=quiet).count() == 1
    assert not [m for m in mailoutbox if quiet.email in m.to]


def test_followers_who_may_not_read_the_article_are_not_told(client, kb, django_capture_on_commit_callbacks):
    follower = UserFactory()
    client.force_login(follower)
    client.post(f"/help/follow/{kb.section.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        publish(kb.members_only, user=kb.owner)
    assert not Notification.objects.filter(recipient=follower).exists()


def test_follow_needs_sign_in(client, kb):
    response = client.post(f"/help/follow/{kb.second.pk}/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response.url
    assert not Follow.objects.exists()


def test_views_are_counted_in_the_cache_and_stored_in_batches(client, kb):
    page = client.get(kb.public.url).content.decode()
    beacon = f"/help/seen/{kb.public.pk}.gif"
    assert f'src="{beacon}"' in page  # the page counts its reader, whether it came from a cache or not
    client.get(beacon)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            response = client.get(beacon)
            assert response["Content-Type"] == "image/gif" and "no-store" in response["Cache-Control"]
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert services.flush_view_counts() == 4
    assert ArticleDailyViews.objects.get(article=kb.public).views == 4
    client.get(beacon)
    services.flush_view_counts()
    assert ArticleDailyViews.objects.get(article=kb.public).views == 5
    assert services.flush_view_counts() == 0


def test_overdue_review_reminders_are_sent_once(kb, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ReviewReminder.objects.filter(article=kb.public).count() == 1
    owner_mail = [m for m in mailoutbox if kb.owner.email in m.to]
    assert len(owner_mail) == 1
    assert "due for review" in owner_mail[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len([m for m in mailoutbox if kb.owner.email in m.to]) == 1


def test_owner_dashboard_and_reports_show_overdue_and_feedback(client, kb):
    Client().post(f"/help/feedback/{kb.public.pk}/", {"helpful": "yes"})
    voter = Client()
    voter.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "no"})
    voter.post(f"/help/feedback/{kb.public.pk}/", {"reason": "unclear", "comment": "Which cable?"})
    client.force_login(kb.owner)
    dashboard = client.get("/admin/").content.decode()
    assert "Your help articles need attention" in dashboard
    assert kb.public.title in dashboard

    report = client.get("/admin/reports/article-feedback/?ordering=-vote_count")
    assert report.status_code == HTTPStatus.OK
    row = next(a for a in report.context["object_list"] if a.pk == kb.public.pk)
    assert (row.vote_count, row.yes_count, row.helpful_percent, row.reason_unclear, row.open_tasks) == (2, 1, 50, 1, 1)

    csv = client.get("/admin/reports/article-feedback/?export=csv")
    assert csv.status_code == HTTPStatus.OK
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "Helpful %" in text and kb.public.title in text

    overdue = client.get("/admin/reports/overdue-reviews/").content.decode()
    assert kb.public.title in overdue

    task = ReviewTask.objects.get(article=kb.public)
    inspect = client.get(f"/admin/snippets/knowledge_base/reviewtask/inspect/{task.pk}/").content.decode()
    assert "Which cable?" in inspect
    opened = local_datetime(task.opened_at)  # in the reader's zone, as the listing shows it
    assert opened != formats.date_format(task.opened_at, "DATETIME_FORMAT")
    assert opened in inspect and ">None<" not in inspect


def test_knowledge_base_report_totals_the_articles_below_it(client, kb):
    for vote in ("yes", "yes", "no"):
        Client().post(f"/help/feedback/{kb.public.pk}/", {"helpful": vote})
    Client().post(f"/help/feedback/{kb.second.pk}/", {"helpful": "yes"})
    Client().get(f"/help/seen/{kb.second.pk}.gif")
    client.force_login(kb.owner)
    response = client.get("/admin/reports/knowledge-base-feedback/")
    assert response.status_code == HTTPStatus.OK
    row = next(item for item in response.context["object_list"] if item.pk == kb.kb.pk)
    assert (row.article_count, row.vote_count, row.yes_count, row.helpful_percent) == (5, 4, 3, 75)
    assert row.view_count >= 1
    csv = client.get("/admin/reports/knowledge-base-feedback/?export=csv")
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "Router AX3" in text


def test_notifying_many_followers_takes_a_fixed_number_of_queries(
    client, kb, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from django.utils import timezone

    from portal.membership.models import Subscription
    from portal.notifications.models import NotificationPreference

    followers = [UserFactory() for _ in range(8)]
    for person in followers:
        Follow.objects.create(user=person, page=kb.section)
    Subscription.objects.create(holder=followers[0], ends_at=timezone.now() + timezone.timedelta(days=3))
    NotificationPreference.objects.create(user=followers[1], email_frequency="never")
    with django_assert_max_num_queries(12):
        services.notify_followers_of_update(article=kb.members_only, published_by=kb.owner)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [followers[0].pk]
    with django_assert_max_num_queries(12):
        services.notify_followers_of_update(article=kb.second, published_by=kb.owner)
    assert Notification.objects.count() == 1 + 8


def test_the_view_beacon_counts_only_articles_the_reader_may_see(client, kb):
    client.get(f"/help/seen/{kb.members_only.pk}.gif")
    client.get("/help/seen/987654321.gif")
    assert services.flush_view_counts() == 0
