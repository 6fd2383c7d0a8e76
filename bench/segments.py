"""RFM scoring at scale: 1,000,000 members with 5,000,000 orders, scored on PostgreSQL.

`make bench-segments` (by hand; PostgreSQL required). Seeds a database of its own once
(portal_bench_segments: members who allow profiling, their paid orders over three years, written
with INSERT … SELECT generate_series), then times `score_all()` three ways and prints the time and
the process's peak memory:

- first scoring (every score is new);
- the same again (nothing changed: only reading and comparing);
- after 1 % of members paid again (a day's change).

The aim is under 5 minutes for the first scoring, with memory bounded (flat arrays of four numbers
a member, not objects). BENCH_SEGMENTS_MEMBERS sets the number of members (orders: five each);
BENCH_SEGMENTS_RESEED=1 starts over.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE = "portal_bench_segments"
MEMBERS = int(os.environ.get("BENCH_SEGMENTS_MEMBERS", "1000000"))
ORDERS_PER_MEMBER = 5

SEED_SQL = """
INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, email,
    display_name, locale, time_zone, country, is_organisation_admin)
SELECT '!', false, '', '', false, true, now() - (n %% 1500) * interval '1 day', 'member' || n || '@bench.example',
    'Member ' || n, (ARRAY['en','sr-latn','sr','sl'])[1 + n %% 4], 'Europe/Belgrade', 'RS', false
FROM generate_series(1, %(members)s) AS n;

INSERT INTO privacy_consentevent (person_id, purpose, version, granted, how, note, at)
SELECT u.id, 'profiling', %(version)s, true, 'signup', '', u.date_joined FROM accounts_user u;

INSERT INTO membership_order (subscription_id, buyer_id, kind, plan_id, status, pay_by, key, price, credit_used,
    credit_given, amount, currency, base_ends_at, new_ends_at, created_at, paid_at)
SELECT %(subscription)s, %(first)s + (n %% %(members)s), 'renew', %(plan)s, 'paid', 'card', 'bench-' || n,
    amount, 0, 0, amount, 'EUR', paid, paid + interval '1 year', paid, paid
FROM (
    SELECT n, (20 + (n::bigint * 7919) %% 480)::numeric AS amount,
        now() - ((n::bigint * 104729) %% (365 * 3 * 24)) * interval '1 hour' AS paid
    FROM generate_series(1, %(orders)s) AS n
) AS generated;
"""


def database(reseed: bool) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def seed() -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from portal.membership.models import Order, Plan, Subscription
    from portal.privacy.consent import PROFILING, purpose

    if Order.objects.exists():
        print(f"Seeded already: {get_user_model().objects.count():,} members, {Order.objects.count():,} orders.")
        return
    started = time.monotonic()
    plan = Plan.objects.create(name="Bench", code="bench", price=Decimal("100"), currency="EUR")
    holder = get_user_model().objects.create(email="holder@bench.example", display_name="Holder")
    subscription = Subscription.objects.create(holder=holder, plan=plan, ends_at=timezone.now() + timedelta(days=30))
    first = holder.pk + 1
    params = {
        "members": MEMBERS,
        "orders": MEMBERS * ORDERS_PER_MEMBER,
        "subscription": subscription.pk,
        "plan": plan.pk,
        "first": first,
        "version": purpose(PROFILING).version,
    }
    with connection.cursor() as cursor:
        for statement in [part.strip() for part in SEED_SQL.split(";") if part.strip()]:
            began = time.monotonic()
            cursor.execute(statement, params)
            print(f"  {statement.split()[2]}: {max(cursor.rowcount, 0):,} rows in {time.monotonic() - began:.0f} s")
        cursor.execute("ANALYZE")
    print(f"Seeded in {time.monotonic() - started:.0f} s.", flush=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, run) -> None:
    began = time.monotonic()
    result = run()
    print(
        f"{label:<36}{time.monotonic() - began:>9.1f} s   scored {result.scored:,}, written {result.changed:,}, "
        f"moved {result.moved:,}; peak memory {peak_mb():,.0f} MB",
        flush=True,
    )


def measure() -> None:
    import uuid
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from portal.customers.models import CustomerScore, GroupChange
    from portal.customers.rfm import score_all
    from portal.membership.models import Order

    CustomerScore.objects.all().delete()
    GroupChange.objects.all().delete()
    print(f"\nBefore scoring: peak memory {peak_mb():,.0f} MB\n")
    timed("first scoring", score_all)
    timed("again, nothing changed", score_all)
    now = timezone.now()
    template = Order.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO membership_order (subscription_id, buyer_id, kind, plan_id, status, pay_by, key, price, "
            "credit_used, credit_given, amount, currency, base_ends_at, new_ends_at, created_at, paid_at) "
            "SELECT %s, u.id, 'renew', %s, 'paid', 'card', %s || u.id, 100, 0, 0, 100, 'EUR', %s, %s, %s, %s "
            "FROM accounts_user u WHERE u.id %% 100 = 0",
            [template.subscription_id, template.plan_id, f"day-{uuid.uuid4().hex[:8]}-", now,
             now + timedelta(days=365), now, now],
        )  # fmt: skip
    timed("after 1 % paid again", score_all)


def main() -> None:
    sys.path.insert(0, str(BASE_DIR))
    from bench.run import environment

    database(reseed=os.environ.get("BENCH_SEGMENTS_RESEED") == "1")
    env = environment()
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    import django

    django.setup()
    seed()
    measure()


if __name__ == "__main__":
    main()
