"""Support set-up shared by the browser tests: a calendar, a queue with an agent, a type, a policy."""

from datetime import time


def build_support(agent):
    from tickets.choices import Weekday
    from tickets.models import BusinessCalendar, BusinessHours, Queue, RequestType, RequestTypeField, SLAPolicy

    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Belgrade")
    for day in Weekday:
        BusinessHours.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(17))
    queue = Queue.objects.create(name="Technical support", slug="technical")
    queue.agents.add(agent)
    request_type = RequestType.objects.create(name="Technical problem", queue=queue)
    RequestTypeField.objects.create(request_type=request_type, key="version", label="Version", required=True)
    SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=2400
    )
    return request_type


def build_community(reader) -> dict[str, list[str]]:
    """A question with an accepted answer, an idea with a status and a tip: every part a topic page shows."""
    from community import services
    from community.badges import create_default_badges
    from community.choices import CategoryKind, IdeaStatus
    from community.models import Badge, Category
    from tests.community.conftest import trusted
    from tests.factories import UserFactory

    create_default_badges(Badge)
    questions = Category.objects.create(name="Router questions", slug="router", description="Ask about routers.")
    ideas = Category.objects.create(name="Ideas", slug="ideas", kind=CategoryKind.IDEAS, order=1)
    asker, helper = trusted(UserFactory(display_name="Ada Asker")), trusted(UserFactory(display_name="Hana Helper"))
    moderator = UserFactory(role="moderator")
    question = services.start_topic(
        category=questions,
        author=asker,
        title="Wi-Fi drops every evening",
        body="It drops at **8 pm**.\n\n```\nping 192.168.1.1\n```",
        tags=["wifi"],
    )
    answer = services.reply(topic=question, author=helper, body="> It drops at 8 pm\n\nUse a fixed channel.")
    services.vote(post=answer, user=asker, value=1)
    services.accept_solution(topic=question, post=answer, actor=asker)
    own = services.reply(topic=question, author=reader, body="Thanks, same here.")
    idea = services.start_topic(category=ideas, author=helper, title="Dark mode for the router pages", body="Please")
    services.set_idea_status(topic=idea, actor=moderator, status=IdeaStatus.PLANNED)
    handle = services.profile_for(helper).handle
    anonymous = [
        "/community/latest/",
        "/community/c/router/",
        "/community/tags/wifi/",
        question.get_absolute_url(),
        idea.get_absolute_url(),
        f"/community/u/{handle}/",
        "/community/leaderboard/?period=all",
    ]
    signed_in = [
        "/community/new/",
        question.get_absolute_url(),
        f"/community/p/{answer.pk}/flag/",
        f"/community/p/{own.pk}/edit/",
    ]
    return {"anonymous": anonymous, "signed_in": signed_in}


def sign_in_to_admin(page, base: str, email: str) -> None:
    """Open the admin as a browser would: it hands over to the site's one sign-in form (allauth)."""
    import re

    from tests.factories import PASSWORD

    page.goto(base + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
