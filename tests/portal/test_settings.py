"""Production settings refuse to start without their secrets; `check --deploy` is clean with them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-key-" + "x" * 20
REDIS = "redis://127.0.0.1:6379/0"


def run_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REDIS_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "portal.example.com"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "portal.example.com"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "portal.example.com"}, "REDIS_URL"),
    ],
)
def test_production_refuses_to_start_without_secrets(env, complaint):
    result = run_check(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_deploy_check_is_clean_with_secrets():
    result = run_check(
        {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "portal.example.com", "REDIS_URL": REDIS},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("pauses", ["10,soon,300", "-5", "1.5,2", "ten", "²", "10,٣"])
def test_odd_retry_pauses_stop_start_up_with_a_reason(pauses):
    result = run_check(
        {
            "DJANGO_SECRET_KEY": GOOD_KEY,
            "DJANGO_ALLOWED_HOSTS": "portal.example.com",
            "REDIS_URL": REDIS,
            "PORTAL_TASK_RETRY_PAUSES": pauses,
        }
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: PORTAL_TASK_RETRY_PAUSES must be whole seconds" in result.stderr


def test_retry_pauses_read_whole_seconds():
    from portal.settings.base import retry_pauses

    assert retry_pauses("10, 60,300,") == (10, 60, 300)
    assert retry_pauses("") == ()
