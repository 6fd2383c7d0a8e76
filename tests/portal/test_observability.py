"""A request id on every answer, in the logs (plain and JSON), in the e-mails a request sends;
errors reported to a Sentry endpoint without personal data."""

import copy
import gzip
import json
import logging
import logging.config
import os
import subprocess
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings as django_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_answer_carries_a_request_id_and_a_plain_offered_one_is_kept(client, site):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c01.2")["X-Request-ID"] == "lb-7f3a9c01.2"
    for odd in ("short", "x" * 65, "two words here", "<script>alert(1)</script>", "id\u202eevil0000"):
        answer = client.get("/healthz", HTTP_X_REQUEST_ID=odd)["X-Request-ID"]
        assert answer != odd and len(answer) == 32


@pytest.fixture
def console():
    """The configured console handler, writing where the test can read it."""
    import io

    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_log_line_written_during_a_request_carries_its_id(client, site, console):
    answer = client.get("/no-such-page-at-all/", HTTP_X_REQUEST_ID="trace-0000000042")
    assert answer.status_code == HTTPStatus.NOT_FOUND
    line = next(line for line in console.getvalue().splitlines() if "Not Found" in line)
    assert "[trace-0000000042]" in line


def test_json_logs_are_one_object_a_line_with_the_request_id(client, site):
    import io

    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    handler.setStream(stream)
    try:
        client.get("/no-such-page-at-all/", HTTP_X_REQUEST_ID="trace-0000000043")
        logging.getLogger("portal.test").warning("Ćao, svete")
    finally:
        logging.config.dictConfig(django_settings.LOGGING)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    missing = next(record for record in records if record["message"].startswith("Not Found"))
    assert missing["request_id"] == "trace-0000000043" and missing["level"] == "WARNING"
    assert missing["logger"] == "django.request" and "T" in missing["time"]
    assert records[-1]["message"] == "Ćao, svete" and records[-1]["request_id"] == "-"


def test_an_email_sent_by_a_request_carries_its_id(client, site, mailoutbox, settings):
    settings.EMAIL_BACKEND = "portal.observability.RequestIdEmailBackend"
    settings.PORTAL_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    UserFactory(email="ana@example.com")
    answer = client.post("/accounts/password/reset/", {"email": "ana@example.com"})
    assert answer.status_code == HTTPStatus.FOUND
    assert mailoutbox[-1].extra_headers["X-Request-ID"] == answer["X-Request-ID"]
    assert f"X-Request-ID: {answer['X-Request-ID']}" in mailoutbox[-1].message().as_string()


class Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk compresses with Brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_reach_sentry_with_the_request_id_and_no_personal_data(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = (
        "import django; django.setup()\n"
        "import sentry_sdk\n"
        "from portal import observability\n"
        "observability.current_request_id.set('req-000000sentry')\n"
        "sentry_sdk.set_user({'email': 'ana@example.com'})\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    sentry_sdk.capture_exception()\n"
        "sentry_sdk.flush(5)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "SENTRY_DSN": f"http://public0key@127.0.0.1:{server.server_port}/1",
        "SENTRY_ENVIRONMENT": "test",
    }
    try:
        run = subprocess.run([sys.executable, "-c", script], cwd=django_settings.BASE_DIR, env=env, timeout=60)
        assert run.returncode == 0
    finally:
        server.shutdown()
    envelope = b"".join(Collector.received).decode()
    assert "ZeroDivisionError" in envelope and '"environment":"test"' in envelope.replace(" ", "")
    assert '"request_id":"req-000000sentry"' in envelope.replace(" ", "")
    assert "ana@example.com" not in envelope
