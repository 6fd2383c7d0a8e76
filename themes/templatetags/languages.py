"""`{% language_links %}`: the language switch's links for the page being rendered."""

from django import template
from django.conf import settings
from django.utils import translation

from portal.languages import switch_url

register = template.Library()


@register.inclusion_tag("components/language_links.html", takes_context=True)
def language_links(context) -> dict:
    request = context["request"]
    page = context.get("page")
    page_id = getattr(page, "pk", None)
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "url": switch_url(code, next_path=request.get_full_path(), page_id=page_id, user=context.get("user")),
            }
        )
    return {"links": links}
