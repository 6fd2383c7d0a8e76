"""Rate limits per token (or per person for the session, per address for anonymous callers);
over the limit the answer is 429 with Retry-After (DRF's throttling)."""

from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        auth = getattr(request, "auth", None)
        if auth is not None and getattr(auth, "pk", None) is not None:
            ident = f"{type(auth).__name__}:{auth.pk}"
        elif request.user.is_authenticated:
            ident = f"person:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
