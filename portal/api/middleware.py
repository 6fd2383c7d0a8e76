"""ETag / If-None-Match on the API's reads: Django's conditional GET, for /api/ only (the pages
have their own caching)."""

from django.middleware.http import ConditionalGetMiddleware


class APIConditionalGet(ConditionalGetMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
