"""The Jinja2 environment for the bodies of the busiest pages (the community's pages, a request).

Django templates stay the rule, and the site's shell around these bodies is one; Jinja2 renders
the bodies several times faster. Translatable text is written `{{ _("…") }}` so `makemessages`
finds it; plural forms and text with markup are worked out in Python.
"""

from django.conf import settings
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext, trans_real
from jinja2 import Environment

from .formatting import local_datetime


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, url=url)
    env.filters["local_datetime"] = local_datetime
    return env


def _active_translations() -> dict:
    """`_`, `gettext` and `ngettext` bound to the active language's catalogue for one render: a
    list of thirty rows asks for the same few strings a hundred times, and Django's functions look
    the active language up on every call."""
    if not settings.USE_I18N:
        return {}
    catalogue = trans_real.translation(translation.get_language())
    return {"_": catalogue.gettext, "gettext": catalogue.gettext, "ngettext": catalogue.ngettext}


def render_fragment(request, template_name: str, context: dict) -> SafeString:
    """Render a Jinja2 template as a piece of a Django-rendered page.

    The request's CSRF field is worked out once for every form of the piece (Jinja2's own would be
    per form). Jinja2 escapes what it prints, so the result is safe markup for the page around it.
    """
    from django.template import engines

    context = {
        "request": request,
        "user": request.user,
        "csrf_input": csrf_input(request),
        **_active_translations(),
        **context,
    }
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))  # noqa: S308
