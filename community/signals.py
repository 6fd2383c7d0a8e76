"""What the community tells other apps. Search listens here to keep topics findable."""

from django.dispatch import Signal

from portal.cache_versions import COMMUNITY, bump

#: Sent after commit with `topic` and `session_key`: a topic was started from the new-topic form,
#: so the suggestions that session opened did not answer it.
topic_started = Signal()

#: Sent after commit with `topic_ids`: topics whose text, visibility or place changed.
topics_changed = Signal()

#: Sent when a profile page is shown, with `viewer` and `person`: a receiver may answer with a
#: (label, url) pair for staff (the customer page); the community never imports those apps.
profile_links = Signal()


def pages_changed() -> None:
    """Something the community's pages show changed: fragments and cached pages start afresh."""
    bump(COMMUNITY)


#: Functions `(title, user, site_id) -> list of hits (title, url, kind)` that find what may already
#: answer a new topic on a brand's site. Search registers itself here, so the community never imports it.
similar_content_finders: list = []


def similar_content(title: str, user, site_id: int | None = None) -> list:
    for finder in similar_content_finders:
        try:
            return list(finder(title, user, site_id))
        except Exception:
            return []
    return []
