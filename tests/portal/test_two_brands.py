"""Two brands on one server: crawling each site never shows the other's help centre or community."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client, TestCase
from wagtail.models import Site

from community import services as community
from community.models import Category
from knowledge_base.models import HelpIndexPage, KnowledgeBasePage, Product, SectionPage
from portal.search import service
from tests.community.conftest import trusted
from tests.factories import UserFactory
from tests.knowledge_base.conftest import add_article, publish

pytestmark = pytest.mark.django_db

SKIP = ("/admin", "/accounts", "/i18n", "/static", "/media", "/api", "/o/", "/me", "/support", "/privacy")
LINK = re.compile(r'href="([^"#][^"]*)"')


def brand(site: Site, name: str, marker: str) -> dict:
    """A knowledge base, an article, a category and a topic of one brand, each named with `marker`."""
    product = Product.objects.create(name=f"{name} product", slug=f"{marker}-product")
    help_index = HelpIndexPage.objects.child_of(site.root_page).get()
    kb = KnowledgeBasePage(title=f"{marker} base", slug=f"{marker}-base", product=product, intro="x")
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title=f"{marker} section", slug="start")
    kb.add_child(instance=section)
    publish(section)
    article = add_article(section, f"{marker} article about lights")
    category = Category.objects.create(name=f"{marker} forum", slug=f"{marker}-forum", site=site, product=product)
    author = trusted(UserFactory())
    with TestCase.captureOnCommitCallbacks(execute=True):
        topic = community.start_topic(
            category=category,
            author=author,
            title=f"{marker} topic about lights",
            body="Lights flicker.",
            language="en",
        )
    return {"article": article, "category": category, "topic": topic, "marker": marker}


def crawl(host: str, limit: int = 80) -> dict[str, str]:
    """Every page reachable from the home page on this host, by GET, as anonymous visitor: path → HTML."""
    client = Client(HTTP_HOST=host)
    seen, queue, pages = set(), deque(["/", "/help/", "/community/", "/search/?q=lights"]), {}
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code in (200, 301, 302, 404), (host, path, response.status_code)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"])
            assert target.netloc in ("", host), f"{host}{path} redirects off the host to {response['Location']}"
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in LINK.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.netloc and parts.netloc != host:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local.startswith("/") and not local.startswith(SKIP) and ".gif" not in local:
                queue.append(local)
    return pages


def test_each_brand_shows_only_its_own_and_the_shared_content(site, other_site):
    first = brand(site, "Acme", "alpha")
    second = brand(other_site, "Beta", "omega")
    shared = Category.objects.create(name="Shared lounge", slug="shared-lounge")
    with TestCase.captureOnCommitCallbacks(execute=True):
        community.start_topic(
            category=shared, author=trusted(UserFactory()), title="Shared topic about lights", body="Hi", language="en"
        )
    service.rebuild()

    for host, own, other in (("testserver", first, second), ("brand-two.test", second, first)):
        pages = crawl(host)
        text = "\n".join(pages.values())
        assert f"{own['marker']} article about lights" in text, host
        assert f"{own['marker']} topic about lights" in text, host
        assert "Shared topic about lights" in text, host  # a category every brand shares
        leaks = [path for path, html in pages.items() if other["marker"] in html]
        assert not leaks, f"{host} shows the other brand's content on {leaks}"
        # Its pages are not reachable by address either.
        client = Client(HTTP_HOST=host)
        assert client.get(other["topic"].get_absolute_url()).status_code == 404
        assert client.get(other["category"].get_absolute_url()).status_code == 404
        assert len(pages) > 8, sorted(pages)
