from django.utils.functional import SimpleLazyObject

from . import services


def unread_notifications(request) -> dict:
    """The unread count for the account menu; from the cache, only when a template asks for it."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return services.unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
