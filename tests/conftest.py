"""Fixtures shared by the whole suite: isolated media, a live S3-protocol server, a browser."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be
# usable from the test body.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.support.s3", "tests.support.browser"]

RESULTS_DIR = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(scope="session", autouse=True)
def isolated_media(tmp_path_factory):
    """Every file the suite writes lands in a temporary folder, never in ./media."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_active_model():
    """Each test sees the active model version of its own database state."""
    from recognizer.serving import active_model

    active_model.reset()
    yield
    active_model.reset()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and other cached state never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR
