"""User-written Markdown → safe HTML. The one way any app renders what people type.

markdown-it-py parses (CommonMark, raw HTML off, URLs linkified), bleach cleans the result
against an allow-list, and every link gets `rel="nofollow ugc noopener"`. Store the output;
it is safe to show as is.

Images show only from this site (uploads, addressed by path). An image on another server would be
fetched by every reader's browser or mail program, telling its owner who read the post and when
(an agent's address, a customer's): it becomes a link to that address instead.
"""

import html as html_lib
import re

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title"],
    "ol": ["start"],
    "th": ["align"],
    "td": ["align"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def is_own_address(src: str) -> bool:
    """A path on this site ("/community/images/…"), not another server's address (or "//host/…")."""
    return src.startswith("/") and not src.startswith("//") and "\\" not in src


def _image_or_link(self, tokens, idx, options, env):
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if is_own_address(src):
        return self.image(tokens, idx, options, env)
    text = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{html_lib.escape(src)}">{html_lib.escape(text)}</a>'


_parser.add_render_rule("image", _image_or_link)
_REMOTE_IMAGE = re.compile(r"<img\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def own_images_only(stored_html: str) -> str:
    """HTML rendered before this rule, with images from other servers turned into links."""

    def replace(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        src = html_lib.unescape(attributes.get("src", ""))
        if is_own_address(src):
            return match.group(0)
        text = html_lib.unescape(attributes.get("alt", "")) or src
        return f'<a href="{html_lib.escape(src)}" rel="nofollow ugc noopener">{html_lib.escape(text)}</a>'

    return _REMOTE_IMAGE.sub(replace, stored_html or "")


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"})


def _shift_headings(html: str) -> str:
    # A post sits under the page's own h1/h2: its headings start at h3.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return html


def render_markdown(source: str, *, allow_images: bool = True) -> str:
    """Markdown to sanitised HTML; links marked nofollow/ugc, images optional."""
    html = _shift_headings(_parser.render(source or ""))
    tags = ALLOWED_TAGS if allow_images else ALLOWED_TAGS - {"img"}
    cleaned = bleach.clean(html, tags=tags, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True)
    return _linker.linkify(cleaned)


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|th|td)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")


def markdown_to_text(source: str, *, limit: int | None = None) -> str:
    """Markdown as one line of plain text: for snippets, JSON-LD, subjects and notifications.

    Marks (`**bold**`, `# heading`, `[text](url)`, lists) are read, not shown; the words stay, an
    image leaves its description, entities become their characters. `limit` cuts at a word with "…".
    """
    rendered = _parser.render(source or "")
    rendered = re.sub(r'<img\b[^>]*\balt="([^"]*)"[^>]*>', r" \1 ", rendered)
    text = html_lib.unescape(_TAG.sub("", _BLOCK_END.sub(" ", rendered)))
    text = _WHITESPACE.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        cut = text[: max(limit - 1, 0)]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + "…"
    return text
