from django import template

from themes import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str):
    """The HTML the apps registered for the place `name` (see themes/slots.py)."""
    request = context.get("request")
    return slots.render(name, request) if request is not None else ""
