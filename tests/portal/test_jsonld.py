"""JSON-LD is written one way: nothing in it can end the script element or open a comment."""

import json
from html.parser import HTMLParser

import pytest

from portal.jsonld import json_ld

HOSTILE = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "<!-- </SCRIPT >",
    "a & b > c",
    "line\u2028separator\u2029",
    "ćirilica и латиница",
]


class Scripts(HTMLParser):
    """What a browser's HTML parser hands to each script element, and whether text follows them."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.after: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.after.append(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_the_script_and_reads_back_the_same(text):
    written = json_ld({"@type": "Thing", "name": text})
    assert "<" not in written and ">" not in written and "&" not in written
    parser = Scripts()
    parser.feed(f'<script type="application/ld+json">{written}</script><p>after</p>')
    assert parser.scripts == [written]
    assert json.loads(parser.scripts[0])["name"] == text
    assert "after" in parser.after
