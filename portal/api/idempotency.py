"""Idempotency keys on creates: a POST sent again with the same `Idempotency-Key` gets the first
answer again and creates nothing twice; the same key with a different body is refused (422), and
a retry while the first is still running is told to wait (409)."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .models import IdempotentRequest
from .problems import Problem

HEADER = "Idempotency-Key"


def _caller(request) -> str:
    auth = getattr(request, "auth", None)
    if auth is not None and getattr(auth, "pk", None) is not None:
        return f"{type(auth).__name__}:{auth.pk}"[:80]
    return f"person:{request.user.pk}"


def _fingerprint(request) -> str:
    data = request.data
    try:
        body = json.dumps(data, sort_keys=True, default=str)
    except TypeError:
        body = repr(sorted(data.items())) if hasattr(data, "items") else repr(data)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def once(create):
    """Wrap a viewset's `create` (or any POST action) so an Idempotency-Key makes it happen once."""

    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return create(view, request, *args, **kwargs)
        if len(key) > 255:
            raise Problem(400, "bad-idempotency-key", _("An Idempotency-Key has at most 255 characters."))
        caller, fingerprint = _caller(request), _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint)
        except IntegrityError:
            record = IdempotentRequest.objects.get(caller=caller, key=key)
            if record.fingerprint != fingerprint:
                raise Problem(
                    422, "idempotency-key-reused", _("This Idempotency-Key was used for a different request.")
                ) from None
            if record.status is None:
                raise Problem(409, "in-progress", _("The first request with this key is still running.")) from None
            replay = Response(record.body, status=record.status)
            if record.location:
                replay["Location"] = record.location
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = create(view, request, *args, **kwargs)
        except Exception:
            record.delete()  # nothing was created: the key may be used again
            raise
        if response.status_code >= 500:
            record.delete()
        else:
            record.status = response.status_code
            record.body = response.data
            record.location = response.get("Location", "")[:500]
            record.save(update_fields=["status", "body", "location"])
        return response

    wrapped.__name__ = create.__name__
    wrapped.__doc__ = create.__doc__
    return wrapped
