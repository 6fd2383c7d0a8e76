"""Load and faults: `make bench-load` (mixed traffic) and `make bench-faults` (the same, with parts
failing in turn). Run by hand; nothing here is a timed test.

Everything runs on 127.0.0.1 and is started here, so the machine's shared services are untouched:
a private PostgreSQL cluster (Debian's binaries, its own folder and port), a Redis for the cache and
another for the task queue, an SMTP sink (aiosmtpd), gunicorn (4 workers, production settings),
two RQ workers and the scheduler. locust plays LOAD_USERS people (default 50) for LOAD_DURATION
(default 5m): visitors, customers, community members, members renewing by card, agents
(bench/locustfile.py). With faults, in turn: a gunicorn worker killed, a task worker killed in the
middle of a task (and started again, as a process manager would), the cache's Redis gone for 30 s,
PostgreSQL restarted; search points at an Elasticsearch that does not answer for the whole run.

Afterwards, once the queue is empty and the e-mail sweep has run, it checks against the load
generator's own log that every write the portal confirmed is in the database exactly once (and
none it did not confirm is there twice), that no e-mail reached the sink twice and that every
agent reply reached its customer once; and it prints requests/s and p50/p95/p99 per request kind
with errors, and every 5xx placed inside or outside the faults' windows.
"""

import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from bench.run import BASE_DIR, PYTHON, manage, server_environment, wait_until_up

HOST = "127.0.0.1"
WEB, PG, CACHE_REDIS, QUEUE_REDIS, SMTP = 8790, 55432, 56379, 56380, 52525
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = os.environ.get("LOAD_DURATION", "5m")
WORK = Path(os.environ.get("LOAD_DIR", "/var/tmp/portal-load"))
#: A database restart may fail requests while it lasts, and this long after it is back.
RECOVERY_SECONDS = 5


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return int(duration[:-1]) * units[duration[-1]] if duration[-1] in units else int(duration)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        raise SystemExit("PostgreSQL's server binaries are missing: apt-get install postgresql")
    return found[-1].parent


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Postgres:
    """A private cluster: its own folder and port; started, restarted and stopped here."""

    def __init__(self, folder: Path):
        self.folder, self.bin = folder, postgres_bin()

    def ctl(self, *args: str) -> None:
        options = f"-p {PG} -c listen_addresses={HOST} -c max_connections=300 -k {self.folder.parent}"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.folder), "-l", str(self.folder.parent / "pg.log")]
        subprocess.run(as_postgres([*command, "-w", "-o", options, *args]), check=True, capture_output=True)

    def create(self) -> None:
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder.parent, "postgres")
        subprocess.run(
            as_postgres([str(self.bin / "initdb"), "-D", str(self.folder), "-A", "trust", "-U", "postgres"]),
            check=True,
            capture_output=True,
        )
        self.ctl("start")
        subprocess.run(["createdb", "-h", HOST, "-p", str(PG), "-U", "postgres", "portal"], check=True)


class Sink:
    """An SMTP server that keeps every message it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(message_from_bytes(envelope.original_content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname=HOST, port=SMTP)


def environment(faults: bool) -> dict[str, str]:
    env = server_environment("bench.load_settings")
    env.update(
        {
            "DJANGO_MEDIA_ROOT": str(WORK / "media"),
            "PORTAL_PRIVATE_ROOT": str(WORK / "private"),
            "DATABASE_URL": f"postgres://postgres@{HOST}:{PG}/portal",
            "DATABASE_CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://{HOST}:{CACHE_REDIS}/0",
            "PORTAL_TASK_BACKEND": "rq",
            "PORTAL_QUEUE_URL": f"redis://{HOST}:{QUEUE_REDIS}/0",
            "PORTAL_TASK_RETRY_PAUSES": "2,5,10,30",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(SMTP),
            "PORTAL_BASE_URL": f"http://{HOST}:{WEB}",
        }
    )
    env.pop("ELASTICSEARCH_URL", None)
    if faults:
        env["ELASTICSEARCH_URL"] = f"http://{HOST}:9"  # nothing listens there
    return env


class Processes:
    def __init__(self, env: dict):
        self.env, self.running = env, {}

    def start(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        log = (WORK / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, start_new_session=True, stdout=log, stderr=log, **kwargs
        )
        self.running[name] = process
        return process

    def redis(self, name: str, port: int) -> None:
        self.start(name, ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"])

    def worker(self, n: int) -> None:
        self.start(f"worker-{n}", [PYTHON, "manage.py", "rqworker", "default", "--with-scheduler"])

    def stop(self, name: str, sig=signal.SIGTERM) -> None:
        process = self.running.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


class Faults(threading.Thread):
    """In turn, while the load runs; each fault's window (start, end) is written down."""

    def __init__(self, processes: Processes, postgres: Postgres, total: int):
        super().__init__(daemon=True)
        self.processes, self.postgres, self.total = processes, postgres, total
        self.windows: list[tuple[str, float, float]] = []
        self.notes: list[str] = []

    def at(self, share: float) -> None:
        time.sleep(max(0.0, self.started + self.total * share - time.time()))

    def run(self):
        self.started = time.time()
        self.at(0.12)
        master = self.processes.running["web"].pid
        victim = children(master)[0]
        os.kill(victim, signal.SIGKILL)
        self.windows.append(("a gunicorn worker killed", time.time(), time.time()))
        self.notes.append(f"gunicorn worker {victim} killed; the master starts another")

        self.at(0.25)
        start = time.time()
        worker = self.processes.running["worker-1"]
        horses = children(worker.pid)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and whatever task it is running, at once
        worker.wait()
        self.processes.running.pop("worker-1")
        time.sleep(2)
        self.processes.worker(1)  # as systemd's Restart=always would
        self.windows.append(("a task worker killed mid-task", start, time.time()))
        self.notes.append(f"task worker killed {'in the middle of a task' if horses else 'while idle'}; started again")

        self.at(0.40)
        start = time.time()
        self.processes.stop("cache-redis", signal.SIGKILL)
        time.sleep(30)
        self.processes.redis("cache-redis", CACHE_REDIS)
        self.windows.append(("the cache's Redis away for 30 s", start, time.time()))

        self.at(0.60)
        start = time.time()
        self.postgres.ctl("restart", "-m", "fast")
        self.windows.append(("PostgreSQL restarted", start, time.time() + RECOVERY_SECONDS))


class Connections(threading.Thread):
    """The most database connections open at once during the run (pg_stat_activity, every 2 s)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.done = 0, threading.Event()

    def run(self):
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'portal'"
        while not self.done.wait(2):
            answer = subprocess.run(
                ["psql", "-h", HOST, "-p", str(PG), "-U", "postgres", "-Atc", query], capture_output=True, text=True
            )
            if answer.returncode == 0:
                self.peak = max(self.peak, int(answer.stdout.strip() or 0))


def prepare(env: dict) -> dict:
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--port", str(WEB))
    manage(env, "collectstatic", "--noinput")
    code = "import json; from bench.seed import seed_load_people; print(json.dumps(seed_load_people()))"
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def drain(env: dict) -> None:
    """Wait for the queue to empty, then run the e-mail sweeps once more (they mark what they sent)."""
    code = (
        "import django_rq, time\n"
        "q = django_rq.get_queue('default')\n"
        "deadline = time.time() + 300\n"
        "busy = lambda: q.count or q.started_job_registry.count or q.scheduled_job_registry.count\n"
        "while time.time() < deadline and busy():\n"
        "    time.sleep(1)\n"
        "print(q.count, q.failed_job_registry.count)\n"
    )
    waiting, failed = manage(env, "shell", "-c", code).strip().splitlines()[-1].split()
    for command in ("send_request_emails", "send_webhooks"):
        manage(env, command)
    print(f"queue drained: {waiting} waiting, {failed} failed")


VERIFY = """
import json, sys
from collections import Counter
from community.models import Post, PostVote, Topic
from django.contrib.sessions.models import Session
from portal.membership.models import Invoice, Order
from tickets.models import Message, Ticket

entries = [json.loads(line) for line in open(sys.argv[1])]
confirmed = {e.get("token") or e.get("order") for e in entries if e["kind"] == "confirmed"}
problems, counts = [], Counter()
lookups = {
    "request": lambda t: Ticket.objects.filter(subject__contains=t).count(),
    "reply": lambda t: Message.objects.filter(body_source__contains=t).count(),
    "agent reply": lambda t: Message.objects.filter(body_source__contains=t).count(),
    "topic": lambda t: Topic.objects.filter(title__contains=t).count(),
    "post": lambda t: Post.objects.filter(body_source__contains=t).count(),
    "order": lambda o: Invoice.objects.filter(order_id=o).count(),
}
for e in entries:
    if e["kind"] not in ("attempt", "confirmed") or e["what"] not in lookups:
        continue
    key = e.get("token") or e.get("order")
    found = lookups[e["what"]](key)
    if e["kind"] == "confirmed":
        counts[e["what"]] += 1
        if found != 1:
            problems.append(f"{e['what']} {key}: confirmed, found {found} times")
    elif key not in confirmed and found > 1:
        problems.append(f"{e['what']} {key}: not confirmed, found {found} times")
for e in entries:
    if e["kind"] == "confirmed" and e["what"] == "order":
        order = Order.objects.get(pk=e["order"])
        paid = order.payments.filter(status="confirmed").count()
        if order.status != "paid" or paid != 1:
            problems.append(f"order {order.pk}: {order.status}, {paid} confirmed payments")
votes = {(e["session"], e["post"]) for e in entries if e["kind"] == "confirmed" and e["what"] == "vote"}
for session_key, post in votes:
    user = Session.objects.get(session_key=session_key).get_decoded()["_auth_user_id"]
    if PostVote.objects.filter(user_id=user, post_id=post).count() != 1:
        problems.append(f"vote on {post} by {user} missing")
counts["vote"] = len(votes)
print(json.dumps({"counts": counts, "problems": problems}))
"""


def text_of(message) -> str:
    """Subject and every text part, decoded (base64 or quoted-printable)."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(parts)


def verify(env: dict, log: Path, sink: Sink) -> list[str]:
    code = "import django; django.setup()\n" + VERIFY
    result = subprocess.run([PYTHON, "-c", code, str(log)], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"the check failed:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    problems = report["problems"]
    ids = [message["Message-ID"] for message in sink.messages]
    doubled = {key for key in ids if ids.count(key) > 1}
    if doubled:
        problems.append(f"{len(doubled)} e-mails reached the sink more than once")
    bodies = [text_of(message) for message in sink.messages]
    entries = [json.loads(line) for line in log.open()]
    replies = [e["token"] for e in entries if e["kind"] == "confirmed" and e["what"] == "agent reply"]
    times = {mark: sum(mark in body for body in bodies) for mark in replies}
    wrong = {mark: n for mark, n in times.items() if n != 1}
    if wrong:
        problems.append(f"{len(wrong)} of {len(replies)} agent replies did not reach the customer once: {wrong}")
    (WORK / "sink.mbox").write_text("".join(f"From sink\n{body}\n" for body in bodies))
    counts = ", ".join(f"{what}: {n}" for what, n in sorted(report["counts"].items()))
    print(f"confirmed writes: {counts}; e-mails at the sink: {len(sink.messages)} ({len(replies)} agent replies)")
    return problems


def report(stats: Path, log: Path, windows: list) -> None:
    print(f"\n{'request kind':<22}{'count':>8}{'errors':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}  (ms)")
    with stats.open() as rows:
        for row in csv.DictReader(rows):
            figures = [row["Request Count"], row["Failure Count"], f"{float(row['Requests/s']):.1f}"]
            figures += [row["50%"], row["95%"], row["99%"]]
            print(
                f"{row['Name']:<22}"
                + "".join(f"{value:>8}" if i < 3 else f"{value:>7}" for i, value in enumerate(figures))
            )
    answers = [e for e in map(json.loads, log.open()) if e["kind"] == "answer"]
    refused = Counter((e["name"], e["status"], e.get("why", "")) for e in answers if 400 <= e["status"] < 500)
    for (name, status, why), n in refused.items():
        print(f"refused: {name} {status} ×{n}: {why[:100]}")
    errors = [e for e in answers if e["status"] >= 500]
    inside = {name: 0 for name, *_ in windows}
    outside = []
    for error in errors:
        where = next((name for name, start, end in windows if start - 1 <= error["t"] <= end + 1), None)
        if where:
            inside[where] += 1
        else:
            outside.append(error)
    for name, start, end in windows:
        print(f"fault: {name} ({end - start:.0f} s): {inside[name]} answers 5xx inside its window")
    print(f"5xx outside every fault window: {len(outside)}")
    for error in outside[:10]:
        print(f"  {error['name']}: {error['status']} at {time.strftime('%H:%M:%S', time.localtime(error['t']))}")


def main() -> None:
    faults = "--faults" in sys.argv
    sys.path.insert(0, str(BASE_DIR))
    WORK.mkdir(parents=True, exist_ok=True)
    for stale in WORK.glob("*.log"):
        stale.unlink()
    env = environment(faults)
    postgres = Postgres(WORK / "pg")
    processes = Processes(env)
    sink = Sink()
    sink.controller.start()
    log = WORK / "load.jsonl"
    log.unlink(missing_ok=True)
    try:
        print(f"Starting PostgreSQL ({postgres.bin}), two Redis, an SMTP sink…", flush=True)
        postgres.create()
        processes.redis("cache-redis", CACHE_REDIS)
        processes.redis("queue-redis", QUEUE_REDIS)
        time.sleep(1)
        print("Preparing: migrate, demo content, load people…", flush=True)
        people = prepare({k: v for k, v in env.items() if k != "ELASTICSEARCH_URL"})  # indexed in the database
        processes.start("web", [PYTHON, "-m", "gunicorn", "portal.wsgi", "-w", "4", "-b", f"{HOST}:{WEB}"])
        for n in (1, 2):
            processes.worker(n)
        processes.start("scheduler", [PYTHON, "manage.py", "run_scheduler"])
        wait_until_up(f"http://{HOST}:{WEB}/healthz")
        total = seconds(DURATION)
        print(f"locust: {USERS} people for {DURATION} against gunicorn (4 workers){', with faults' if faults else ''}")
        trouble = Faults(processes, postgres, total) if faults else None
        if trouble:
            trouble.start()
        connections = Connections()
        connections.start()
        load_env = {**os.environ, "LOAD_PEOPLE": json.dumps(people), "LOAD_LOG": str(log)}
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", "bench/locustfile.py", "--headless", "-u", str(USERS), "-r", "10",
             "-t", DURATION, "--host", f"http://{HOST}:{WEB}", "--csv", str(WORK / "locust"), "--only-summary"],
            cwd=BASE_DIR, env=load_env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        connections.done.set()
        print(f"database connections open at once, at most: {connections.peak}")
        if trouble:
            trouble.join(timeout=120)
            for note in trouble.notes:
                print(f"  {note}")
        drain(env)
        time.sleep(5)
        problems = verify(env, log, sink)
        report(WORK / "locust_stats.csv", log, trouble.windows if trouble else [])
        print(
            "\n"
            + (
                "\n".join(f"PROBLEM: {p}" for p in problems)
                if problems
                else "Every confirmed write is there exactly once; no e-mail twice."
            )
        )
    finally:
        processes.stop_all()
        sink.controller.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres.ctl("stop", "-m", "fast")


if __name__ == "__main__":
    main()
