"""A cache in front of the portal (Varnish, a CDN) hears of every change to what a page may show.

A small HTTP server stands in for Varnish and records the PURGE requests Wagtail sends it.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from wagtail.models import PageViewRestriction

from .conftest import publish

pytestmark = pytest.mark.django_db


class _Recorder(BaseHTTPRequestHandler):
    purged: list[tuple[str, str]] = []

    def do_PURGE(self):
        self.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings, django_capture_on_commit_callbacks):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.purged = []
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield _Recorder.purged
    server.shutdown()


def _paths(purged) -> set[str]:
    return {path for _host, path in purged}


def path(url: str) -> str:
    return urlsplit(url).path


def test_a_published_page_is_purged(kb, varnish):
    publish(kb.public)
    assert path(kb.public.url) in _paths(varnish)


def test_a_new_view_restriction_purges_the_page_and_those_below_it(kb, varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=kb.section, restriction_type=PageViewRestriction.LOGIN)
    assert {path(kb.section.url), path(kb.public.url)} <= _paths(varnish)
    varnish.clear()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=kb.section).delete()
    assert {path(kb.section.url), path(kb.public.url)} <= _paths(varnish)


def test_a_moved_page_is_purged_at_its_old_and_new_address(kb, varnish, django_capture_on_commit_callbacks):
    old_url = kb.public.url
    with django_capture_on_commit_callbacks(execute=True):
        kb.public.move(kb.kb, pos="last-child")
    kb.public.refresh_from_db()
    assert {path(old_url), path(kb.public.url)} <= _paths(varnish) and old_url != kb.public.url
