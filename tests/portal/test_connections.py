"""A threaded server holds a constant number of database connections however much it serves."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _connections(database: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        )
        return cursor.fetchone()[0]


def _browse(base: str, count: int) -> None:
    def fetch(path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as answer:  # noqa: S310 (our own server)
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    # Pages that only read: the server shares the test database, and nothing it writes is rolled back.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, ["/healthz", "/community/", "/help/", "/support/"] * (count // 4)))
    assert set(statuses) <= {200, 404}


@pytest.fixture
def threaded_server():
    if connection.vendor != "postgresql":
        pytest.skip("connections are counted on PostgreSQL")
    settings_dict = connection.settings_dict
    database = settings_dict["NAME"]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{database}",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        yield base, database
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_threaded_server_holds_a_constant_number_of_connections(threaded_server):
    base, database = threaded_server
    _browse(base, 40)
    time.sleep(0.5)
    after_some = _connections(database)
    for _ in range(3):
        _browse(base, 80)
    time.sleep(0.5)
    assert _connections(database) <= max(after_some, 8)
