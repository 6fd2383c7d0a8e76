"""Images from other servers never load for readers: they become links (no read receipts)."""

import re

import pytest

from portal.markdown import own_images_only, render_markdown

pytestmark = pytest.mark.django_db

TRACKER = "https://tracker.example/pixel.gif?who=agent"


@pytest.mark.parametrize(
    "source",
    [
        f"![chart]({TRACKER})",
        "![x](//tracker.example/p.png)",
        "![x](HTTP://TRACKER.EXAMPLE/p.png)",
        f'![x]({TRACKER} "title")',
        "[![nested](https://tracker.example/n.png)](https://tracker.example/)",
    ],
)
def test_an_image_from_another_server_becomes_a_link(source):
    html = render_markdown(source)
    assert "<img" not in html
    assert "tracker.example" in html.lower() and "<a " in html


def test_an_uploaded_image_still_shows():
    html = render_markdown("![router](/community/images/abc123/router.png)")
    assert '<img src="/community/images/abc123/router.png" alt="router">' in html


def test_html_stored_earlier_is_relinked():
    stored = f'<p>See <img src="{TRACKER}" alt="chart"> and <img src="/community/images/a/b.png" alt="ok"></p>'
    cleaned = own_images_only(stored)
    assert f'<a href="{TRACKER}' in cleaned.replace("&amp;", "&") and "<img" in cleaned
    assert re.findall(r"<img[^>]*>", cleaned) == ['<img src="/community/images/a/b.png" alt="ok">']
