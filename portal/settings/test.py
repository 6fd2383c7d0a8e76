"""Tests: fast hashing, immediate tasks, mail kept in memory, PostgreSQL when DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import FRAGMENT_CACHE, MIDDLEWARE

DEBUG = False
SECRET_KEY = "test-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The queue tests (tests/portal/test_task_queue.py) hand work to real RQ workers on a Redis
# database of their own; django-rq reads this once, at start.
RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/13", "DEFAULT_TIMEOUT": 600}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "template_fragments": FRAGMENT_CACHE}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.uploads.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Static files come from the apps' folders in tests; WhiteNoise serves only collected files.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
