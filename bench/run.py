"""Load benchmark: gunicorn (2 workers, production settings) on 127.0.0.1, wrk against a page list.

Run by hand with `make bench`. Uses PostgreSQL when 127.0.0.1:5432 answers, SQLite otherwise.
Prints: page, requests/s, p50, p99 and the ratio to a bare Django view on the same server,
measured right before the page.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST, PORT = "127.0.0.1", 8765
DURATION = os.environ.get("BENCH_DURATION", "10s")
#: Each page is asked for this long, unmeasured, before it is measured (ours and the peers' alike):
#: the workers' first requests compile templates and fill their caches. "0s" measures from cold.
WARMUP = os.environ.get("BENCH_WARMUP", "2s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
#: Comma-separated words; only pages whose label contains one are measured (the bare view always is).
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]

ARTICLE = "/help/router-ax3/troubleshooting/no-internet-connection/"

#: A session cookie no session answers to: the reader is anonymous, but the app's page cache
#: (which serves only visitors without a session) is passed by, so the page is rendered.
UNCACHED = "uncached"

#: (label, path, signed in? / UNCACHED) — the first is the bare view every page is compared with.
PAGES = [
    ("bare Django view", "/bench/bare/", False),
    ("home", "/", False),
    ("help centre", "/help/", False),
    ("knowledge base", "/help/router-ax3/", False),
    ("section", "/help/router-ax3/troubleshooting/", False),
    ("article (page cache)", ARTICLE, False),
    ("article (no page cache)", ARTICLE, UNCACHED),
    ("article (signed in)", ARTICLE, True),
    ("FAQ page", "/help/router-ax3/router-questions/", False),
    ("community (page cache)", "/community/", False),
    ("community (no page cache)", "/community/", UNCACHED),
    ("category list", "/community/c/router-ax3/", UNCACHED),
    ("topic, 100 replies (cache)", "{topic}", False),
    ("topic, 100 replies", "{topic}", UNCACHED),
    ("topic, 100 replies (signed in)", "{topic}", True),
    ("support", "/support/", False),
    ("search", "/search/?q=help", False),
    ("search (no page cache)", "/search/?q=help", UNCACHED),
    ("search, misspelt", "/search/?q=firmwre", False),
    ("search suggestions", "/search/suggest/?q=wifi", False),
    ("sign-in page", "/accounts/login/", False),
    ("healthz", "/healthz", False),
    ("home (signed in)", "/", True),
    ("my account (signed in)", "/me/", True),
    ("my requests (1,000)", "/support/requests/", True),
    ("API: my requests (1,000)", "/api/v1/requests/", True),
    ("request, 200 messages", "{conversation}", True),
    ("profile (signed in)", "/me/profile/", True),
]


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def server_environment(settings_module: str) -> dict[str, str]:
    """Production-like settings for a portal served on 127.0.0.1 by a benchmark."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_STATIC_ROOT": str(BASE_DIR / "var" / "bench-static"),
        "PORTAL_LOG_LEVEL": "WARNING",
    }


def environment() -> dict[str, str]:
    env = server_environment("bench.settings")
    # Production requires the shared cache; a database of its own keeps the figures apart.
    env["REDIS_URL"] = env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    # One token asks thousands of times a second here: measure the API, not its per-token throttle.
    env["PORTAL_API_RATE"] = "1000000/min"
    if "DATABASE_URL" not in env:
        if postgres_answers():
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'portal_bench'").fetchone():
                    conn.execute("CREATE DATABASE portal_bench")
            env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/portal_bench"
        else:
            env["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
    return env


def manage(env, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare(env) -> str:
    """Migrate, seed, collect static files; return a signed-in customer's session cookie, the
    reference of their 200-message request and the path of a 100-reply topic."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    code = (
        "from bench.seed import seed_bench_data, seed_support_data; seed_bench_data();"
        "reference = seed_support_data();"
        "from bench.seed import seed_community_data, seed_category_topics; topic = seed_community_data();"
        "seed_category_topics();"
        # Statistics as autovacuum would keep them in production (it may be off where this runs).
        "from django.db import connection;"
        "connection.vendor == 'postgresql' and connection.cursor().execute('ANALYZE');"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY;"
        "from portal.accounts.models import User;"
        "u = User.objects.get(email='customer@example.com'); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key, reference, topic)"
    )
    cookie, reference, topic = manage(env, "shell", "-c", code).strip().splitlines()[-1].split()
    return cookie, reference, topic


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not answer at {url}")


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(path: str, cookie: str | None, *, port: int = PORT) -> tuple[float, float, float]:
    headers = ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: sessionid={cookie}"]
    if WARMUP.rstrip("s") not in ("", "0"):
        warm = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{WARMUP}", *headers, f"http://{HOST}:{port}{path}"]
        subprocess.run(warm, check=True, capture_output=True)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", *headers, f"http://{HOST}:{port}{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
        p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    except AttributeError as exc:
        raise SystemExit(f"could not read wrk's output for {path}:\n{output}") from exc
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        print(f"  warning: {path} answered {non_2xx.group(1)} non-2xx/3xx responses", file=sys.stderr)
    return rps, p50, p99


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    measure_portal(ONLY)


def measure_portal(only: list[str]) -> dict[str, tuple[float, float, float]]:
    """Serve the portal, measure the pages whose label contains one of `only` (all when empty),
    print a row per page as it goes and return {label: (req/s, p50 ms, p99 ms)}."""
    results = {}
    env = environment()
    database = env["DATABASE_URL"].split("://", 1)[0]
    print(f"Preparing ({database}, demo content + bench customers)…", flush=True)
    cookie, reference, topic = prepare(env)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"{HOST}:{PORT}", "--log-level", "warning"],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(f"http://{HOST}:{PORT}/healthz")
        from bench.seed import CUSTOMERS

        print(
            f"gunicorn 2 workers, production settings, {database}; {CUSTOMERS} customers seeded; "
            f"wrk 2 threads, {CONNECTIONS} connections, {DURATION} per page\n"
        )
        print(f"{'page':<32}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'bare':>10}{'vs bare':>10}")
        bare_path = PAGES[0][1]
        for label, path, signed_in in PAGES[1:]:
            if only and not any(word in label for word in only):
                continue
            # The bare view is measured right before each page: the machine's speed drifts over a
            # run (other tenants, CPU frequency), and a ratio to a figure from minutes earlier drifts with it.
            bare_rps, *_ = run_wrk(bare_path, None)
            path = path.format(conversation=f"/support/requests/{reference}/", topic=topic)
            session = {True: cookie, False: None, UNCACHED: "no-such-session"}[signed_in]
            rps, p50, p99 = results[label] = run_wrk(path, session)
            figures = f"{rps:>10.0f}{p50:>10.1f}{p99:>10.1f}{bare_rps:>10.0f}{rps / bare_rps:>10.2f}"
            print(f"{label:<32}{figures}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
