"""Wagtail's view-restriction check, asked only where a restriction can apply.

Wagtail looks up the view restrictions of a page and its ancestors with a query on every page
served. Restrictions are few and change rarely, so their tree paths are kept per content
generation (portal/serving.py); pages outside every restricted branch skip the query, and every
other page gets Wagtail's own check unchanged.
"""

from wagtail import hooks
from wagtail import wagtail_hooks as wagtail_core_hooks

from .serving import may_be_restricted

_core_check = wagtail_core_hooks.check_view_restrictions
hooks._hooks["on_serve_page"] = [
    entry for entry in hooks._hooks.get("on_serve_page", []) if entry[0] is not _core_check
]


@hooks.register("on_serve_page")
def check_view_restrictions(callback):
    checked = _core_check(callback)

    def inner(page, request, serve_args, serve_kwargs):
        if may_be_restricted(page):
            return checked(page, request, serve_args, serve_kwargs)
        return callback(page, request, serve_args, serve_kwargs)

    return inner
