"""Demo community: categories of every kind, solved questions, tips, ideas with statuses, an
announcement, and a new person's post with a link waiting for a moderator. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from knowledge_base.models import Product

from . import services
from .choices import Audience, CategoryKind, IdeaStatus, Posting
from .models import Category, CommunityProfile

CATEGORIES = [
    # (slug, name, kind, product slug, description, audience, posting, brand: "" = every brand shares it)
    ("router-ax3", "Router AX3", CategoryKind.QUESTIONS, "router-ax3",
     "Questions and answers about setting up and running the Northwind Router AX3.",
     Audience.EVERYONE, Posting.SIGNED_IN, "northwind"),
    ("cloud-backup", "Cloud Backup", CategoryKind.QUESTIONS, "cloud-backup",
     "Backups, restores and schedules with Northwind Cloud Backup.", Audience.EVERYONE, Posting.SIGNED_IN,
     "northwind"),
    ("tips", "Tips & tricks", CategoryKind.TIPS, "", "Share what makes your setup better.",
     Audience.EVERYONE, Posting.SIGNED_IN, "northwind"),
    ("ideas", "Ideas", CategoryKind.IDEAS, "", "Suggest how our products could be better, and vote on ideas.",
     Audience.EVERYONE, Posting.SIGNED_IN, "northwind"),
    ("announcements", "Announcements", CategoryKind.ANNOUNCEMENTS, "", "News from the Northwind team.",
     Audience.EVERYONE, Posting.STAFF, "northwind"),
    ("members-lounge", "Members' lounge", CategoryKind.QUESTIONS, "",
     "Early releases and questions for subscribers.", Audience.MEMBERS, Posting.MEMBERS, "northwind"),
    ("about-this-community", "About this community", CategoryKind.QUESTIONS, "",
     "Questions about the community itself: profiles, badges, notifications.", Audience.EVERYONE,
     Posting.SIGNED_IN, ""),
]  # fmt: skip

#: The second brand's own community.
NORDLIGHT_CATEGORIES = [
    ("smart-bulb", "Smart Bulb", CategoryKind.QUESTIONS, "smart-bulb",
     "Pairing, rooms and schedules with Nordlight Smart Bulbs.", Audience.EVERYONE, Posting.SIGNED_IN,
     "nordlight"),
    ("nordlight-news", "News", CategoryKind.ANNOUNCEMENTS, "", "News from the Nordlight team.",
     Audience.EVERYONE, Posting.STAFF, "nordlight"),
]  # fmt: skip
NORDLIGHT_THREADS = [
    ("nordlight-news", "moderator@example.com", "Welcome to the Nordlight community", "en",
     "Ask about your lights, share your scenes and tell us what to build next.", ["welcome"], [], None, "", []),
    ("smart-bulb", "luka@example.com", "Bulb will not pair after a power cut", "en",
     "Since the power came back one bulb blinks but the app does not find it.", ["pairing"],
     [("sam@example.com", "Switch the lamp off and on five times: the bulb resets and pairs again.",
       ["luka@example.com"])], 0, "", []),
    ("smart-bulb", "jovana@example.com", "Jutarnje svetlo se ne pali vikendom", "sr-latn",
     "Podesila sam buđenje svetlom, ali subotom i nedeljom ne radi.", ["schedule"], [], None, "", []),
]  # fmt: skip
COMMON_THREADS = [
    ("about-this-community", "sam@example.com", "How do badges work?", "en",
     "I got the *Helpful* badge yesterday. What are the others for?", ["badges"],
     [("moderator@example.com", "Each badge page lists what earns it: open your profile and select a badge.", [])],
     0, "", []),
]  # fmt: skip

PEOPLE = [
    # (e-mail, display name, language, trust level)
    ("jovana@example.com", "Jovana Petrović", "sr-latn", 3),
    ("luka@example.com", "Luka Novak", "sl", 2),
    ("sam@example.com", "Sam Taylor", "en", 2),
    ("newbie@example.com", "Nina Newcomer", "en", 0),
]

# (category, author, title, language, body, tags, replies [(author, body, votes from)], accepted reply index,
#  idea status, votes on the opening post)
THREADS = [
    ("router-ax3", "customer@example.com", "Router drops Wi-Fi every evening around 8 pm", "en",
     "Since the 4.0 update my AX3 loses Wi-Fi for a minute every evening. Wired devices stay online. "
     "Anyone else?", ["wifi", "firmware"],
     [("sam@example.com", "Same here. It is the automatic channel scan: it runs at 20:00 by default. "
       "Set **Wireless → Channel** to a fixed channel (1, 6 or 11 on 2.4 GHz) and the drops stop.",
       ["customer@example.com", "jovana@example.com", "luka@example.com"]),
      ("jovana@example.com", "Potvrđujem, kod mene je kanal 6 rešio problem.", ["sam@example.com"])],
     0, "", ["sam@example.com", "luka@example.com"]),
    ("router-ax3", "jovana@example.com", "Kako da promenim šifru za Wi-Fi?", "sr-latn",
     "Kupila sam novi ruter i ne mogu da nađem gde se menja šifra bežične mreže.", ["wifi", "lozinka"],
     [("sam@example.com", "Open http://192.168.1.1, sign in, then **Wireless → Security**. "
       "The password field is there; save and reconnect your devices.", ["jovana@example.com"])],
     0, "", []),
    ("router-ax3", "luka@example.com", "Port forwarding for a home server", "en",
     "I want to reach my NAS from outside on port 443. Which menu is it in?", ["nat"],
     [], None, "", []),
    ("cloud-backup", "sam@example.com", "Restore only one folder from last week's backup", "en",
     "Can I restore a single folder instead of the whole backup set?", ["restore"],
     [("luka@example.com", "Yes: **Restore → Browse versions**, pick the date, tick the folder and choose "
       "*Restore to another location* so nothing current is overwritten.",
       ["sam@example.com", "customer@example.com"])],
     0, "", ["customer@example.com"]),
    ("cloud-backup", "luka@example.com", "Varnostna kopija se ustavi pri 99 %", "sl",
     "Varnostna kopija se vsako noč ustavi pri 99 %. Kaj lahko preverim?", ["varnostna-kopija"],
     [("jovana@example.com", "Proveri da li je neki fajl zaključan (Outlook .pst). Isključi ga iz rasporeda "
       "ili zatvori program pre backupa.", [])],
     None, "", []),
    ("tips", "jovana@example.com", "Schedule backups after midnight to save bandwidth", "en",
     "Set the schedule to 01:30 and enable *Throttle during working hours*. Backups finish by morning and "
     "video calls stay smooth.", ["backup", "schedule"],
     [("customer@example.com", "Great tip, thank you!", [])], None, "",
     ["sam@example.com", "luka@example.com", "customer@example.com"]),
    ("tips", "sam@example.com", "Use a guest network for smart home devices", "en",
     "Put bulbs, plugs and cameras on the guest network (**Wireless → Guest**) so they cannot see your "
     "computers.", ["security", "wifi"], [], None, "", ["jovana@example.com"]),
    ("ideas", "luka@example.com", "Dark mode for the router's web interface", "en",
     "The admin pages are very bright at night. A dark theme would be lovely.", ["ui"],
     [("sam@example.com", "+1, and follow the system setting please.", [])], None, IdeaStatus.PLANNED,
     ["sam@example.com", "jovana@example.com", "customer@example.com"]),
    ("ideas", "customer@example.com", "Two-factor sign-in for Cloud Backup", "en",
     "Please add TOTP codes to the backup console sign-in.", ["security"], [], None, IdeaStatus.DONE,
     ["luka@example.com", "sam@example.com"]),
    ("ideas", "sam@example.com", "Send backup reports to Slack", "en",
     "A daily summary in a Slack channel instead of e-mail.", ["integrations"], [], None,
     IdeaStatus.UNDER_REVIEW, ["luka@example.com"]),
    ("announcements", "moderator@example.com", "Welcome to the Northwind community", "en",
     "Ask questions, share tips and tell us your ideas. Be kind, and mark the reply that solved your "
     "question so others find it.", [], [], None, "", []),
]  # fmt: skip


def _people():
    User = get_user_model()
    people = {}
    for email, name, language, level in PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, display_name=name, locale=language)
        profile = services.profile_for(user)
        CommunityProfile.objects.filter(pk=profile.pk).update(trust_level=level, days_visited=level * 10)
        people[email] = user
    return people


def _categories(specs, sites: dict, start: int = 0) -> dict[str, Category]:
    products = {product.slug: product for product in Product.objects.all()}
    categories = {}
    for order, (slug, name, kind, product, description, audience, posting, brand) in enumerate(specs, start):
        categories[slug] = Category.objects.create(
            slug=slug, name=name, kind=kind, product=products.get(product), description=description,
            order=order, audience=audience, posting=posting, site=sites.get(brand),
        )  # fmt: skip
    return categories


def seed_community(*, sites: dict | None = None) -> None:
    """Northwind's community, Nordlight's own, and a category both brands share."""
    sites = sites or {}
    if Category.objects.filter(slug="router-ax3").exists():
        return
    categories = _categories(CATEGORIES, sites)
    categories |= _categories(NORDLIGHT_CATEGORIES, sites, start=len(CATEGORIES))
    User = get_user_model()
    people = _people()
    for email in ("customer@example.com", "moderator@example.com"):
        user = User.objects.get(email=email)
        CommunityProfile.objects.filter(pk=services.profile_for(user).pk).update(trust_level=2, days_visited=20)
        people[email] = user
    for user in people.values():
        user._community_profile = None
        del user._community_profile
    moderator = people["moderator@example.com"]
    start = timezone.now() - timedelta(days=len(THREADS + NORDLIGHT_THREADS + COMMON_THREADS) * 2)
    for number, thread in enumerate(THREADS + NORDLIGHT_THREADS + COMMON_THREADS):
        slug, author, title, language, body, tags, replies, accepted, idea_status, votes = thread
        when = start + timedelta(days=number * 2)
        topic = services.start_topic(
            category=categories[slug], author=people[author], title=title, body=body, tags=tags,
            language=language, now=when,
        )  # fmt: skip
        _forget_limits(people[author])
        for voter in votes:
            services.vote(post=topic.posts.get(is_opening=True), user=people[voter], value=1)
        posts = []
        for offset, (replier, text, voters) in enumerate(replies, start=1):
            post = services.reply(topic=topic, author=people[replier], body=text, now=when + timedelta(hours=offset))
            _forget_limits(people[replier])
            for voter in voters:
                services.vote(post=post, user=people[voter], value=1)
            posts.append(post)
        if accepted is not None:
            services.accept_solution(topic=topic, post=posts[accepted], actor=people[author])
        if idea_status:
            services.set_idea_status(topic=topic, actor=moderator, status=idea_status)
    for news in ("announcements", "nordlight-news"):
        welcome = categories[news].topics.first()
        services.set_topic_flag(topic=welcome, actor=moderator, pinned=True, locked=True, reason="Welcome post")
    # A new person's first post, with a link: it waits in the moderation queue.
    services.start_topic(
        category=categories["router-ax3"], author=people["newbie@example.com"],
        title="Which mesh satellites work with the AX3?", language="en",
        body="I found a list on https://example.com/mesh-list but is it current?",
    )  # fmt: skip


def _forget_limits(user) -> None:
    """Demo threads are written in one go; the posting rate limit is for people, not seeding."""
    for action in services.RATE_LIMITS:
        cache.delete(f"community:rate:{action}:{user.pk}")
