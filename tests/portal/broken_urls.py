"""The portal's addresses plus three that fail, for the error page tests."""

from django.db import OperationalError
from django.urls import path

from portal.urls import handler500  # noqa: F401 (Django reads it from the root URLconf)
from portal.urls import urlpatterns as portal_urlpatterns


def database_away(request):
    raise OperationalError("the database system is shutting down")


def bug(request):
    raise RuntimeError("a mistake in the code")


urlpatterns = [
    path("broken/database/", database_away),
    path("api/v1/broken/database/", database_away),
    path("broken/bug/", bug),
    *portal_urlpatterns,
]
