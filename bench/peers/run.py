"""The portal's pages beside their peers', on the same machine with the same wrk settings.

`make bench-peers` (by hand). Each peer is installed by name and version into a virtualenv of its
own under var/bench-peers/, gets a PostgreSQL database of its own, is seeded and served by
gunicorn (2 workers) on 127.0.0.1, and measured with wrk exactly as `make bench` measures the
portal. Peers so far: a plain Wagtail 8.0.1 site (its content page and its built-in search).
django-helpdesk 2.6.1 and django-machina 1.3.1 are still to come.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.run import run_wrk, wait_until_up

BASE_DIR = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PORT = 8766

PEERS = {
    "wagtail": {
        "packages": ["wagtail==8.0.1", "gunicorn==27.0.1", "psycopg[binary]==3.3.9"],
        "project": "wagtail_peer",
        "database": "peer_wagtail",
        #: (label, path or "{seeded}" for the address the seed returns)
        "pages": [("content page", "{seeded}"), ("search", "/search/?query=router")],
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
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def measure(name: str) -> None:
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
        return subprocess.run(
            [str(python), "-m", "django", *args], cwd=HERE, env=env, check=True, capture_output=True, text=True
        ).stdout

    django("makemigrations", peer["project"], "-v", "0")
    django("migrate", "--noinput", "-v", "0")
    seeded = django("shell", "-c", f"from {peer['project']}.seed import seed; print(seed())").strip().splitlines()[-1]
    server = subprocess.Popen(
        [str(python), "-m", "gunicorn", f"{peer['project']}.wsgi_app", "-w", "2", "-b", f"127.0.0.1:{PORT}"],
        cwd=HERE,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/search/")
        for label, path in peer["pages"]:
            rps, p50, p99 = run_wrk(path.format(seeded=seeded), None, port=PORT)
            print(f"{name + ': ' + label:<40}{rps:>10.0f}{p50:>10.1f}{p99:>10.1f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    print(f"{'peer page':<40}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name in sys.argv[1:] or PEERS:
        measure(name)


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    main()
