"""Production: refuses to start without a secret key and allowed hosts; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, REDIS_URL, SECRET_KEY, env_bool

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the portal answers to.")
# Cached pages and fragments are kept under named versions (portal.cache_versions); a change made
# through one worker must reach every other at once, so they all need the same cache.
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must name the Redis server every worker shares (e.g. redis://127.0.0.1:6379/0)."
    )

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
