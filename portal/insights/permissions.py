"""Who sees which figures: admins (a permission) and queue leads see all; an agent sees the queues
they work in; customers see none."""

from tickets.models import Queue


def may_see_insights(user) -> bool:
    """Admins and the support team (permissions, so the admin menu asks no query)."""
    return bool(
        user.is_authenticated
        and user.has_perm("wagtailadmin.access_admin")
        and (user.has_perm("insights.view_all_insights") or user.has_perm("tickets.view_ticket"))
    )


def sees_everything(user) -> bool:
    return user.has_perm("insights.view_all_insights") or Queue.objects.filter(lead=user).exists()


def visible_queues(user) -> tuple[int, ...] | None:
    """The queues whose figures `user` may see; None means all of them."""
    if sees_everything(user):
        return None
    return tuple(Queue.objects.filter(agents=user).values_list("pk", flat=True))
