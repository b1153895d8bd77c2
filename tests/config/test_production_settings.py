"""Production settings refuse to start without their secrets, naming what is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = {
    "DJANGO_SECRET_KEY": "test-only-production-settings-key-0123456789-abcdefghij",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/fazhi",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "fazhi.example.gov.cn",
    "FAZHI_RECORD_SIGNING_KEY": "9yvbDVaAUwnpGm4YBhCpqHjXy0C9KwVDj1vVfyqjiTs=",  # test-only key
}


def _start(env_overrides: dict[str, str | None], code: str = "import django; django.setup()"):
    env = {k: v for k, v in os.environ.items() if k not in COMPLETE}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for key, value in {**COMPLETE, **env_overrides}.items():
        if value is not None:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_starts_when_every_secret_is_set():
    result = _start({})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(COMPLETE))
def test_production_refuses_to_start_when_a_secret_is_missing(missing):
    result = _start({missing: None})
    assert result.returncode != 0
    assert missing in result.stderr, result.stderr


def test_demo_accounts_are_refused_under_production_settings():
    result = _start(
        {},
        "import django; django.setup(); from django.core.management import call_command; call_command('demo')",
    )
    assert result.returncode != 0
    assert "FAZHI_DEMO_PASSWORD" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        pytest.param("k3y!s", id="five-characters"),
        pytest.param("aB3$" * 12 + "x", id="49-characters"),
        pytest.param("abcd" * 20, id="four-distinct-characters"),
        pytest.param("django-insecure-" + "0123456789abcdef" * 4, id="django-insecure-prefix"),
    ],
)
def test_production_refuses_to_start_when_the_secret_key_is_weak(weak_key):
    result = _start({"DJANGO_SECRET_KEY": weak_key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr, result.stderr
    assert "too weak" in result.stderr, result.stderr


def test_production_accepts_a_key_of_50_characters_with_5_distinct_ones_as_django_does():
    result = _start(
        {"DJANGO_SECRET_KEY": "abcde" * 10},
        "import django; django.setup(); "
        "from django.core.checks.security.base import check_secret_key; "
        "assert check_secret_key(None) == [], 'security.W009'",
    )
    assert result.returncode == 0, result.stderr
