"""A Serbian Cyrillic draft of a Serbian Latin page, for an editor to check and publish.

The page is copied into the Cyrillic locale as Wagtail translates pages (same place in the tree,
same slug) and its words are transliterated by portal.serbian, which keeps names, codes, acronyms
and addresses in Latin. The copy is a draft: nothing is published until an editor has read it.
"""

import json

from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail.models import Locale, Page

from portal.serbian import latin_to_cyrillic

LATIN, CYRILLIC = "sr-latn", "sr"
#: StreamField keys that hold settings, references or code, not words.
_NOT_WORDS = frozenset({"type", "id", "level", "kind", "language", "code", "url", "page", "image", "document"})
_TEXT_FIELDS = ("title", "seo_title", "search_description", "summary", "intro", "heading")


class DraftError(Exception):
    """Why a Cyrillic draft cannot be made, in words for the editor."""


def _transliterate(value, key: str = ""):
    if key in _NOT_WORDS:
        return value
    if isinstance(value, str):
        return latin_to_cyrillic(value)
    if isinstance(value, list):
        return [_transliterate(item) for item in value]
    if isinstance(value, dict):
        return {k: _transliterate(v, k) for k, v in value.items()}
    return value


def cyrillic_locale() -> Locale | None:
    return Locale.objects.filter(language_code=CYRILLIC).first()


def can_draft(page: Page) -> bool:
    return page.locale.language_code == LATIN and not page.is_root()


def draft_cyrillic(*, page: Page, user) -> Page:
    """The page's Cyrillic copy as an unpublished draft; refuses to touch an existing one."""
    page = page.specific
    if not can_draft(page):
        raise DraftError(_("Only a page in Serbian (Latin) can be drafted in Cyrillic."))
    cyrillic = cyrillic_locale()
    if cyrillic is None:
        raise DraftError(_("The Serbian (Cyrillic) locale does not exist."))
    if page.get_translation_or_none(cyrillic) is not None:
        raise DraftError(_("This page already has a Cyrillic version: edit that one."))
    parent = page.get_parent()
    if parent.depth > 1 and parent.get_translation_or_none(cyrillic) is None:
        raise DraftError(_("Make the Cyrillic version of “%(parent)s” first.") % {"parent": parent.title})
    draft = page.copy_for_translation(cyrillic).specific
    for name in _TEXT_FIELDS:
        if isinstance(getattr(draft, name, None), str):
            setattr(draft, name, latin_to_cyrillic(getattr(draft, name)))
    for field in type(draft)._meta.get_fields():  # Django's documented Model _meta API
        if isinstance(field, StreamField):
            raw = list(getattr(draft, field.name).raw_data)
            setattr(draft, field.name, json.dumps(_transliterate(raw)))
    draft.save()
    draft.save_revision(user=user, log_action=True)
    return draft
