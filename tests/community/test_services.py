"""The community's rules, through its services: posting, trust, votes, solutions, moderation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.choices import (
    CategoryKind,
    FlagReason,
    FlagResolution,
    IdeaStatus,
    ModerationAction,
    PostState,
    WatchLevel,
    WordAction,
)
from community.models import (
    BadgeAward,
    Category,
    CommunityProfile,
    CommunitySettings,
    ModerationLogEntry,
    Post,
    Topic,
    WatchedWord,
)
from community.text import forget_watched_words
from portal.membership import points as ledger
from portal.membership.models import PointsEntry
from portal.notifications.models import Notification
from tests.factories import UserFactory

from .conftest import committed, forget_limits, trusted

pytestmark = pytest.mark.django_db


def reputation(user) -> int:
    return services.reputation(user)


# --- Posting -----------------------------------------------------------------------------------


def test_a_trusted_person_posts_at_once_and_the_counters_follow(questions, asker):
    topic = services.start_topic(category=questions, author=asker, title="How do I reset it?", body="**Help**")
    questions.refresh_from_db()
    assert topic.state == PostState.PUBLISHED
    assert (questions.topic_count, questions.post_count) == (1, 1)
    assert topic.posts.get().body_html.strip() == "<p><strong>Help</strong></p>"
    assert reputation(asker) == services.POINTS["topic"]
    assert BadgeAward.objects.filter(user=asker, badge__slug="first-post").exists()
    assert BadgeAward.objects.filter(user=asker, badge__slug="conversation-starter").exists()


def test_a_new_persons_first_post_waits_for_a_moderator(questions, newcomer, moderator):
    with committed():
        topic = services.start_topic(category=questions, author=newcomer, title="My first question", body="Hello all")
    assert topic.state == PostState.PENDING
    assert not Topic.objects.listed().exists()
    questions.refresh_from_db()
    assert questions.topic_count == 0
    assert Notification.objects.filter(recipient=moderator, kind="community.queue").exists()

    services.approve_post(post=topic.posts.get(), actor=moderator)
    topic.refresh_from_db()
    questions.refresh_from_db()
    assert topic.state == PostState.PUBLISHED
    assert questions.topic_count == 1
    assert ModerationLogEntry.objects.filter(action=ModerationAction.APPROVE, actor=moderator).exists()


def test_links_from_a_new_person_are_held_even_after_the_first_posts(questions, newcomer, moderator):
    settings = CommunitySettings.load()
    settings.new_user_moderated_posts = 0
    settings.save()
    plain = services.start_topic(category=questions, author=newcomer, title="Plain question", body="No links.")
    assert plain.state == PostState.PUBLISHED
    linked = services.reply(topic=plain, author=newcomer, body="See https://spam.example/offer")
    assert linked.state == PostState.PENDING
    image = services.reply(topic=plain, author=newcomer, body="![x](https://spam.example/x.png)")
    assert image.state == PostState.PENDING


def test_new_people_have_a_daily_cap(questions, newcomer):
    settings = CommunitySettings.load()
    settings.new_user_daily_posts = 2
    settings.new_user_moderated_posts = 0
    settings.save()
    topic = services.start_topic(category=questions, author=newcomer, title="First of the day", body="One")
    services.reply(topic=topic, author=newcomer, body="Two")
    with pytest.raises(services.CommunityError, match="2 posts a day"):
        services.reply(topic=topic, author=newcomer, body="Three")


def test_posting_too_fast_is_rate_limited(questions, asker):
    topic = services.start_topic(category=questions, author=asker, title="Many replies", body="Start")
    limit, _seconds = services.RATE_LIMITS["post"]
    for number in range(limit - 1):
        services.reply(topic=topic, author=asker, body=f"Reply {number}")
    with pytest.raises(services.RateLimited):
        services.reply(topic=topic, author=asker, body="One too many")


def test_who_may_post_follows_the_category(announcements, members_only, asker, moderator):
    with pytest.raises(services.CommunityError, match="cannot post"):
        services.start_topic(category=announcements, author=asker, title="Not staff here", body="x")
    with pytest.raises(services.CommunityError, match="cannot post"):
        services.start_topic(category=members_only, author=asker, title="Not a member", body="x")
    topic = services.start_topic(category=announcements, author=moderator, title="Maintenance tonight", body="x")
    assert topic.is_listed


def test_watched_words_block_censor_or_hold(questions, asker):
    WatchedWord.objects.create(word="casino", action=WordAction.BLOCK)
    WatchedWord.objects.create(word="darn", action=WordAction.CENSOR)
    WatchedWord.objects.create(word="refund now", action=WordAction.REQUIRE_APPROVAL)
    forget_watched_words()
    with pytest.raises(services.CommunityError, match="casino"):
        services.start_topic(category=questions, author=asker, title="Best Casino deals", body="x")
    topic = services.start_topic(category=questions, author=asker, title="A darn problem", body="It is darn slow")
    assert topic.title == "A **** problem"
    assert "****" in topic.posts.get().body_source
    held = services.reply(topic=topic, author=asker, body="I want a REFUND NOW please")
    assert held.state == PostState.PENDING
    assert Post.objects.filter(topic=topic, state=PostState.PUBLISHED).count() == 1


def test_a_reply_counts_tells_the_asker_and_rewards_a_fast_first_answer(question, asker, helper):
    with committed():
        post = services.reply(topic=question, author=helper, body="Change the **channel**.")
    question.refresh_from_db()
    assert question.reply_count == 1
    assert question.last_poster == helper
    told = Notification.objects.get(recipient=asker, kind="community.reply")
    assert told.body == "Change the channel."  # the words, not the Markdown
    assert reputation(helper) == services.POINTS["fast_reply"] + services.POINTS["topic"] * 0
    # A second reply by the same person is not a second "first reply".
    forget_limits()
    services.reply(topic=question, author=helper, body="Or update the firmware.")
    assert PointsEntry.objects.filter(user=helper, source__startswith="community:fast:").count() == 1
    assert post.get_absolute_url() == f"/community/p/{post.pk}/"


def test_mentions_notify_and_link_to_the_profile(question, asker, helper):
    third = trusted(UserFactory(display_name="Tara Third"))
    handle = services.profile_for(third).handle
    with committed():
        post = services.reply(topic=question, author=helper, body=f"@{handle} knows this. `@{handle}` in code stays.")
    assert f'<a class="mention" href="/community/u/{handle}/">@{handle}</a>' in post.body_html
    assert post.body_html.count('class="mention"') == 1
    assert Notification.objects.filter(recipient=third, kind="community.mention").exists()


def test_muted_topics_stay_silent_and_watchers_hear_everything(question, asker, helper):
    watcher = trusted(UserFactory())
    services.set_watch(user=watcher, topic=question, level=WatchLevel.WATCHING)
    services.set_watch(user=asker, topic=question, level=WatchLevel.MUTED)
    with committed():
        services.reply(topic=question, author=helper, body="An answer")
    assert Notification.objects.filter(recipient=watcher).count() == 1
    assert not Notification.objects.filter(recipient=asker).exists()


def test_category_watchers_hear_of_new_topics(questions, asker, helper):
    services.set_watch(user=helper, category=questions, level=WatchLevel.WATCHING)
    with committed():
        services.start_topic(category=questions, author=asker, title="Fresh question", body="Hi")
    assert Notification.objects.filter(recipient=helper, title__startswith="New topic").exists()


def test_locked_topics_take_replies_from_moderators_only(question, helper, moderator):
    services.set_topic_flag(topic=question, actor=moderator, locked=True, reason="Resolved elsewhere")
    with pytest.raises(services.CommunityError, match="locked"):
        services.reply(topic=question, author=helper, body="Late answer")
    services.reply(topic=question, author=moderator, body="Closing note")
    assert ModerationLogEntry.objects.filter(action=ModerationAction.LOCK, reason="Resolved elsewhere").exists()


def test_editing_keeps_the_old_text_and_only_the_author_or_a_moderator_may(question, asker, helper, moderator):
    opening = question.posts.get()
    with pytest.raises(services.CommunityError):
        services.edit_post(post=opening, editor=helper, body="Vandalised")
    services.edit_post(post=opening, editor=asker, body="It drops at 9 pm.", title="Wi-Fi drops at night")
    opening.refresh_from_db()
    question.refresh_from_db()
    assert opening.body_source == "It drops at 9 pm." and opening.edit_count == 1
    assert question.title == "Wi-Fi drops at night"
    revision = opening.revisions.get()
    assert (revision.body_source, revision.title, revision.editor) == (
        "It drops at 8 pm. Why?",
        "Wi-Fi drops every evening",
        asker,
    )
    services.edit_post(post=opening, editor=moderator, body="Moderated text")
    assert opening.revisions.count() == 2


def test_people_delete_their_own_posts_within_the_window(question, helper):
    post = services.reply(topic=question, author=helper, body="Oops, wrong topic")
    later = timezone.now() + timedelta(days=2)
    with pytest.raises(services.CommunityError, match="soon after"):
        services.delete_post(post=post, actor=helper, now=later)
    services.delete_post(post=post, actor=helper)
    question.refresh_from_db()
    assert question.reply_count == 0
    assert Post.objects.get(pk=post.pk).state == PostState.DELETED


# --- Votes, solutions, ideas -------------------------------------------------------------------


def test_one_changeable_vote_per_person_and_the_ledger_follows(question, asker, helper):
    answer = services.reply(topic=question, author=helper, body="Answer")
    before = reputation(helper)
    assert services.vote(post=answer, user=asker, value=1) == 1
    assert services.vote(post=answer, user=asker, value=1) == 1  # a double click counts once
    assert reputation(helper) == before + services.POINTS["upvote"]
    assert services.vote(post=answer, user=asker, value=-1) == -1
    assert reputation(helper) == before + services.DOWNVOTE_POINTS
    assert services.vote(post=answer, user=asker, value=0) == 0
    assert reputation(helper) == before == CommunityProfile.objects.get(user=helper).reputation
    # Every change is a new line: the history stays.
    assert PointsEntry.objects.filter(user=helper, source=f"community:vote:{answer.pk}:{asker.pk}").count() == 3
    with pytest.raises(services.CommunityError, match="own post"):
        services.vote(post=answer, user=helper, value=1)


def test_the_opening_posts_votes_rank_the_topic(question, helper):
    services.vote(post=question.posts.get(), user=helper, value=1)
    question.refresh_from_db()
    assert question.score == 1


def test_the_asker_accepts_a_solution_and_the_answerer_earns_points_and_a_badge(question, asker, helper):
    answer = services.reply(topic=question, author=helper, body="Set a fixed channel.")
    other = services.reply(topic=question, author=trusted(UserFactory()), body="Reboot it?")
    with pytest.raises(services.CommunityError, match="Only the person who asked"):
        services.accept_solution(topic=question, post=answer, actor=other.author)
    before = reputation(helper)
    with committed():
        services.accept_solution(topic=question, post=answer, actor=asker)
    question.refresh_from_db()
    assert question.is_solved and question.accepted_post == answer
    badge = BadgeAward.objects.get(user=helper, badge__slug="solution")
    assert reputation(helper) == before + services.POINTS["accepted"] + badge.badge.points
    assert Notification.objects.filter(recipient=helper, kind="community.accepted").exists()
    assert CommunityProfile.objects.get(user=helper).accepted_count == 1
    # Moving the mark moves the points, the badge stays.
    services.accept_solution(topic=question, post=other, actor=asker)
    assert reputation(helper) == before + badge.badge.points
    assert CommunityProfile.objects.get(user=helper).accepted_count == 0


def test_only_questions_have_solutions_and_only_staff_set_idea_status(ideas, asker, helper, moderator):
    idea = services.start_topic(category=ideas, author=asker, title="Dark mode please", body="At night")
    reply = services.reply(topic=idea, author=helper, body="+1")
    with pytest.raises(services.CommunityError, match="Only questions"):
        services.accept_solution(topic=idea, post=reply, actor=asker)
    with pytest.raises(services.CommunityError, match="Only staff"):
        services.set_idea_status(topic=idea, actor=asker, status=IdeaStatus.PLANNED)
    with committed():
        services.set_idea_status(topic=idea, actor=moderator, status=IdeaStatus.PLANNED)
    idea.refresh_from_db()
    assert idea.idea_status == IdeaStatus.PLANNED
    assert Notification.objects.filter(recipient=asker, kind="community.idea_status").exists()


# --- Flags and moderation ----------------------------------------------------------------------


def test_flags_from_trusted_people_hide_a_post_until_a_moderator_decides(question, helper, moderator):
    spam = services.reply(topic=question, author=helper, body="Buy followers")
    flaggers = [trusted(UserFactory(), 1) for _ in range(3)]
    services.flag_post(post=spam, flagger=flaggers[0], reason=FlagReason.SPAM)
    services.flag_post(post=spam, flagger=flaggers[0], reason=FlagReason.SPAM)  # the same flag again
    services.flag_post(post=spam, flagger=flaggers[1], reason=FlagReason.SPAM)
    assert Post.objects.get(pk=spam.pk).state == PostState.PUBLISHED
    services.flag_post(post=spam, flagger=flaggers[2], reason=FlagReason.OFF_TOPIC)
    assert Post.objects.get(pk=spam.pk).state == PostState.HIDDEN
    question.refresh_from_db()
    assert question.reply_count == 0

    services.hide_post(post=spam, actor=moderator, reason="Spam")
    assert set(spam.flags.values_list("resolution", flat=True)) == {FlagResolution.UPHELD}
    assert CommunityProfile.objects.get(user=flaggers[0]).flags_upheld == 1


def test_flags_from_new_people_do_not_hide_and_can_be_dismissed(question, helper, moderator):
    post = services.reply(topic=question, author=helper, body="Fine answer")
    for _ in range(3):
        newcomer = UserFactory()
        services.profile_for(newcomer)
        services.flag_post(post=post, flagger=newcomer, reason=FlagReason.OTHER)
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED
    assert services.dismiss_flags(post=post, actor=moderator) == 3
    assert not post.flags.filter(resolution=FlagResolution.OPEN).exists()


def test_category_moderators_moderate_only_their_category(questions, ideas, asker):
    scoped = trusted(UserFactory(role="customer"))
    questions.moderators.add(scoped)
    in_scope = services.start_topic(category=questions, author=asker, title="In my category", body="x")
    forget_limits()
    out_of_scope = services.start_topic(category=ideas, author=asker, title="Not my category", body="x")
    services.set_topic_flag(topic=in_scope, actor=scoped, pinned=True)
    with pytest.raises(services.CommunityError, match="Only moderators"):
        services.set_topic_flag(topic=out_of_scope, actor=scoped, pinned=True)


def test_moving_and_merging_keep_the_counters_true(questions, ideas, asker, helper, moderator):
    first = services.start_topic(category=questions, author=asker, title="Duplicate one", body="x")
    services.reply(topic=first, author=helper, body="reply 1")
    forget_limits()
    second = services.start_topic(category=ideas, author=asker, title="Duplicate two", body="y")
    services.reply(topic=second, author=helper, body="reply 2")
    services.move_topic(topic=second, actor=moderator, category=questions)
    questions.refresh_from_db()
    ideas.refresh_from_db()
    assert (questions.topic_count, questions.post_count, ideas.topic_count, ideas.post_count) == (2, 4, 0, 0)

    services.merge_topics(source=second, target=first, actor=moderator, reason="Same question")
    first.refresh_from_db()
    second.refresh_from_db()
    questions.refresh_from_db()
    assert first.reply_count == 3 and second.merged_into == first
    assert (questions.topic_count, questions.post_count) == (1, 4)
    assert not Topic.objects.listed().filter(pk=second.pk).exists()
    forget_limits()
    third = services.start_topic(category=questions, author=asker, title="Duplicate three", body="z")
    with pytest.raises(services.CommunityError, match="already merged"):
        services.merge_topics(source=third, target=second, actor=moderator)


def test_silenced_and_suspended_people_cannot_post(question, helper, moderator):
    with pytest.raises(services.CommunityError, match="reason"):
        services.sanction(user=helper, actor=moderator, kind="silence", days=3, reason="")
    services.sanction(user=helper, actor=moderator, kind="silence", days=3, reason="Heated replies")
    helper = type(helper).objects.get(pk=helper.pk)
    with pytest.raises(services.CommunityError, match="cannot post until"):
        services.reply(topic=question, author=helper, body="Let me speak")
    services.sanction(user=helper, actor=moderator, kind="silence", days=0, reason="")
    services.sanction(user=helper, actor=moderator, kind="suspend", days=1, reason="Spam")
    helper = type(helper).objects.get(pk=helper.pk)
    with pytest.raises(services.CommunityError, match="suspended"):
        services.reply(topic=question, author=helper, body="Still here")
    assert ModerationLogEntry.objects.filter(target_user=helper, action=ModerationAction.SUSPEND).exists()


# --- Trust levels ------------------------------------------------------------------------------


def test_trust_levels_are_earned_in_order_by_the_configured_thresholds(db):
    rules = CommunitySettings.load()
    profile = CommunityProfile(days_visited=0, topics_read=0)
    assert services.compute_trust_level(profile, rules) == 0
    profile.days_visited, profile.topics_read = 1, 3
    assert services.compute_trust_level(profile, rules) == 1
    profile.days_visited, profile.post_count, profile.likes_received = 10, 5, 3
    assert services.compute_trust_level(profile, rules) == 2
    profile.accepted_count, profile.flags_upheld = 50, 50  # level 4's own numbers, without level 3's
    assert services.compute_trust_level(profile, rules) == 2
    rules.tl2_days_visited = 20
    assert services.compute_trust_level(profile, rules) == 1


def test_reading_earns_trust_level_one(question, newcomer):
    services.record_reading(user=newcomer, topic=question)
    services.record_reading(user=newcomer, topic=question)  # the same topic on the same day counts once
    profile = CommunityProfile.objects.get(user=newcomer)
    assert (profile.days_visited, profile.topics_read, profile.trust_level) == (1, 1, 0)
    for title in ("Second topic", "Third topic"):
        forget_limits()
        topic = services.start_topic(category=question.category, author=question.author, title=title, body="x")
        services.record_reading(user=newcomer, topic=topic)
    assert CommunityProfile.objects.get(user=newcomer).trust_level == 1


# --- The ledger --------------------------------------------------------------------------------


def test_the_ledger_is_append_only_and_settling_is_idempotent(db):
    person = UserFactory()
    assert ledger.settle(user=person, source="order:1", points=100, reason="purchase") == 100
    assert ledger.settle(user=person, source="order:1", points=100, reason="purchase") == 0
    assert ledger.settle(user=person, source="order:1", points=40, reason="refund") == -60
    assert ledger.balance(person) == 40
    entry = PointsEntry.objects.filter(user=person).first()
    entry.points = 1000
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()


def test_points_expire_when_configured_and_the_leaderboard_counts_a_period(db, settings):
    settings.PORTAL_POINTS_EXPIRE_DAYS = 30
    first, second = UserFactory(), UserFactory()
    long_ago = timezone.now() - timedelta(days=60)
    ledger.settle(user=first, source="community:old", points=50, reason="upvote", now=long_ago)
    ledger.settle(user=first, source="community:new", points=10, reason="upvote")
    ledger.settle(user=second, source="community:new", points=20, reason="upvote")
    assert ledger.balance(first) == 10
    week = ledger.leaderboard(since=timezone.now() - timedelta(days=7), prefix="community:")
    assert [(row.user, row.points) for row in week] == [(second, 20), (first, 10)]
    ever = ledger.leaderboard(prefix="community:")
    assert [(row.user, row.points) for row in ever] == [(first, 60), (second, 20)]


def test_a_category_kind_decides_the_label_of_its_button(db):
    assert Category(kind=CategoryKind.QUESTIONS).is_questions
    assert Category(kind=CategoryKind.IDEAS).is_ideas


def test_watchers_of_a_members_only_category_hear_only_if_they_may_read_it_in_fixed_queries(
    members_only, moderator, django_assert_max_num_queries
):
    from datetime import timedelta as days

    from portal.membership.models import Subscription

    def watchers(count):
        people = [UserFactory() for _ in range(count)]
        for person in people[: count // 2]:
            Subscription.objects.create(holder=person, ends_at=timezone.now() + days(days=30))
        for person in people:
            services.set_watch(user=person, category=members_only, level=WatchLevel.WATCHING)
        return people

    few = watchers(2)
    topic = services.start_topic(category=members_only, author=moderator, title="Beta firmware", body="x")
    post = topic.posts.get()
    with django_assert_max_num_queries(12) as small:
        assert services.notify_about_post(post.pk) == 1
    many = watchers(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert services.notify_about_post(post.pk) == 11  # the members among 22 watchers
    assert Notification.objects.filter(recipient=few[0]).count() == 2
    assert not Notification.objects.filter(recipient__in=[few[1], *many[10:]]).exists()


def test_a_topics_tag_list_follows_its_tags_and_their_names(questions, asker):
    """Lists and topic pages read tags from Topic.tag_list; it must never drift from the tags."""
    from taggit.models import Tag

    topic = services.start_topic(
        category=questions, author=asker, title="Tagged question", body="Body", tags=["wifi", "Router"]
    )
    topic.refresh_from_db()
    assert topic.tag_list == [["router", "router"], ["wifi", "wifi"]]
    topic.tags.remove("wifi")
    topic.refresh_from_db()
    assert topic.tag_list == [["router", "router"]]
    forget_limits()
    other = services.start_topic(category=questions, author=asker, title="Another one", body="Body", tags=["router"])
    tag = Tag.objects.get(name="router")
    tag.name = "routers"
    tag.save()  # every topic carrying the tag follows
    topic.refresh_from_db()
    other.refresh_from_db()
    assert topic.tag_list == [["routers", "router"]] and other.tag_list == [["routers", "router"]]
    topic.tags.clear()
    topic.refresh_from_db()
    assert topic.tag_list == []


def test_a_moderator_added_to_a_category_moderates_at_once(questions, asker):
    """Category moderators are cached; adding one drops the cache (the signal must stay connected)."""
    from community import access

    topic = services.start_topic(category=questions, author=asker, title="Needs a moderator", body="x")
    newcomer_moderator = trusted(UserFactory(role="customer"))
    assert not access.can_moderate(newcomer_moderator, questions)  # the moderators are now cached
    questions.moderators.add(newcomer_moderator)
    assert access.can_moderate(newcomer_moderator, questions)
    services.set_topic_flag(topic=topic, actor=newcomer_moderator, pinned=True)


def test_only_global_moderators_sanction_and_give_badges_within_limits(questions, helper, moderator):
    """A category's moderator moderates posts there, not people; nobody sanctions staff from the forum."""
    from community.access import MAX_SANCTION_DAYS
    from community.models import Badge

    category_moderator = UserFactory(role="customer")
    questions.moderators.add(category_moderator)
    forget_limits()
    helpful = Badge.objects.get(slug="helpful")
    for target in (helper, moderator):
        with pytest.raises(services.CommunityError, match="global moderators"):
            services.sanction(user=target, actor=category_moderator, kind="suspend", days=30, reason="Power trip")
        with pytest.raises(services.CommunityError, match="global moderators"):
            services.grant_badge(badge=helpful, user=target, actor=category_moderator)
    assert not services.profile_for(moderator).suspended_until

    with pytest.raises(services.CommunityError, match="at most"):
        services.sanction(user=helper, actor=moderator, kind="suspend", days=MAX_SANCTION_DAYS + 1, reason="Forever")
    services.sanction(user=helper, actor=moderator, kind="suspend", days=MAX_SANCTION_DAYS, reason="A year")

    other_moderator = UserFactory(role="moderator")
    agent = UserFactory(role="agent")
    for staff in (other_moderator, agent):
        with pytest.raises(services.CommunityError, match="Staff cannot"):
            services.sanction(user=staff, actor=moderator, kind="silence", days=1, reason="Disagreement")
    superuser = UserFactory(is_superuser=True)
    services.sanction(user=other_moderator, actor=superuser, kind="silence", days=1, reason="Cool down")
    with pytest.raises(services.CommunityError, match="Staff cannot"):
        services.sanction(user=superuser, actor=UserFactory(is_superuser=True), kind="silence", days=1, reason="x")
