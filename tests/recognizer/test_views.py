import json
import re

import pytest

from recognizer.constants import LIVE_PREDICTION_INTERVAL_MS

pytestmark = pytest.mark.django_db


def test_home_page_has_one_canvas_and_an_empty_prediction(client):
    html = client.get("/").content.decode()
    assert html.count("<canvas") == 1
    assert re.search(r'<div class="predicted-digit" data-testid="prediction"></div>', html)


def test_home_page_hands_urls_and_timings_to_its_script(client):
    response = client.get("/")
    config = json.loads(re.search(r'<script id="draw-config" type="application/json">(.*?)</script>', response.content.decode()).group(1))
    assert config["predictUrl"] == "/api/predict"
    assert config["feedbackUrl"].replace(config["predictionIdPlaceholder"], "abc") == "/api/predictions/abc/feedback"
    assert config["livePredictionIntervalMs"] == LIVE_PREDICTION_INTERVAL_MS


def test_home_page_sets_the_csrf_cookie_for_feedback(client):
    response = client.get("/")
    assert "csrftoken" in response.cookies
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_home_page_says_when_drawings_are_kept(client):
    assert "kept as training data only if you answer" in client.get("/").content.decode()
