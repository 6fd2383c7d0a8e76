"""Production: refuses to start without a secret key and allowed hosts; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the portal answers to.")

# The dummy gateway approves whatever it is told: production takes card payments only through
# a real gateway configured in PORTAL_PAYMENT_VARIANTS.
if "PORTAL_PAYMENT_VARIANTS" not in os.environ:
    PAYMENT_VARIANTS = {}
elif any("dummy" in handler for handler, _config in PAYMENT_VARIANTS.values()):
    raise ImproperlyConfigured("PORTAL_PAYMENT_VARIANTS must not use the dummy gateway in production.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Wagtail's editor shows the live preview in a same-origin frame, so frames stay SAMEORIGIN.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
