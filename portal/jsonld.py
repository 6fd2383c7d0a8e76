"""schema.org JSON-LD, written one way for every page.

The JSON goes inside a <script type="application/ld+json"> element, where the HTML parser looks for
`</script` and `<!--` before any JSON parser sees it. Escaping `<`, `>` and `&` as \\u escapes (as
Django's json_script does) leaves the data the same for a JSON reader and gives the HTML parser
nothing to act on, whatever people wrote in a title or a post.
"""

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_ld(data: dict[str, Any]) -> SafeString:
    """The data as JSON text safe inside a script element (and only there)."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308 — escaped above
