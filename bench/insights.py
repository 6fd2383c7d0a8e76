"""Insights at scale: the dashboard's pages over 1,000,000 requests and 5,000,000 messages.

`make bench-insights` (by hand; PostgreSQL required). Seeds a database of its own once
(portal_bench_insights: requests, messages, satisfaction surveys, NPS answers and the facts the
figures read, written with INSERT … SELECT generate_series, so seeding takes minutes rather than the
hours measuring a million requests one by one would), then opens each Insights page as an admin
through Django's test client, RUNS times, and prints p50 and p95 in milliseconds with the number of
queries. The measuring path itself (a request's changes → its facts) is timed separately: the
facts of `MEASURED` requests are rebuilt and the rate printed.

Set BENCH_INSIGHTS_REQUESTS to seed fewer (the default is 1,000,000); BENCH_INSIGHTS_RESEED=1
starts over.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "portal_bench_insights"
REQUESTS = int(os.environ.get("BENCH_INSIGHTS_REQUESTS", "1000000"))
MESSAGES_PER_REQUEST = 5
RUNS = int(os.environ.get("BENCH_INSIGHTS_RUNS", "20"))
MEASURED = 500
YEARS = 3
PAGES = [
    ("overview, last 30 days", "/admin/insights/?days=30"),
    ("overview, last year", "/admin/insights/?days=365"),
    ("overview, one queue, 90 days", "/admin/insights/?days=90&queue={queue}"),
    ("satisfaction, 90 days", "/admin/insights/satisfaction/?days=90"),
    ("self-service, 30 days", "/admin/insights/self-service/?days=30"),
    ("requests behind 'solved', 30 days", "/admin/insights/requests/solved/?days=30"),
]


def database(reseed: bool) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


SEED_SQL = """
INSERT INTO tickets_ticket (number, subject, description_source, description_html, fields, impact, priority,
    status, channel, created_at, updated_at, first_replied_at, solved_at, message_count, last_activity_at,
    assignee_id, queue_id, request_type_id, requester_id, sla_policy_id)
SELECT 100000 + n, 'Wi-Fi drops ' || n, 'Please help.', '<p>Please help.</p>', '{{}}', 'minor',
    (ARRAY['low','normal','normal','high','urgent'])[1 + n %% 5],
    CASE WHEN n %% 50 = 0 THEN 'open' ELSE 'solved' END,
    (ARRAY['portal','portal','portal','email','phone'])[1 + n %% 5],
    %(start)s + n * %(step)s * interval '1 second',
    %(start)s + n * %(step)s * interval '1 second',
    %(start)s + (n * %(step)s + 600 + n %% 30000) * interval '1 second',
    CASE WHEN n %% 50 = 0 THEN NULL ELSE %(start)s + (n * %(step)s + 3600 + n %% 200000) * interval '1 second' END,
    {messages}, %(start)s + n * %(step)s * interval '1 second',
    (%(agents)s)[1 + n %% array_length(%(agents)s, 1)],
    (%(queues)s)[1 + n %% array_length(%(queues)s, 1)],
    (%(types)s)[1 + n %% array_length(%(types)s, 1)],
    (%(customers)s)[1 + n %% array_length(%(customers)s, 1)],
    %(policy)s
FROM generate_series(1, %(requests)s) AS n;

INSERT INTO tickets_message (from_customer, is_internal, body_source, body_html, channel, created_at, author_id,
    ticket_id)
SELECT m %% 2 = 1, false, 'Message ' || m, '<p>Message ' || m || '</p>', 'portal',
    t.created_at + m * interval '1 hour', CASE WHEN m %% 2 = 1 THEN t.requester_id ELSE t.assignee_id END, t.id
FROM tickets_ticket t CROSS JOIN generate_series(1, {messages}) AS m;

INSERT INTO insights_requestfacts (ticket_id, created_at, queue_id, assignee_id, request_type_id, priority, channel,
    organisation_id, requester_id, product, plan_id, first_reply_at, first_reply_seconds, first_reply_business_seconds,
    first_reply_sla, agent_replies, resolved_at, resolution_seconds, resolution_business_seconds, resolution_sla,
    reopens, refreshed_at, survey_asked_at, rating, rating_reason, rated_at)
SELECT t.id, t.created_at, t.queue_id, t.assignee_id, t.request_type_id, t.priority, t.channel, NULL, t.requester_id,
    (ARRAY['Router AX3','Wi-Fi Mesh','Cloud Backup',''])[1 + t.id %% 4], NULL,
    t.first_replied_at, extract(epoch FROM t.first_replied_at - t.created_at)::int,
    (extract(epoch FROM t.first_replied_at - t.created_at) / 3)::int,
    CASE WHEN t.id %% 9 = 0 THEN 'missed' ELSE 'met' END, 1 + (t.id %% 3 = 0)::int,
    t.solved_at, extract(epoch FROM t.solved_at - t.created_at)::int,
    (extract(epoch FROM t.solved_at - t.created_at) / 3)::int,
    CASE WHEN t.solved_at IS NULL THEN '' WHEN t.id %% 25 = 0 THEN 'missed' ELSE 'met' END,
    (t.id %% 20 = 0 AND t.solved_at IS NOT NULL)::int, now(),
    CASE WHEN t.solved_at IS NOT NULL AND t.id %% 3 = 0 THEN t.solved_at END,
    CASE WHEN t.solved_at IS NULL OR t.id %% 3 <> 0 THEN '' WHEN t.id %% 7 = 0 THEN 'bad' ELSE 'good' END,
    CASE WHEN t.solved_at IS NOT NULL AND t.id %% 21 = 0 THEN 'It took too long' ELSE '' END,
    CASE WHEN t.solved_at IS NOT NULL AND t.id %% 3 = 0 THEN t.solved_at + interval '2 hours' END
FROM tickets_ticket t;

INSERT INTO insights_replyfacts (kind, waited_from, replied_at, seconds, business_seconds, sla, agent_id, queue_id,
    priority, channel, request_id)
SELECT 'first', f.created_at, f.first_reply_at, f.first_reply_seconds, f.first_reply_business_seconds,
    f.first_reply_sla, f.assignee_id, f.queue_id, f.priority, f.channel, f.ticket_id
FROM insights_requestfacts f
UNION ALL
SELECT 'next', f.first_reply_at + interval '1 hour', f.first_reply_at + interval '3 hours', 7200, 3600,
    CASE WHEN f.ticket_id %% 11 = 0 THEN 'missed' ELSE 'met' END, f.assignee_id, f.queue_id, f.priority, f.channel,
    f.ticket_id
FROM insights_requestfacts f WHERE f.agent_replies > 1;

INSERT INTO insights_reopenfacts (reopened_at, queue_id, request_id)
SELECT f.resolved_at - interval '1 hour', f.queue_id, f.ticket_id FROM insights_requestfacts f WHERE f.reopens > 0;

INSERT INTO tickets_satisfactionsurvey (asked_at, rating, reason, comment, answered_at, customer_id, ticket_id)
SELECT t.solved_at, CASE WHEN t.id %% 7 = 0 THEN 'bad' ELSE 'good' END,
    CASE WHEN t.id %% 7 = 0 THEN 'It took too long' ELSE '' END, '', t.solved_at + interval '2 hours',
    t.requester_id, t.id
FROM tickets_ticket t WHERE t.solved_at IS NOT NULL AND t.id %% 3 = 0;

INSERT INTO insights_npssurvey (person_id, trigger, asked_at, score, comment, answered_at, plan_id, tier, product)
SELECT (%(customers)s)[1 + n %% array_length(%(customers)s, 1)], 'membership',
    %(start)s + n * %(step)s * 20 * interval '1 second', n %% 11,
    CASE WHEN n %% 4 = 0 THEN 'Because of the support.' ELSE '' END,
    %(start)s + (n * %(step)s * 20 + 3600) * interval '1 second', NULL, '', ''
FROM generate_series(1, %(requests)s / 20) AS n;

INSERT INTO tickets_referencesequence (name, last) VALUES ('support-request', 100000 + %(requests)s)
ON CONFLICT (name) DO UPDATE SET last = EXCLUDED.last;
"""


def seed() -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from portal.accounts.roles import ROLE_GROUPS
    from tickets.models import BusinessCalendar, Queue, RequestType, SLAPolicy, Ticket

    if Ticket.objects.exists():
        print(f"Seeded already: {Ticket.objects.count():,} requests.", flush=True)
        return
    User = get_user_model()
    started = time.monotonic()
    customers = User.objects.bulk_create(
        User(email=f"customer{n}@bench.example", display_name=f"Customer {n}") for n in range(2000)
    )
    agents = User.objects.bulk_create(
        User(email=f"agent{n}@bench.example", display_name=f"Agent {n}") for n in range(20)
    )
    from django.contrib.auth.models import Group

    Group.objects.get(name=ROLE_GROUPS["customer"]).user_set.add(*customers)
    Group.objects.get(name=ROLE_GROUPS["agent"]).user_set.add(*agents)
    calendar = BusinessCalendar.objects.create(name="Always", time_zone="Europe/Belgrade")
    policy = SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=2400
    )
    queues, types = [], []
    for name in ("Technical support", "Billing", "Cloud", "Partners"):
        queue = Queue.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        queue.agents.add(*agents[len(queues) * 5 : len(queues) * 5 + 5])
        queues.append(queue)
        types.append(RequestType.objects.create(name=f"{name} question", queue=queue))
    start = timezone.now() - timedelta(days=365 * YEARS)
    step = 365 * YEARS * 86400 // REQUESTS
    sql = SEED_SQL.format(messages=MESSAGES_PER_REQUEST)
    params = {
        "start": start,
        "step": step,
        "requests": REQUESTS,
        "agents": [agent.pk for agent in agents],
        "queues": [queue.pk for queue in queues],
        "types": [request_type.pk for request_type in types],
        "customers": [customer.pk for customer in customers],
        "policy": policy.pk,
    }
    with connection.cursor() as cursor:
        for statement in [part.strip() for part in sql.split(";") if part.strip()]:
            cursor.execute(statement, params)
            print(f"  {statement.split()[2]}: {max(cursor.rowcount, 0):,} rows", flush=True)
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
    print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)


def measure() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.insights.services import refresh_facts
    from tickets.models import Queue, Ticket

    admin, _created = get_user_model().objects.get_or_create(
        email="admin@bench.example", defaults={"is_superuser": True, "is_staff": True, "display_name": "Admin"}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    queue = Queue.objects.order_by("pk").first()
    print(f"\n{Ticket.objects.count():,} requests; each page {RUNS} times as an admin\n", flush=True)
    print(f"{'page':<40}{'p50 ms':>10}{'p95 ms':>10}{'queries':>10}")
    for label, path in PAGES:
        path = path.format(queue=queue.pk)
        client.get(path, secure=True)  # warm caches and the connection
        timings = []
        for _ in range(RUNS):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(path, secure=True)
                timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(f"{label:<40}{statistics.median(timings):>10.0f}{p95:>10.0f}{len(queries):>10}", flush=True)
    pks = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:MEASURED])
    began = time.perf_counter()
    for pk in pks:
        refresh_facts(pk)
    took = time.perf_counter() - began
    print(f"\nMeasuring a request again (refresh_facts): {took / len(pks) * 1000:.1f} ms each, "
          f"{len(pks) / took:.0f} a second", flush=True)  # fmt: skip


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import environment

    database(reseed=os.environ.get("BENCH_INSIGHTS_RESEED") == "1")
    env = environment()
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
    )
    import django

    django.setup()
    seed()
    measure()


if __name__ == "__main__":
    main()
