"""Following one action through the logs: a request id on every request, in every log line, in the
tasks the request queues and in the e-mails they send; JSON logs; optional error reporting.

- `RequestIdMiddleware` (first in MIDDLEWARE) takes a load balancer's `X-Request-ID` when it is a
  plain token, or makes one, and answers with it.
- `RequestIdFilter` puts it on every log record as `request_id` ("-" outside a request); with
  `PORTAL_LOG_FORMAT=json` each line is one JSON object (python-json-logger).
- Tasks on RQ carry it in their job's meta (portal/queue.py) and a worker takes it up when it starts
  the task; tasks run immediately share the request's own.
- `RequestIdEmailBackend` wraps the configured e-mail backend (`EMAIL_BACKEND`) and stamps each
  message with `X-Request-ID`, so a complaint about an e-mail leads to the request that caused it.
- `init_sentry` reports errors to Sentry when `SENTRY_DSN` is set: no personal data (no cookies,
  no addresses, no user), the request id as a tag.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

HEADER = "X-Request-ID"
_PLAIN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
current_request_id: ContextVar[str] = ContextVar("request_id", default="")


def request_id() -> str:
    return current_request_id.get()


def accept(offered: str | None) -> str:
    """The id a proxy sent when it is a plain token of 8–64 characters; otherwise a new one."""
    if offered and _PLAIN.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def start(sender, environ=None, **kwargs):
    """request_started: before any middleware, so even the log line Django writes after the
    response (a 404, a 500) carries the id."""
    current_request_id.set(accept((environ or {}).get("HTTP_X_REQUEST_ID")))


def finish(sender, **kwargs):
    """request_finished, once the response is closed."""
    current_request_id.set("")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not current_request_id.get():  # a server that does not send request_started
            current_request_id.set(accept(request.headers.get(HEADER)))
        request.request_id = current_request_id.get()
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


class RequestIdEmailBackend(BaseEmailBackend):
    """The configured backend (`PORTAL_EMAIL_BACKEND`), with the request id on each message."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.PORTAL_EMAIL_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        known = request_id()
        if known:
            for message in email_messages:
                message.extra_headers.setdefault(HEADER, known)
        return self.inner.send_messages(email_messages)


def take_up_job_request_id(sender, task_result, **kwargs):
    """django-tasks' task_started, in an RQ worker: the request id the job was queued under."""
    if task_result.backend != "default" or "django_tasks_rq" not in settings.TASKS["default"]["BACKEND"]:
        return
    import django_rq

    job = django_rq.get_queue(task_result.task.queue_name).fetch_job(task_result.id)
    current_request_id.set(job.meta.get("request_id", "") if job else "")


def init_sentry(dsn: str, environment: str, traces: float) -> None:
    import sentry_sdk

    def tag(event, hint):
        event.pop("user", None)  # whoever it was is personal data; the request id finds them in our logs
        if request_id():
            event.setdefault("tags", {})["request_id"] = request_id()
        return event

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces,
        before_send=tag,
        max_request_body_size="never",
    )
