"""Text out of e-mail bytes, read as mail programs read it.

Mail in the wild is labelled wrongly or not at all: a part says UTF-8 and is Latin-1, an 8-bit part
has no charset, a label is a browser's alias (`iso-8859-8-i`, `x-mac-cyrillic`), a Subject carries raw
8-bit bytes. The order here: the label (through the aliases browsers and mail programs know) when the
bytes decode cleanly with it; then UTF-8; then detection (charset-normalizer); only then a lossy
reading. The raw message is always kept as received (InboundEmail.raw), so nothing is lost.
"""

import base64
import binascii
import codecs
import quopri
import re

from charset_normalizer import from_bytes

#: Labels Python does not know, or knows as something narrower than what senders mean (WHATWG's
#: encoding labels: ISO-8859-1 and ASCII are read as windows-1252, as every browser does).
ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "x-mac-ce": "mac-latin2",
    "x-mac-centraleurroman": "mac-latin2",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "windows-874": "cp874",
    "x-user-defined": "cp1252",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "cp-850": "cp850",
}
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")


def codec_for(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when nobody knows it."""
    if not label:
        return None
    name = label.strip().strip('"').lower().split("*", 1)[0]  # RFC 2231 language suffix
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, label: str | None = None) -> str:
    """The text the bytes hold, trusting the label only as far as the bytes agree with it."""
    codec = codec_for(label)
    for candidate in (codec, "utf-8"):
        if candidate:
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode(codec or "cp1252", errors="replace")


def decode_header(raw: str) -> str:
    """A header's value as text: raw 8-bit bytes (kept as surrogate escapes by the parser) and
    RFC 2047 encoded words in any charset; adjacent encoded words join without the space between."""
    raw = _BETWEEN_WORDS.sub(r"\1\2", raw)
    parts, position = [], 0
    for match in ENCODED_WORD.finditer(raw):
        parts.append(_plain(raw[position : match.start()]))
        parts.append(_encoded_word(*match.groups()) or match.group(0))
        position = match.end()
    parts.append(_plain(raw[position:]))
    return " ".join("".join(parts).split())


def _plain(chunk: str) -> str:
    data = chunk.encode("utf-8", "surrogateescape")
    return decode_text(data) if not data.isascii() else chunk


def _encoded_word(charset: str, kind: str, payload: str) -> str | None:
    try:
        if kind.lower() == "b":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii", "surrogateescape"), header=False)
    except (binascii.Error, ValueError):
        return None
    return decode_text(data, charset)
