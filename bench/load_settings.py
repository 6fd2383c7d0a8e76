"""Production settings for the load scenario (bench/load.py): the dummy card gateway members renew
through, and cookies over plain HTTP on 127.0.0.1 (the load generator speaks no TLS)."""

from portal.settings.production import *  # noqa: F403

PAYMENT_VARIANTS = {"card": ("payments.dummy.DummyProvider", {})}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
