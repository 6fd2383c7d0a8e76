"""`{% asset "path" %}`: the static file's address, worked out once per process.

Django's `{% static %}` asks the app registry and the storage on every use; the base template
uses it on every page for addresses that cannot change while the process runs.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@lru_cache(maxsize=256)
def _address(path: str, static_url: str) -> str:
    return static(path)


@register.simple_tag
def asset(path: str) -> str:
    return _address(path, settings.STATIC_URL)
