"""Deleting what the portal no longer needs, after the periods in Settings → Retention settings.

`apply_retention()` (the `apply_retention` command, daily) is safe to repeat: each step deletes
what is past its period now and reports how many it deleted. Quarantined incoming e-mail waits
for an admin and is never deleted here.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import RetentionSettings


def apply_retention(*, now=None) -> dict[str, int]:
    from allauth.account.models import EmailAddress

    from community.models import Post
    from portal.search.models import SearchLog
    from tickets.choices import Status
    from tickets.models import Attachment, InboundEmail, InboundStatus, Ticket

    now = now or timezone.now()
    rules = RetentionSettings.load()
    done: dict[str, int] = {}
    if rules.closed_request_files_days:
        before = now - timedelta(days=rules.closed_request_files_days)
        ended = Q(ticket__status=Status.CLOSED, ticket__closed_at__lt=before) | Q(
            ticket__status=Status.SOLVED, ticket__solved_at__lt=before
        )
        count = 0
        for attachment in Attachment.objects.filter(ended).iterator():
            attachment.file.delete(save=False)
            attachment.delete()
            count += 1
        done["request files"] = count
    if rules.incoming_mail_days:
        before = now - timedelta(days=rules.incoming_mail_days)
        done["incoming e-mail"] = (
            InboundEmail.objects.filter(received_at__lt=before).exclude(status=InboundStatus.QUARANTINED).delete()[0]
        )
    if rules.search_log_days:
        done["searches"] = SearchLog.objects.filter(
            created_at__lt=now - timedelta(days=rules.search_log_days)
        ).delete()[0]
    if rules.unverified_account_days:
        before = now - timedelta(days=rules.unverified_account_days)
        verified = EmailAddress.objects.filter(verified=True).values("user_id")
        stale = get_user_model().objects.filter(date_joined__lt=before, last_login__isnull=True, is_staff=False)
        stale = stale.exclude(pk__in=verified).exclude(is_superuser=True).filter(groups__name="Customers")
        # Someone who wrote to support by e-mail has an account they never confirmed: their requests
        # and posts keep it.
        stale = stale.exclude(pk__in=Ticket.objects.values("requester_id")).exclude(
            pk__in=Post.objects.values("author_id")
        )
        done["unverified accounts"] = len([person.delete() for person in stale.distinct()])
    return done
