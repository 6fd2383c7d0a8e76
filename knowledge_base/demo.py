"""Seed the demo help centre (idempotent): products, knowledge bases, sections, articles, FAQs,
images, tags, featured articles, translations, views and votes."""

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Locale

from portal.serbian import latin_to_cyrillic

from . import services
from .choices import Audience
from .demo_content import BACKUP, NORDLIGHT, ROUTER, SERBIAN
from .models import (
    ArticleDailyViews,
    ArticleFeedback,
    ArticlePage,
    FAQPage,
    FeaturedArticle,
    HelpIndexPage,
    KnowledgeBasePage,
    Product,
    ProductVersion,
    SectionPage,
    SharedText,
)

SECTION_TITLES_SR = {
    "Getting started": "Prvi koraci",
    "Wi-Fi and network": "Wi-Fi i mreža",
    "Troubleshooting": "Rešavanje problema",
    "Backups and restores": "Rezervne kopije i vraćanje",
    "Account and billing": "Nalog i plaćanje",
}


def _diagram(title: str, colour: str) -> Image:
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (800, 420), "#f6f7f9")
    draw = ImageDraw.Draw(canvas)
    draw.rounded_rectangle((60, 150, 260, 270), radius=18, fill=colour)
    draw.rounded_rectangle((540, 150, 740, 270), radius=18, fill="#4f5863")
    draw.line((260, 210, 540, 210), fill="#1b1f24", width=6)
    draw.text((90, 200), "Modem", fill="#ffffff")
    draw.text((570, 200), "Router", fill="#ffffff")
    draw.text((60, 40), title, fill="#1b1f24")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png"))


def _shared_contact() -> SharedText:
    shared = SharedText.objects.filter(title="Still need help?", locale=Locale.get_default()).first()
    if shared is None:
        shared = SharedText.objects.create(
            title="Still need help?",
            text='<p>Ask the <a href="/community/">community</a> or <a href="/support/">contact support</a>; '
            "we answer within one business day.</p>",
        )
    return shared


def _body(
    summary: str, steps: list[str], tip: str, *, image=None, table=False, code=None, shared=None, heading="Steps"
) -> list:
    body = [("paragraph", f"<p>{summary}</p>")]
    if image is not None:
        body.append(
            ("figure", {"image": image, "alt_text": "The modem connected to the router's WAN port", "caption": ""})
        )
    body.append(("heading", {"text": heading, "level": "h2"}))
    body.append(("steps", {"steps": [{"title": step, "detail": ""} for step in steps]}))
    body.append(("callout", {"kind": "tip", "text": f"<p>{tip}</p>"}))
    if table:
        body.append(("heading", {"text": "What the light means", "level": "h2"}))
        body.append(
            (
                "table",
                {
                    "data": [
                        ["Light", "Meaning"],
                        ["White", "Connected to the internet"],
                        ["Pulsing white", "Updating firmware"],
                        ["Blinking red", "No internet connection"],
                    ],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Status light colours",
                },
            )
        )
    if code:
        body.append(("code", {"language": "text", "code": code}))
    if shared is not None:
        body.append(("heading", {"text": "Still need help?", "level": "h2"}))
        body.append(("shared_text", shared))
    return body


def _publish(page, user=None) -> None:
    page.save_revision(user=user).publish(user=user)


def _ensure_kb(help_index: HelpIndexPage, spec: dict, *, owner, image, shared) -> KnowledgeBasePage:
    name, slug, versions = spec["product"]
    product, _created = Product.objects.get_or_create(slug=slug, defaults={"name": name})
    for order, version in enumerate(versions):
        ProductVersion.objects.get_or_create(product=product, name=version, defaults={"sort_order": order})
    kb = KnowledgeBasePage.objects.child_of(help_index).filter(slug=slug).first()
    if kb is not None:
        return kb
    kb = KnowledgeBasePage(
        title=spec["title"], slug=slug, product=product, intro=spec["intro"], locale=help_index.locale
    )
    help_index.add_child(instance=kb)
    _publish(kb, owner)
    today = timezone.localdate()
    articles = []
    for s_index, (section_title, section_intro, items) in enumerate(spec["sections"]):
        section = SectionPage(title=section_title, intro=section_intro, locale=kb.locale)
        kb.add_child(instance=section)
        _publish(section, owner)
        for a_index, (title, summary, tags, steps, tip) in enumerate(items):
            article = ArticlePage(
                title=title,
                summary=summary,
                locale=kb.locale,
                body=_body(
                    summary,
                    steps,
                    tip,
                    image=image if a_index == 0 else None,
                    table=title == "Understand the status light",
                    code="TCP 27015-27030, UDP 27000-27031" if title.startswith("Forward a port") else None,
                    shared=shared,
                ),
                content_owner=owner,
                review_by=today + datetime.timedelta(days=180) if a_index % 4 else today - datetime.timedelta(days=3),
                audience=Audience.MEMBERS
                if title.startswith("Encrypt")
                else Audience.CUSTOMERS
                if title.startswith("Register")
                else Audience.EVERYONE,
                promoted=s_index == 0 and a_index == 0,
            )
            section.add_child(instance=article)
            article.tags.add(*tags)
            article.products.add(product)
            article.versions.add(*ProductVersion.objects.filter(product=product))
            _publish(article, owner)
            articles.append(article)
    faq_title, faq_items = spec["faq"]
    faq = FAQPage(
        title=faq_title,
        intro="Short answers to the questions we hear most.",
        locale=kb.locale,
        items=[("item", {"question": q, "answer": f"<p>{a}</p>"}) for q, a in faq_items],
    )
    kb.add_child(instance=faq)
    _publish(faq, owner)
    for order, article in enumerate(articles[1:4]):
        FeaturedArticle.objects.create(knowledge_base=kb, article=article, sort_order=order)
    _demonstrate_publishing(articles, owner)
    return kb


def _demonstrate_publishing(articles: list[ArticlePage], owner) -> None:
    """A pending draft, a scheduled change and an expiry, so editors see Wagtail's publishing tools."""
    now = timezone.now()
    by_title = {article.title: article for article in articles}
    if draft := by_title.get("Choose between 2.4 GHz and 5 GHz"):
        draft.summary = "When each band is the better choice, and what Wi-Fi 6E adds."
        draft.save_revision(user=owner)  # a draft beside the live page: compare it in the history
    if scheduled := by_title.get("Update the router's firmware"):
        scheduled.summary = "Keep your router secure with the latest firmware, installed automatically at night."
        scheduled.go_live_at = now + datetime.timedelta(days=7)
        scheduled.save_revision(user=owner, approved_go_live_at=scheduled.go_live_at)
    if expiring := by_title.get("Set up parental controls"):
        expiring.expire_at = now + datetime.timedelta(days=90)
        _publish(expiring, owner)


def _translate(page, locale, fields: dict, owner) -> None:
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return
    translated = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    _publish(translated, owner)


def _ensure_translations(kb: KnowledgeBasePage, owner) -> None:
    latin = Locale.objects.get(language_code="sr-latn")
    cyrillic = Locale.objects.get(language_code="sr")
    for article in ArticlePage.objects.descendant_of(kb).filter(locale=kb.locale):
        text = SERBIAN.get(article.title)
        if text is None:
            continue
        title, summary, steps, tip = text
        for locale, convert in ((latin, str), (cyrillic, latin_to_cyrillic)):
            # Parents first: the knowledge base and section, translated and published.
            for ancestor in (kb, article.get_parent().specific):
                if ancestor.get_translation_or_none(locale) is None:
                    ancestor_title = SECTION_TITLES_SR.get(ancestor.title, ancestor.title)
                    _translate(ancestor, locale, {"title": convert(ancestor_title)}, owner)
                else:
                    parent_translation = ancestor.get_translation(locale)
                    if not parent_translation.live:
                        _publish(parent_translation.specific, owner)
            body = _body(convert(summary), [convert(s) for s in steps], convert(tip), heading=convert("Koraci"))
            _translate(article, locale, {"title": convert(title), "summary": convert(summary), "body": body}, owner)


def _ensure_activity(kb: KnowledgeBasePage) -> None:
    """Views and votes, so the reports and “popular” lists have something to show."""
    articles = list(ArticlePage.objects.descendant_of(kb).filter(locale=kb.locale).order_by("path"))
    if ArticleFeedback.objects.filter(article__in=articles).exists():
        return
    rng = random.Random(kb.pk)
    today = timezone.localdate()
    reasons = ["outdated", "unclear", "incomplete", "unsolved"]
    for index, article in enumerate(articles):
        for day in range(7):
            ArticleDailyViews.objects.create(
                article=article, day=today - datetime.timedelta(days=day), views=rng.randint(5, 120) // (index % 5 + 1)
            )
        for voter in range(rng.randint(2, 9)):
            helpful = rng.random() > 0.25
            services.record_feedback(
                article=article,
                session_key=f"demo-{article.pk}-{voter}",
                helpful=helpful,
                reason="" if helpful else reasons[voter % 4],
                comment="" if helpful else "The screen in step 2 looks different on my router.",
            )


def seed_knowledge_base(*, help_index: HelpIndexPage, owner, specs=None) -> list[KnowledgeBasePage]:
    """Knowledge bases under a help centre: Northwind's router and backup ones unless `specs` says."""
    specs = specs or (ROUTER, BACKUP)
    image = _diagram("Router connection diagram", "#1f5fbf") if ROUTER in specs else None
    shared = _shared_contact()
    knowledge_bases = []
    for spec in specs:
        kb = _ensure_kb(help_index, spec, owner=owner, image=image, shared=shared)
        _ensure_translations(kb, owner)
        _ensure_activity(kb)
        knowledge_bases.append(kb)
    return knowledge_bases


def seed_second_brand(*, help_index: HelpIndexPage, owner) -> list[KnowledgeBasePage]:
    """The second demo brand's own small help centre."""
    return seed_knowledge_base(help_index=help_index, owner=owner, specs=(NORDLIGHT,))
