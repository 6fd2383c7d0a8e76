"""Absolute addresses on the host the request came to: {% canonical_url page %}."""

from django import template

from portal.addresses import absolute, page_path

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, page) -> str:
    request = context.get("request")
    return absolute(page_path(page, request), request=request)
