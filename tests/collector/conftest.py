import pytest


@pytest.fixture(autouse=True)
def fake_predictor(settings):
    """Submissions get a fixed prediction: these tests are about storing, not recognizing."""
    settings.DRAWING_PREDICTOR = "tests.collector.builders.predict_seven"


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Each test starts with an empty local media folder, so stored objects can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
