"""The per-worker active model: first loads under concurrency, failures, and hot reload.

Hot reload across processes: activating a version here makes another server switch to it. The other process is `manage.py runserver` on loopback, sharing this process's database and
media folder. On PostgreSQL both use the test database (the test commits, so the server sees
its writes). SQLite's test database lives in this process's memory, where no other process
can open it, so there both use a fresh SQLite file, migrated here.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.db import connections
from django.db.utils import load_backend

from ml.errors import ArtifactError
from recognizer import artifacts, services
from recognizer.errors import ModelUnavailable
from recognizer.serving import active_model
from tests.recognizer.builders import active_version, copy_of_bundled, digit_url

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Reading and validating a new version's artifact, after the check notices the change.
LOAD_ALLOWANCE_SECONDS = 1.5
STARTUP_SECONDS = 60


def test_threads_arriving_during_the_first_load_wait_for_it(monkeypatch):
    active_version()
    loading, release = threading.Event(), threading.Event()
    real_load = artifacts.load_predictor

    def slow_load(version):
        loading.set()
        release.wait(10)
        return real_load(version)

    monkeypatch.setattr(artifacts, "load_predictor", slow_load)
    first = threading.Thread(target=active_model.get)
    first.start()
    loading.wait(10)
    threading.Timer(0.2, release.set).start()
    assert active_model.get().tag == active_version().tag
    first.join(10)


def test_a_failed_first_load_is_retried_at_the_next_check(monkeypatch, settings):
    settings.MODEL_CHECK_SECONDS = 0
    real_load, calls = artifacts.load_predictor, []

    def flaky_load(version):
        calls.append(version.tag)
        if len(calls) == 1:
            raise ArtifactError("storage hiccup")
        return real_load(version)

    monkeypatch.setattr(artifacts, "load_predictor", flaky_load)
    with pytest.raises(ModelUnavailable):
        active_model.get()
    assert active_model.get().tag == active_version().tag


def test_a_version_that_fails_to_load_leaves_the_previous_one_serving(monkeypatch, settings):
    settings.MODEL_CHECK_SECONDS = 0
    before = active_model.get().tag
    broken = copy_of_bundled("unloadable")
    services.version_activate(version=broken)
    monkeypatch.setattr(artifacts, "load_predictor", lambda version: (_ for _ in ()).throw(ArtifactError("corrupt")))
    assert active_model.get().tag == before


def test_bundled_model_that_cannot_be_registered_means_503_not_a_crash(monkeypatch):
    active_version().delete()
    monkeypatch.setattr(services, "ensure_bundled_version", lambda: (_ for _ in ()).throw(OSError("storage down")))
    with pytest.raises(ModelUnavailable):
        active_model.get()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_other_process_serves_a_newly_activated_version_within_the_check_delay(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with shared_database(tmp_path) as database_url:
        first = services.version_activate(version=copy_of_bundled("first"))
        with other_server(database_url, settings.MEDIA_ROOT, settings.MODEL_CHECK_SECONDS, tmp_path / "server.log") as url:
            assert wait_for_version(url, first.tag, timeout=STARTUP_SECONDS), server_log(tmp_path)
            second = services.version_activate(version=copy_of_bundled("second"), note="hot reload test")
            delay = settings.MODEL_CHECK_SECONDS + LOAD_ALLOWANCE_SECONDS
            assert wait_for_version(url, second.tag, timeout=delay), f"still serving {first.tag} {delay:.1f} s after activation\n{server_log(tmp_path)}"


def server_log(tmp_path) -> str:
    return (tmp_path / "server.log").read_text()[-3000:]


@contextlib.contextmanager
def shared_database(tmp_path):
    """A database another process can open, as the default connection; yields its URL."""
    default = connections["default"]
    if default.vendor == "postgresql":
        yield _postgres_url(default.settings_dict)
        return
    database = {**default.settings_dict, "NAME": str(tmp_path / "shared.sqlite3")}
    shared = load_backend(database["ENGINE"]).DatabaseWrapper(database, "default")
    connections["default"] = shared
    try:
        call_command("migrate", verbosity=0)
        yield f"sqlite:///{database['NAME']}"
    finally:
        shared.close()
        connections["default"] = default


def _postgres_url(database: dict) -> str:
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@contextlib.contextmanager
def other_server(database_url: str, media_root: Path, check_seconds: float, log: Path):
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "MODEL_CHECK_SECONDS": str(check_seconds),
        "AWS_STORAGE_BUCKET_NAME": "",
    }
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_for_version(url: str, tag: str, *, timeout: float) -> bool:
    """Ask the server to predict until it answers with `tag`; False if it never did in time."""
    deadline = time.monotonic() + timeout
    image = digit_url("7")
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.ConnectionError):
            response = requests.post(f"{url}/api/predict", json={"image": image}, timeout=5)
            if response.ok and response.json()["model_version"] == tag:
                return True
        time.sleep(0.05)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
