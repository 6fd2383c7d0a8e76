"""The portal's pages beside their peers', on the same machine with the same wrk settings.

`make bench-peers` (by hand). Each peer is installed by name and version into a virtualenv of its
own under var/bench-peers/, gets a PostgreSQL database of its own, is seeded and served by
gunicorn (2 workers) on 127.0.0.1, and measured with wrk exactly as `make bench` measures the
portal. Peers: a plain Wagtail 8.0.1 site (its content page and its built-in search),
django-helpdesk 2.6.1 (a knowledge-base item, the ticket list of 1,000 tickets, a ticket with 200
follow-ups) and django-machina 1.3.1 (the forum index and a topic with 100 replies).

Each peer's seed prints one JSON object: the addresses to measure and, where a page needs a
signed-in person, a session cookie. `python -m bench.peers.run helpdesk` measures one peer.
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.run import measure_portal, run_wrk, wait_until_up

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PORT = 8766

SERVER = ["gunicorn==27.0.1", "psycopg[binary]==3.3.9"]

#: name → packages, Django project, database, the address that answers once the server is up, and
#: the pages: (label, path — "{key}" is filled from the seed's JSON —, signed in?).
PEERS = {
    "wagtail": {
        "packages": ["wagtail==8.0.1", *SERVER],
        "project": "wagtail_peer",
        "own_models": True,
        "database": "peer_wagtail",
        "ready": "/search/",
        "pages": [("content page", "{content_page}", False), ("search", "/search/?query=router", False)],
    },
    "helpdesk": {
        "packages": ["django-helpdesk==2.6.1", *SERVER],
        "project": "helpdesk_peer",
        "own_models": False,
        "database": "peer_helpdesk",
        "ready": "/kb/",
        "pages": [
            ("KB item", "{kb_item}", False),
            ("ticket list page (signed in)", "/tickets/", True),
            ("ticket list data, 1,000 (signed in)", "{tickets_data}", True),
            ("ticket, 200 follow-ups (signed in)", "{ticket}", True),
        ],
    },
    "machina": {
        "packages": ["django-machina==1.3.1", *SERVER],
        "project": "machina_peer",
        "own_models": False,
        "database": "peer_machina",
        "ready": "/",
        "pages": [
            ("forum index", "/", False),
            ("topic, 100 replies", "{topic}", False),
            ("topic, 100 replies (signed in)", "{topic}", True),
        ],
    },
}


def _venv(name: str) -> Path:
    venv = BASE_DIR / "var" / "bench-peers" / name
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PEERS[name]["packages"]], check=True)
    return python


def _database(name: str) -> None:
    """A fresh database per run, so every run measures the same seeded content."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def answers_ok(path: str, cookie: str | None) -> None:
    """Refuse to measure a page that does not answer 200 itself (a redirect to sign in, an error)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise SystemExit(f"{path} answered {status}, not 200: the peer is not set up as measured")


#: (the portal's page in bench/run.py, the peer's page): the pairs the portal must lead by 3×.
PAIRS = [
    ("article (no page cache)", "wagtail: content page"),
    ("article (page cache)", "wagtail: content page"),
    ("article (no page cache)", "helpdesk: KB item"),
    ("search", "wagtail: search"),
    ("search (no page cache)", "wagtail: search"),
    ("search suggestions", "wagtail: search"),
    ("my requests (1,000)", "helpdesk: ticket list page (signed in)"),
    ("my requests (1,000)", "helpdesk: ticket list data, 1,000 (signed in)"),
    ("request, 200 messages", "helpdesk: ticket, 200 follow-ups (signed in)"),
    ("community (no page cache)", "machina: forum index"),
    ("community (page cache)", "machina: forum index"),
    ("topic, 100 replies", "machina: topic, 100 replies"),
    ("topic, 100 replies (cache)", "machina: topic, 100 replies"),
    ("topic, 100 replies (signed in)", "machina: topic, 100 replies (signed in)"),
]
TARGET = 3.0


def measure(name: str) -> dict[str, tuple[float, float, float]]:
    peer = PEERS[name]
    python = _venv(name)
    _database(peer["database"])
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": f"{peer['project']}.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "PEER_DATABASE": peer["database"],
    }

    def django(*args: str) -> str:
        done = subprocess.run([str(python), "-m", "django", *args], cwd=HERE, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{name}: django {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    if peer["own_models"]:
        django("makemigrations", peer["project"], "-v", "0")
    django("migrate", "--noinput", "-v", "0")
    seeded = json.loads(
        django("shell", "-c", f"from {peer['project']}.seed import seed; print(seed())").strip().splitlines()[-1]
    )
    server = subprocess.Popen(
        [str(python), "-m", "gunicorn", f"{peer['project']}.wsgi_app", "-w", "2", "-b", f"127.0.0.1:{PORT}"],
        cwd=HERE,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}{peer['ready']}")
        for label, path, signed_in in peer["pages"]:
            cookie = seeded["cookie"] if signed_in else None
            answers_ok(path.format(**seeded), cookie)
            rps, p50, p99 = results[f"{name}: {label}"] = run_wrk(path.format(**seeded), cookie, port=PORT)
            print(f"{name + ': ' + label:<44}{rps:>10.0f}{p50:>10.1f}{p99:>10.1f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return results


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    print(f"{'peer page':<44}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    peers = {}
    for name in sys.argv[1:] or PEERS:
        peers.update(measure(name))
    pairs = [(ours, theirs) for ours, theirs in PAIRS if theirs in peers]
    print("\nThe portal's side, same machine, same wrk settings:")
    portal = measure_portal(sorted({ours for ours, _ in pairs}))
    print(f"\n{'portal page':<32}{'peer page':<46}{'portal':>8}{'peer':>8}{'ratio':>8}  {TARGET:.0f}x?")
    for ours, theirs in pairs:
        if ours in portal:
            ratio = portal[ours][0] / peers[theirs][0]
            verdict = "yes" if ratio >= TARGET else "no"
            print(f"{ours:<32}{theirs:<46}{portal[ours][0]:>8.0f}{peers[theirs][0]:>8.0f}{ratio:>8.1f}  {verdict}")


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
