"""Mixed traffic from realistic people, for locust (started by bench/load.py; `make bench-load`).

Visitors browse help and search; customers file requests with an attachment and reply; community
members post topics, reply and vote; members renew through the dummy card gateway; agents work
the desk. Every write carries a unique token, and what the portal confirmed (a redirect to the
new thing, a vote's JSON) is written to the load generator's own log (LOAD_LOG, one JSON object a
line) with every answer's time and status, so bench/load.py can count each write in the database
and each e-mail at the SMTP sink, and place every 5xx against the faults.
"""

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, task

PEOPLE = json.loads(os.environ["LOAD_PEOPLE"])
LOG_PATH = os.environ["LOAD_LOG"]
_log_lock = threading.Lock()
_log = open(LOG_PATH, "a", buffering=1)  # noqa: SIM115 (open for the whole run)
_turns = {kind: itertools.count() for kind in ("customers", "community", "members", "agents")}

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SEARCHES = ["router", "wifi", "firmware update", "password", "ruter", "лозинка", "internet", "bulb"]
PAGES = ["/", "/help/", "/help/router-ax3/", "/help/router-ax3/troubleshooting/no-internet-connection/", "/community/"]


class FormFields(HTMLParser):
    """What a page's form would send untouched: the first choice of every select and radio group,
    each text input's value (or "x" when it is required and empty)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "checkbox"):
            if a.get("type") == "radio":
                self.values.setdefault(name, a.get("value", ""))
            else:
                self.values.setdefault(name, a.get("value") or ("x" if "required" in a else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.values.setdefault(self._select, a["value"])
        elif tag == "textarea" and name:
            self.values.setdefault(name, "x" if "required" in a else "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html or "")
    return parser.values


def record(kind: str, **fields) -> None:
    with _log_lock:
        _log.write(json.dumps({"t": time.time(), "kind": kind, **fields}) + "\n")


def token() -> str:
    return "load" + uuid.uuid4().hex[:16]


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        # Behind the proxy the portal is on HTTPS, and Django's CSRF check wants a secure Referer.
        self.client.headers["Referer"] = self.host.replace("http://", "https://") + "/"
        if self.kind:
            entry = PEOPLE[self.kind][next(_turns[self.kind]) % len(PEOPLE[self.kind])]
            self.identity = entry if isinstance(entry, list) else [entry]
            self.client.cookies.set("sessionid", self.identity[0])
        self.client.get("/", name="home")  # the CSRF cookie

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def answer(self, method: str, path: str, name: str, **kwargs):
        """A request whose time and status go to the log; 4xx and 5xx count as failures."""
        follow = method == "get"  # a write's own answer (its redirect) is what the log needs
        with getattr(self.client, method)(path, name=name, allow_redirects=follow, catch_response=True, **kwargs) as r:
            why = ""
            if 400 <= r.status_code < 500:  # the reason the page gave, for the report
                found = re.findall(r'class="(?:errorlist|messages?|alert)[^"]*"[^>]*>\s*(?:<li>)?([^<]+)', r.text or "")
                why = (found[0] if found else (r.text or "")[:120]).strip()
            record("answer", name=name, status=r.status_code, why=why)
            if r.status_code >= 400:
                r.failure(f"{r.status_code}")
            else:
                r.success()
            return r

    def post(self, path: str, name: str, data: dict, **kwargs):
        return self.answer("post", path, name, data={"csrfmiddlewaretoken": self.csrf(), **data}, **kwargs)


class Visitor(Person):
    weight = 5

    @task(4)
    def browse(self):
        self.answer("get", random.choice(PAGES), "help page")

    @task(2)
    def search(self):
        self.answer("get", "/search/?q=" + random.choice(SEARCHES), "search")

    @task(1)
    def topic(self):
        self.answer("get", f"/community/t/{PEOPLE['topic']}/", "topic")


class Customer(Person):
    weight = 2
    kind = "customers"

    def on_start(self):
        super().on_start()
        self.mine: list[str] = []

    @task(1)
    def file_request(self):
        types = self.answer("get", "/support/new/", "new request form")
        chosen = re.findall(r'href="\?type=(\d+)"', types.text or "")
        form = self.answer("get", f"/support/new/?type={chosen[0]}", "new request form") if chosen else types
        mark = token()
        data = form_fields(form.text) | {"website": ""}
        data |= {"subject": f"Router drops Wi-Fi {mark}", "description": f"It drops every hour. {mark}"}
        data.pop("csrfmiddlewaretoken", None)
        record("attempt", what="request", token=mark)
        sent = self.post("/support/new/", "file request", data, files={"attachments": ("photo.png", PNG, "image/png")})
        found = re.match(r".*/support/requests/([A-Z]+-\d+)/$", sent.headers.get("Location", ""))
        if sent.status_code == 302 and found:
            self.mine.append(found.group(1))
            record("confirmed", what="request", token=mark, reference=found.group(1))

    @task(3)
    def reply(self):
        if not self.mine:
            return
        reference = random.choice(self.mine)
        self.answer("get", f"/support/requests/{reference}/", "my request")
        mark = token()
        record("attempt", what="reply", token=mark)
        sent = self.post(f"/support/requests/{reference}/reply/", "reply to request", {"body": f"Still broken. {mark}"})
        if sent.status_code == 302:
            record("confirmed", what="reply", token=mark, reference=reference)

    @task(1)
    def my_requests(self):
        self.answer("get", "/support/requests/", "my requests")


class CommunityMember(Person):
    weight = 2
    kind = "community"

    @task(1)
    def new_topic(self):
        form = self.answer("get", "/community/new/", "new topic form")
        mark = token()
        data = form_fields(form.text) | {"website": "", "tags": ""}
        data |= {"title": f"How do I reset the router {mark}", "body": f"Asking for a friend. {mark}"}
        data.pop("csrfmiddlewaretoken", None)
        data.pop("q", None)
        record("attempt", what="topic", token=mark)
        sent = self.post("/community/new/", "new topic", data)
        if sent.status_code == 302 and "/community/t/" in sent.headers.get("Location", ""):
            record("confirmed", what="topic", token=mark)

    @task(2)
    def reply(self):
        topic = PEOPLE["topic"]
        self.answer("get", f"/community/t/{topic}/", "topic")  # the reply form is on the topic's page
        mark = token()
        record("attempt", what="post", token=mark)
        sent = self.post(f"/community/t/{topic}/reply/", "reply to topic", {"body": f"Try the reset button. {mark}"})
        if sent.status_code == 302:
            record("confirmed", what="post", token=mark)

    @task(2)
    def vote(self):
        page = self.answer("get", f"/community/t/{PEOPLE['topic']}/", "topic")
        posts = re.findall(r"/community/p/(\d+)/vote/", page.text or "")
        if not posts:
            return
        post = random.choice(posts)
        sent = self.post(f"/community/p/{post}/vote/", "vote", {"value": "1"}, headers={"Accept": "application/json"})
        if sent.status_code == 200:
            record("confirmed", what="vote", post=int(post), session=self.identity[0])


class Member(Person):
    weight = 1
    kind = "members"

    @task
    def renew(self):
        _cookie, subscription, plan = self.identity
        page = self.answer("get", f"/me/subscriptions/{subscription}/change/?plan={plan}", "renewal")
        amount = re.search(r'name="amount" value="([\d.]+)"', page.text or "")
        if not amount:
            return
        data = {"plan": plan, "amount": amount.group(1), "pay_by": "card"}
        placed = self.post(f"/me/subscriptions/{subscription}/change/", "place order", data)
        found = re.match(r".*/me/orders/(\d+)/pay/$", placed.headers.get("Location", ""))
        if not found:
            return
        order = found.group(1)
        record("attempt", what="order", order=int(order))
        self.answer("get", f"/me/orders/{order}/pay/", "payment form")
        paid = self.post(
            f"/me/orders/{order}/pay/",
            "pay",
            {"status": "confirmed", "fraud_status": "accept", "gateway_response": "3ds-disabled"},
        )
        if paid.status_code == 302 and paid.headers.get("Location", "").endswith(f"/me/orders/{order}/"):
            record("confirmed", what="order", order=int(order))


class Agent(Person):
    weight = 1
    kind = "agents"

    @task
    def work_the_desk(self):
        inbox = self.answer("get", "/admin/support/", "desk inbox")
        waiting = re.findall(r"/admin/support/(\d+)/", inbox.text or "")
        if not waiting:
            return
        pk = random.choice(waiting)
        self.answer("get", f"/admin/support/{pk}/", "desk request")
        mark = token()
        record("attempt", what="agent reply", token=mark)
        sent = self.post(f"/admin/support/{pk}/", "desk reply", {"body": f"Please restart it. {mark}", "status": ""})
        if sent.status_code == 302:
            record("confirmed", what="agent reply", token=mark, ticket=int(pk))
