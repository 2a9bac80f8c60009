import pytest

from recognizer.serving import active_model
from tests.hostile.endpoints import DRAWINGS, PREDICT, feedback_url, send
from tests.hostile.inputs import digit_png
from tests.ml.drawings import data_url
from tests.recognizer.builders import prediction


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Each test starts without drawings in its local media folder, so stored objects can be
    counted; the model artifacts registered when the test database was made stay reachable."""
    shared = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "models").symlink_to(shared / "models", target_is_directory=True)
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.RATE_LIMITS = {scope: "off" for scope in settings.RATE_LIMITS}


@pytest.fixture
def warm(db, client, prediction_id):
    """The model loaded and each endpoint called, so timings measure the request alone, not
    the process's one-time imports and caches."""
    active_model.get()
    send(client, PREDICT, {"image": data_url(digit_png())})
    for url in (PREDICT, DRAWINGS, feedback_url(prediction_id)):
        send(client, url, {"image": data_url(b"<svg/>"), "label": 7, "correct": False})


@pytest.fixture
def prediction_id(db):
    return prediction(digit=7).pk


def pytest_terminal_summary(terminalreporter):
    from tests.hostile.checks import slowest

    if slowest:
        terminalreporter.write_line("slowest hostile-input answers (CPU ms / wall ms):")
        for cpu, wall, case in sorted(slowest, reverse=True)[:5]:
            terminalreporter.write_line(f"  {cpu * 1000:6.1f} / {wall * 1000:6.1f}  {case}")
