"""Read paths of the community: lists, one topic's page, profiles, the leaderboard.

Every page reads a fixed number of queries whatever the number of topics, replies or
participants (pinned in the tests).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.http import Http404
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.models import public_name
from portal.cache_versions import COMMUNITY, per_request, versions
from portal.membership import points as ledger

from . import access
from .choices import PostState
from .models import BadgeAward, Category, CommunityProfile, Flag, Post, PostVote, Topic

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
LIST_VIEWS = ("latest", "top", "unanswered", "solved")
PERIODS = {"week": 7, "month": 30, "year": 365, "all": None}


CATEGORIES_SECONDS = 300


def all_categories() -> list[Category]:
    """Every category with its product: a handful of rows every community page reads, kept per
    version of the community (anything that changes their counters starts a new one) and for
    at most CATEGORIES_SECONDS (products are renamed elsewhere)."""
    key = f"community:categories:{versions(COMMUNITY)}"

    def cached():
        found = cache.get(key)
        if found is None:
            found = list(Category.objects.select_related("product"))
            cache.set(key, found, CATEGORIES_SECONDS)
        return found

    return per_request(key, cached)


def on_site(category: Category, site_id: int | None) -> bool:
    """Whether a brand's community shows this category: its own, or one every brand shares."""
    return site_id is None or category.site_id is None or category.site_id == site_id


def on_site_q(site_id: int | None, prefix: str = "") -> Q:
    if site_id is None:
        return Q()
    return Q(**{f"{prefix}site__isnull": True}) | Q(**{f"{prefix}site_id": site_id})


def categories_for(user, site_id: int | None = None) -> list[Category]:
    """The categories this person may read in the community of the brand they are on."""
    return [c for c in all_categories() if access.can_read(user, c) and on_site(c, site_id)]


def category_by_slug(slug: str) -> Category | None:
    return next((category for category in all_categories() if category.slug == slug), None)


def topic_by_pk(pk: int) -> Topic | None:
    """One topic with its category (from the cached categories); the author is read only if asked for."""
    topic = Topic.objects.filter(pk=pk).order_by().first()
    if topic is not None:
        category = next((category for category in all_categories() if category.pk == topic.category_id), None)
        if category is not None:
            topic.category = category
    return topic


def topics(
    user,
    *,
    view: str = "latest",
    category: Category | None = None,
    tag: str = "",
    period: str = "all",
    site_id: int | None = None,
):
    """The topics a list shows, in the list's order. Only categories the reader may read, on this site."""
    queryset = Topic.objects.listed()
    if category is not None:
        # The caller has checked that the reader may read this category here.
        queryset = queryset.filter(category=category)
    else:
        queryset = queryset.filter(access.readable_categories_q(user, prefix="category__"))
        queryset = queryset.filter(on_site_q(site_id, prefix="category__"))
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if view == "top":
        days = PERIODS.get(period)
        if days:
            queryset = queryset.filter(created_at__gte=timezone.now() - timedelta(days=days))
        return queryset.order_by("-score", "-reply_count", "-last_activity_at", "-pk")
    if view == "unanswered":
        queryset = queryset.filter(reply_count=0)
    elif view == "solved":
        queryset = queryset.filter(accepted_post__isnull=False)
    if view == "latest" and not tag:
        return queryset.order_by("-is_pinned", "-last_activity_at", "-pk")
    return queryset.order_by("-last_activity_at", "-pk")


#: A list row: what the row shows of the topic (the rest is deferred) and of its author.
TOPIC_COLUMNS = (
    "id", "category_id", "title", "slug", "tag_list", "last_activity_at", "reply_count", "score", "is_pinned",
    "is_locked", "accepted_post_id", "idea_status",
)  # fmt: skip
AUTHOR_COLUMNS = ("author__display_name", "author__first_name", "author__last_name", "author__email")


def _rows(queryset):
    return queryset.values_list(*TOPIC_COLUMNS, *AUTHOR_COLUMNS)


def _category_first_page(category_id: int) -> list[tuple]:
    listed = Topic.objects.listed().filter(category_id=category_id)
    return list(_rows(listed.order_by("-is_pinned", "-last_activity_at", "-pk"))[:TOPICS_PER_PAGE])


LATEST_ON_FRONT_PAGE = 10


def latest_topics(user, site_id: int | None = None) -> list[Topic]:
    """The front page's latest topics, decorated."""
    latest = Topic.objects.listed().filter(
        on_site_q(site_id, prefix="category__"),
        category__audience__in=access.readable_audiences(user),
        category__is_active=True,
    )
    rows = _rows(latest.order_by("-is_pinned", "-last_activity_at", "-pk"))[:LATEST_ON_FRONT_PAGE]
    return decorate_topics(list(rows))


def topic_page(
    user, page_number, *, view: str = "latest", category=None, tag: str = "", period: str = "all", site_id=None
) -> Page:
    """One page of a topic list, its rows decorated."""
    queryset = _rows(topics(user, view=view, category=category, tag=tag, period=period, site_id=site_id))
    paginator = Paginator(queryset, TOPICS_PER_PAGE)
    if category is not None and view == "latest":
        # A category's latest list is every listed topic in it, which the category's counter counts
        # (kept by the services; read from the cached categories): no count over a large category.
        paginator.__dict__["count"] = category.topic_count
        if page_number in (None, "", "1"):
            page = paginator.page(1)
            page.object_list = decorate_topics(_category_first_page(category.pk))
            return page
    page = paginator.get_page(page_number)
    page.object_list = decorate_topics(page.object_list)
    return page


def paginate(queryset, number, per_page: int) -> Page:
    return Paginator(queryset, per_page).get_page(number)


def tag_links(topic: Topic, tag_url=None) -> list[tuple[str, str]]:
    """(name, address) of each of the topic's tags."""
    tag_url = tag_url or _Urls("community:tag", slug="the-slug")
    return [(name, tag_url(slug)) for name, slug in topic.tag_list]


def topic_path(topic: Topic, topic_url=None) -> str:
    """`topic.get_absolute_url()` without a `reverse` of its own."""
    topic_url = topic_url or _Urls("community:topic", pk=987654321, slug="the-slug")
    return topic_url.template.replace("987654321", str(topic.pk), 1).replace("the-slug", topic.slug or "topic", 1)


def decorate_topics(rows) -> list[Topic]:
    """List rows (TOPIC_COLUMNS and AUTHOR_COLUMNS) as topics with their addresses and author's
    name, worked out once here rather than per row in the template. Categories come from the cache."""
    categories = {category.pk: category for category in all_categories()}
    topic_url = _Urls("community:topic", pk=987654321, slug="the-slug")
    category_url = _Urls("community:category", slug="the-slug")
    tag_url = _Urls("community:tag", slug="the-slug")
    split = len(TOPIC_COLUMNS)
    topics = []
    for row in rows:
        topic = Topic.from_db(DEFAULT_DB_ALIAS, TOPIC_COLUMNS, row[:split])
        category = categories.get(topic.category_id)
        if category is not None:
            topic.category = category
        topic.url = topic_path(topic, topic_url)
        topic.category_url = category_url(topic.category.slug)
        topic.tag_links = tag_links(topic, tag_url)
        topic.author_name = public_name(*row[split:])
        topics.append(topic)
    return topics


class ThreadPost(SimpleNamespace):
    """A post as a topic page shows it, read as values: building a model, its author and the
    author's profile for each of the page's posts costs more than reading them."""

    FIELDS = (
        "id", "topic_id", "author_id", "is_opening", "body_source", "body_html", "state", "hidden_reason", "score",
        "created_at", "edited_at", "edit_count", "author__display_name", "author__first_name",
        "author__last_name", "author__email", "author__community_profile__handle",
        "author__community_profile__trust_level", "author__community_profile__reputation",
    )  # fmt: skip

    @classmethod
    def from_row(cls, row: tuple) -> "ThreadPost":
        (pk, topic_id, author_id, is_opening, body_source, body_html, state, hidden_reason, score, created_at,
         edited_at, edit_count, display_name, first_name, last_name, email, handle, trust_level,
         reputation) = row  # fmt: skip
        return cls(
            pk=pk, topic_id=topic_id, author_id=author_id, is_opening=is_opening, body_source=body_source,
            body_html=body_html, state=state, hidden_reason=hidden_reason, score=score, created_at=created_at,
            edited_at=edited_at, edit_count=edit_count,
            author=SimpleNamespace(public_name=public_name(display_name, first_name, last_name, email)),
            author_handle=handle, author_trust_level=trust_level or 0, author_reputation=reputation or 0,
        )  # fmt: skip

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    def get_absolute_url(self) -> str:
        return self.url


def _thread_posts(queryset) -> list[ThreadPost]:
    return [ThreadPost.from_row(row) for row in queryset.values_list(*ThreadPost.FIELDS)]


@dataclass
class ThreadPage:
    topic: Topic
    opening: ThreadPost | None
    accepted: ThreadPost | None
    page: Page
    my_votes: dict[int, int] = field(default_factory=dict)
    my_flags: set[int] = field(default_factory=set)
    open_flags: dict[int, int] = field(default_factory=dict)


def _visible(user_id: int | None, moderator: bool) -> Q:
    condition = Q(state=PostState.PUBLISHED)
    if moderator:
        condition |= Q(state__in=[PostState.PENDING, PostState.HIDDEN])
    elif user_id is not None:
        condition |= Q(state=PostState.PENDING, author_id=user_id)
    return condition


def visible_posts(user, topic: Topic, moderator: bool):
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return Post.objects.filter(_visible(user_id, moderator), topic=topic)


def _first_page(topic: int, user: int | None = None, moderator: bool = False):
    """The opening post and the first page of replies in one query: the opening sorts first."""
    posts = Post.objects.filter(_visible(user, moderator), topic_id=topic)
    return posts.order_by("-is_opening", "created_at", "pk")[: POSTS_PER_PAGE + 1].values_list(*ThreadPost.FIELDS)


def thread(user, topic: Topic, page_number) -> ThreadPage:
    """One topic's page: the opening post, the accepted answer and one page of replies."""
    moderator = access.can_moderate(user, topic.category)
    signed_in = getattr(user, "is_authenticated", False)

    def replies():
        return visible_posts(user, topic, moderator).filter(is_opening=False).order_by("created_at", "pk")

    if signed_in:
        paginator = Paginator(replies(), POSTS_PER_PAGE)
    else:
        # Readers signed out see exactly the published replies, which the topic's counter counts.
        paginator = Paginator(range(topic.reply_count), POSTS_PER_PAGE)
    page = paginator.get_page(page_number)
    if page.number == 1:
        reader = user.pk if signed_in and not moderator else None
        rows = [ThreadPost.from_row(row) for row in _first_page(topic.pk, reader, moderator)]
        opening = rows[0] if rows and rows[0].is_opening else None
        on_page = rows[1:] if opening else rows[:POSTS_PER_PAGE]
    else:
        posts = visible_posts(user, topic, moderator)
        opening = next(iter(_thread_posts(posts.filter(is_opening=True)[:1])), None)
        offset = (page.number - 1) * POSTS_PER_PAGE
        on_page = _thread_posts(replies()[offset : offset + POSTS_PER_PAGE])
    page.object_list = on_page
    accepted = None
    if topic.accepted_post_id:
        accepted = next((post for post in on_page if post.pk == topic.accepted_post_id), None)
        if accepted is None:
            published = Post.objects.filter(pk=topic.accepted_post_id, topic=topic, state=PostState.PUBLISHED)
            accepted = next(iter(_thread_posts(published)), None)
    shown = [post for post in [opening, accepted, *on_page] if post is not None]
    ids = [post.pk for post in shown]
    result = ThreadPage(topic=topic, opening=opening, accepted=accepted, page=page)
    if signed_in:
        result.my_votes = dict(PostVote.objects.filter(user=user, post_id__in=ids).values_list("post_id", "value"))
        result.my_flags = set(Flag.objects.filter(flagger=user, post_id__in=ids).values_list("post_id", flat=True))
    if moderator:
        for post_id in Flag.objects.filter(post_id__in=ids, resolution="open").values_list("post_id", flat=True):
            result.open_flags[post_id] = result.open_flags.get(post_id, 0) + 1
    decorate_posts(shown, result)
    for post in shown:
        post.mine = signed_in and post.author_id == user.pk  # the reader wrote it (edit, delete, no vote)
    return result


@lru_cache(maxsize=256)
def _reversed(name: str, kwargs: tuple, urlconf: str, prefix: str, language: str | None) -> str:
    # The key holds everything `reverse` depends on.
    return reverse(name, kwargs=dict(kwargs), urlconf=urlconf)


class _Urls:
    """Addresses of many objects from one `reverse` per process: a page lists dozens of them."""

    def __init__(self, name: str, **placeholder):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        kwargs = tuple(placeholder.items())
        self.template = _reversed(name, kwargs, urlconf, get_script_prefix(), translation.get_language())
        self.placeholder = str(next(iter(placeholder.values())))

    def __call__(self, value) -> str:
        return self.template.replace(self.placeholder, str(value), 1)


def decorate_posts(posts, result: ThreadPage) -> None:
    """Each post's addresses and what this reader did to it (votes, flags), worked out once here."""
    profile_url = _Urls("community:profile", handle="HANDLE")
    post_url = _Urls("community:post", pk=987654321)
    actions = {name: _Urls(f"community:{name}", pk=987654321) for name in ("vote", "edit", "delete", "flag")}
    history_url = _Urls("community:history", pk=987654321)
    moderate_url = _Urls("community:moderate_post", pk=987654321)
    for post in posts:
        post.history_url = history_url(post.pk)
        post.moderate_url = moderate_url(post.pk)
        post.author_url = profile_url(post.author_handle) if post.author_handle else ""
        post.url = post_url(post.pk)
        post.action_urls = {name: url(post.pk) for name, url in actions.items()}
        post.my_vote = result.my_votes.get(post.pk, 0)
        post.flagged_by_me = post.pk in result.my_flags
        post.open_flag_count = result.open_flags.get(post.pk, 0)


def reply_page_of(user, post: Post) -> int:
    """The page of the topic a reply is on, for links to one post."""
    if post.is_opening:
        return 1
    moderator = access.can_moderate(user, post.topic.category)
    before = (
        visible_posts(user, post.topic, moderator)
        .filter(is_opening=False)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return before // POSTS_PER_PAGE + 1


def readable_topic(user, pk: int) -> Topic:
    topic = Topic.objects.select_related("category", "author", "accepted_post").filter(pk=pk).first()
    if topic is None:
        raise Http404
    access.check_readable(user, topic)
    return topic


def profile_page(viewer, profile: CommunityProfile, site_id: int | None = None) -> dict:
    user = profile.user
    recent = (
        Post.objects.filter(author=user, state=PostState.PUBLISHED, topic__state=PostState.PUBLISHED)
        .filter(access.readable_categories_q(viewer, prefix="topic__category__"))
        .filter(on_site_q(site_id, prefix="topic__category__"))
        .select_related("topic")
        .order_by("-created_at")[:10]
    )
    return {
        "profile": profile,
        "person": user,
        "reputation": ledger.totals([user.pk], prefix="community:").get(user.pk, 0),
        "badges": list(BadgeAward.objects.filter(user=user).select_related("badge")),
        "recent_posts": list(recent),
    }


def staff_links(viewer, person) -> list[tuple[str, str]]:
    """Links other apps offer staff beside a profile (`signals.profile_links`); none for others."""
    from .signals import profile_links

    if not viewer.is_authenticated or not viewer.has_perm("wagtailadmin.access_admin"):
        return []
    answers = profile_links.send(sender=CommunityProfile, viewer=viewer, person=person)
    return [link for _receiver, link in answers if link]


def leaderboard(period: str = "month", limit: int = 20):
    days = PERIODS.get(period, 30)
    since = timezone.now() - timedelta(days=days) if days else None
    rows = ledger.leaderboard(since=since, prefix="community:", limit=limit)
    handles = dict(
        CommunityProfile.objects.filter(user__in=[row.user.pk for row in rows]).values_list("user_id", "handle")
    )
    return [(row, handles.get(row.user.pk)) for row in rows]


def moderation_queue(user):
    """Posts waiting for a moderator or flagged, in the categories this person moderates."""
    ids = access.moderated_category_ids(user)
    queryset = (
        Post.objects.filter(Q(state=PostState.PENDING) | Q(flags__resolution="open"))
        .exclude(state=PostState.DELETED)
        .select_related("topic__category", "author")
        .distinct()
        .order_by("created_at")
    )
    if ids is not None:
        queryset = queryset.filter(topic__category_id__in=ids)
    return queryset


def desk_section(sender=None, *, person, **kwargs):
    """What the support desk shows of a customer's community life (registered in apps.py)."""
    from tickets.selectors import PanelSection

    profile = CommunityProfile.objects.filter(user=person).first()
    if profile is None:
        return None
    recent = list(
        Topic.objects.listed().filter(author=person).order_by("-created_at").values_list("title", flat=True)[:3]
    )
    lines = (
        _("Trust level %(level)s · %(points)s reputation")
        % {"level": profile.trust_level, "points": profile.reputation},
        ngettext("%(count)s post", "%(count)s posts", profile.post_count) % {"count": profile.post_count},
        ngettext("%(count)s accepted solution", "%(count)s accepted solutions", profile.accepted_count)
        % {"count": profile.accepted_count},
        *[_("Asked: %(title)s") % {"title": title} for title in recent],
    )
    return PanelSection(
        title=_("Community"), lines=lines, link_label=_("Community profile"), link_url=profile.get_absolute_url()
    )
