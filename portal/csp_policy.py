"""The Content-Security-Policy's directives (read by settings, so nothing here imports Django)."""

NONE = "'none'"
SELF = "'self'"
UNSAFE_INLINE = "'unsafe-inline'"

SITE = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "media-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "frame-ancestors": [SELF],
}
#: Wagtail's admin runs inline scripts of its own (the page explorer, the editor, the users list)
#: and writes style attributes; neither carries a nonce Wagtail lets us set.
ADMIN_ALLOWANCES = {
    "script-src": [UNSAFE_INLINE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["blob:"],
    "frame-src": [SELF],
}
#: The API's documentation (Swagger UI, served from our own files) sets style attributes.
DOCS_ALLOWANCES = {"style-src": [UNSAFE_INLINE]}
