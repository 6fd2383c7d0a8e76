import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from knowledge_base.choices import Audience
from knowledge_base.models import (
    ArticlePage,
    FAQPage,
    HelpIndexPage,
    KnowledgeBasePage,
    Product,
    RelatedArticle,
    SectionPage,
)
from tests.factories import UserFactory


def publish(page, user=None):
    page.save_revision(user=user).publish(user=user)
    return page


def add_article(parent, title: str, *, audience=Audience.EVERYONE, owner=None, tags=(), review_by=None, **fields):
    body = [
        ("paragraph", f"<p>{title} body text.</p>"),
        ("heading", {"text": "Before you start", "level": "h2"}),
        ("steps", {"steps": [{"title": "Open the settings", "detail": ""}, {"title": "Save", "detail": ""}]}),
        ("heading", {"text": "Details", "level": "h3"}),
        ("callout", {"kind": "warning", "text": "<p>Careful.</p>"}),
    ]
    article = ArticlePage(
        title=title,
        summary=f"Summary of {title}.",
        body=body,
        audience=audience,
        content_owner=owner,
        review_by=review_by,
        **fields,
    )
    parent.add_child(instance=article)
    if tags:
        article.tags.add(*tags)
    return publish(article)


@dataclass
class KB:
    help_index: HelpIndexPage
    kb: KnowledgeBasePage
    section: SectionPage
    subsection: SectionPage
    public: ArticlePage
    second: ArticlePage
    third: ArticlePage
    customers_only: ArticlePage
    members_only: ArticlePage
    faq: FAQPage
    owner: object


@pytest.fixture
def kb(site) -> KB:
    owner = UserFactory(role="editor", email="owner@example.com")
    help_index = HelpIndexPage.objects.child_of(site.root_page).get()
    product = Product.objects.create(name="Router AX3", slug="router-ax3")
    kb_page = KnowledgeBasePage(title="Router AX3", slug="router-ax3", product=product, intro="All about the router.")
    help_index.add_child(instance=kb_page)
    publish(kb_page)
    section = SectionPage(title="Getting started", slug="getting-started")
    kb_page.add_child(instance=section)
    publish(section)
    subsection = SectionPage(title="Advanced", slug="advanced")
    section.add_child(instance=subsection)
    publish(subsection)
    past = timezone.localdate() - datetime.timedelta(days=2)
    public = add_article(section, "Set up the router", owner=owner, tags=["setup", "wifi"], review_by=past)
    second = add_article(section, "Change the Wi-Fi password", owner=owner, tags=["wifi"])
    third = add_article(section, "Update the firmware", owner=owner, tags=["firmware"])
    customers_only = add_article(section, "Register for warranty", audience=Audience.CUSTOMERS, tags=["wifi"])
    members_only = add_article(section, "Priority hotline number", audience=Audience.MEMBERS, tags=["wifi"])
    faq = FAQPage(
        title="Router questions",
        slug="router-questions",
        items=[
            ("item", {"question": "Does it work with fibre?", "answer": "<p>Yes, with any <b>modem</b>.</p>"}),
            ("item", {"question": "Is there a fee?", "answer": "<p>No.</p>"}),
        ],
    )
    kb_page.add_child(instance=faq)
    publish(faq)
    RelatedArticle.objects.create(article=public, related=third, sort_order=0)
    # Publishing indexes each page in a task after commit, which a test's transaction never
    # reaches; index the finished tree once, as `search_index rebuild` would.
    from portal.search import service

    service.rebuild(backend=service.database)
    return KB(help_index, kb_page, section, subsection, public, second, third, customers_only, members_only, faq, owner)
