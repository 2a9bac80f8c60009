"""A worker killed with SIGKILL between storing a drawing's object and inserting its row.

The client gets no 201, so it retries; the object left behind has no row, and
`cleanup_orphans` removes it: afterwards every row has its object and every object its row.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.hostile.inputs import digit_data_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
INVENTORY = (
    "import json; from collector.models import Drawing; from collector.orphans import stored_names; "
    "print(json.dumps({'rows': sorted(Drawing.objects.values_list('image', flat=True)), 'objects': sorted(stored_names())}))"
)


@pytest.fixture
def database_url(tmp_path):
    """A fresh database of the suite's kind for the separate processes: a file, or a scratch PostgreSQL database."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'site.sqlite3'}"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"digitsite_killed_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def site_env(tmp_path, database_url):
    """Environment for separate processes: their own media folder and database."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / "media"), "RATE_LIMIT_SUBMIT": "off", "DJANGO_SETTINGS_MODULE": "digitsite.settings"}
    manage(env, "migrate", "--no-input")
    return env


@pytest.fixture
def live_server_port() -> int:
    from tests.support.s3 import _free_port

    return _free_port()


def manage(env, *args) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def inventory(env) -> dict:
    """The drawing rows and stored objects, as seen by a fresh process (the shell's last line)."""
    return json.loads(manage(env, "shell", "-c", INVENTORY).strip().splitlines()[-1])


def start_server(env, port: int, signal_file: Path) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "tests.faults.slow_server", str(port), str(signal_file)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not start")


def submit_in_background(port: int) -> subprocess.Popen:
    """A browser's save (CSRF cookie + token), in its own process so the test can watch."""
    code = (
        "import json, sys, requests; s = requests.Session(); base = sys.argv[1]; s.get(base + '/collect/'); "
        "r = s.post(base + '/api/drawings', json={'image': sys.argv[2], 'label': 7}, headers={'X-CSRFToken': s.cookies['csrftoken']}, timeout=120); "
        "print(r.status_code)"
    )
    return subprocess.Popen([sys.executable, "-c", code, f"http://127.0.0.1:{port}", digit_data_url()], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_worker_leaves_only_an_orphan_that_cleanup_removes(site_env, live_server_port, tmp_path):
    signal_file = tmp_path / "uploaded"
    server = start_server(site_env, live_server_port, signal_file)
    client = submit_in_background(live_server_port)
    deadline = time.monotonic() + 60
    while not signal_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    _, errors = client.communicate(timeout=60)
    assert client.returncode != 0 and "ConnectionError" in errors  # No 201: the page retries the save.
    left = inventory(site_env)
    assert left == {"rows": [], "objects": [signal_file.read_text()]}
    manage(site_env, "cleanup_orphans", "--older-than", "0")
    assert inventory(site_env) == {"rows": [], "objects": []}
