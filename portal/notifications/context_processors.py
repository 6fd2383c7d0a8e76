from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread_notifications(request) -> dict:
    """The unread count for the header; one query, only when a template asks for it."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.unread().filter(recipient=user).count()

    return {"unread_notifications": SimpleLazyObject(count)}
