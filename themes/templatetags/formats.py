"""Money in the reader's language: {{ order.amount|money:order.currency }}."""

from django import template

from portal.formatting import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    return format_money(amount, currency)
