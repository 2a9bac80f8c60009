import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789", "ALLOWED_HOSTS": "digits.example.org"}


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_HOSTS", "DATABASE_URL"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DJANGO_DEBUG="false", ALLOWED_HOSTS="digits.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_passes_deploy_checks_at_warning_level():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def settings_in_fresh_process(expression: str, **env_overrides) -> subprocess.CompletedProcess:
    """Print `expression` (with `settings` imported) from a new process set up with this environment."""
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RATE_LIMIT_"))}
    env.update(DJANGO_SETTINGS_MODULE="digitsite.settings", **env_overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_s3_bucket_switches_default_storage_to_s3():
    expression = "settings.STORAGES['default']['BACKEND'], settings.STORAGES['default']['OPTIONS']['endpoint_url']"
    result = settings_in_fresh_process(expression, AWS_STORAGE_BUCKET_NAME="media", AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "http://127.0.0.1:9000"], result.stderr


def test_database_url_selects_postgresql():
    expression = "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']"
    result = settings_in_fresh_process(expression, DATABASE_URL="postgres://app@db.internal:5432/digits")
    assert result.stdout.split() == ["django.db.backends.postgresql", "digits"], result.stderr


def _postgres_options(database_url: str) -> str:
    result = settings_in_fresh_process("settings.DATABASES['default'].get('OPTIONS', {}).get('options')", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_turn_jit_off_unless_the_url_sets_options():
    assert _postgres_options("postgres://app@db.internal:5432/digits") == "-c jit=off"
    assert _postgres_options("postgres://app@db.internal:5432/digits?options=-c%20work_mem%3D64MB") == "-c work_mem=64MB"


@pytest.mark.django_db
def test_the_live_database_connection_has_jit_off_on_postgresql():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    else:
        assert "options" not in connection.settings_dict.get("OPTIONS", {})


def test_the_default_predict_limit_lets_one_person_draw_without_a_pause():
    from digitsite.ratelimit import parse_limit
    from recognizer.constants import LIVE_PREDICTION_INTERVAL_MS

    result = settings_in_fresh_process("settings.RATE_LIMITS['predict']")
    limit = parse_limit(result.stdout.strip())
    # The page's live predictions alone, while the pen moves for the whole window; pen-ups add a few.
    live_requests = limit.seconds * 1000 / LIVE_PREDICTION_INTERVAL_MS
    assert limit.requests >= 1.4 * live_requests, result.stderr
