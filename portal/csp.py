"""Content-Security-Policy (django-csp): one strict policy for the site, a wider one for the admin.

The site has no inline script or style (JSON-LD is data, not script; the brand's colour comes from
/brand.css), so its policy allows scripts, styles, images and connections from our own origin
only, and needs no per-response nonce: a page from the page cache is as valid as a rendered one.

Wagtail's admin writes style attributes and a few inline scripts of its own, which are not ours to
change; under /admin/ the policy also allows inline styles and scripts. Frames, plugins, the
base address and form targets stay locked there too.
"""

from csp.middleware import CSPMiddleware

from .csp_policy import ADMIN_ALLOWANCES, DOCS_ALLOWANCES


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**ADMIN_ALLOWANCES, **(parts.update or {})}
        elif not report_only and request.path_info.startswith("/api/docs/"):
            parts.update = {**DOCS_ALLOWANCES, **(parts.update or {})}
        return parts
