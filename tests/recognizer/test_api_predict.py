import base64
import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from PIL import Image

import numpy as np

from ml import constants
from ml.inference import Predictor
from ml.errors import ArtifactError
from recognizer.models import Prediction
from recognizer.serving import active_model
from tests.recognizer.builders import active_version, blank_url, canvas_png, digit_url, post_json

pytestmark = pytest.mark.django_db
URL = "/api/predict"


def assert_prediction_body(body: dict) -> None:
    assert set(body) == {"digit", "confidence", "probabilities", "top", "accepted", "not_a_digit", "model_version", "input_image", "prediction_id"}
    assert 0 <= body["not_a_digit"] <= 1 and body["confidence"] + body["not_a_digit"] <= 1 + 1e-6
    assert body["digit"] in range(10)
    assert len(body["probabilities"]) == 10 and math.isclose(sum(body["probabilities"]), 1.0, abs_tol=1e-4)
    assert [t["digit"] for t in body["top"]][0] == body["digit"] and len(body["top"]) == 3
    assert isinstance(body["accepted"], bool)
    assert body["model_version"] == active_version().tag
    assert body["input_image"].startswith("data:image/png;base64,")


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"].endswith(".")


def test_json_data_url_gets_a_prediction(client):
    response = post_json(client, URL, {"image": digit_url("7")})
    assert response.status_code == 200
    assert_prediction_body(response.json())


def test_json_bare_base64_gets_a_prediction(client):
    response = post_json(client, URL, {"image": base64.b64encode(canvas_png("1")).decode()})
    assert response.status_code == 200
    assert_prediction_body(response.json())


def test_multipart_file_gets_a_prediction(client):
    response = client.post(URL, {"image": SimpleUploadedFile("seven.png", canvas_png("7"), content_type="image/png")})
    assert response.status_code == 200
    assert_prediction_body(response.json())


def test_json_pixels_get_a_prediction(client):
    pixels = [255 if 8 <= i % 28 <= 11 and 4 <= i // 28 <= 23 else 0 for i in range(784)]
    response = post_json(client, URL, {"pixels": pixels})
    assert response.status_code == 200
    assert_prediction_body(response.json())


def test_input_image_is_the_28x28_model_input(client):
    body = post_json(client, URL, {"image": digit_url("7")}).json()
    png = base64.b64decode(body["input_image"].partition(",")[2])
    image = Image.open(io.BytesIO(png))
    assert image.size == (constants.IMAGE_SIDE, constants.IMAGE_SIDE) and image.mode == "L"
    assert image.getextrema() == (0, 255)


def test_each_prediction_is_logged_without_the_image(client):
    body = post_json(client, URL, {"image": digit_url("7")}).json()
    row = Prediction.objects.get(pk=body["prediction_id"])
    assert (row.digit, row.accepted, row.model_version.tag) == (body["digit"], body["accepted"], body["model_version"])
    assert math.isclose(row.confidence, body["confidence"]) and math.isclose(row.not_a_digit, body["not_a_digit"])
    assert row.drawing is None and row.feedback_at is None


def test_prediction_needs_no_csrf_token(client):
    response = post_json(Client(enforce_csrf_checks=True), URL, {"image": digit_url("1")})
    assert response.status_code == 200


def test_blank_canvas_is_422_blank(client):
    assert_error(post_json(client, URL, {"image": blank_url()}), 422, "blank")


def test_bad_base64_is_400(client):
    assert_error(post_json(client, URL, {"image": "data:image/png;base64,%%%not-base64"}), 400, "undecodable_image")


def test_truncated_png_is_400(client):
    truncated = base64.b64encode(canvas_png("7")[:200]).decode()
    assert_error(post_json(client, URL, {"image": truncated}), 400, "undecodable_image")


def test_svg_labelled_as_png_is_415(client):
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'><text>7</text></svg>").decode()
    assert_error(post_json(client, URL, {"image": f"data:image/png;base64,{svg}"}), 415, "unsupported_media_type")


def test_text_upload_is_415(client):
    upload = SimpleUploadedFile("seven.png", b"just text", content_type="image/png")
    assert_error(client.post(URL, {"image": upload}), 415, "unsupported_media_type")


def test_wrong_content_type_is_415(client):
    assert_error(client.post(URL, "image=abc", content_type="text/plain"), 415, "unsupported_media_type")


def test_malformed_json_is_400(client):
    assert_error(post_json(client, URL, '{"image": '), 400, "malformed_json")


def test_json_that_is_not_an_object_is_400(client):
    assert_error(post_json(client, URL, [1, 2, 3]), 400, "invalid_json")


def test_missing_image_is_400(client):
    assert_error(post_json(client, URL, {"picture": digit_url()}), 400, "missing_image")


def test_image_of_wrong_type_is_400(client):
    assert_error(post_json(client, URL, {"image": 7}), 400, "invalid_image")


@pytest.mark.parametrize("pixels", [[0] * 783, [0] * 783 + [256], [0] * 783 + [-1], [0] * 783 + ["7"], "0" * 784])
def test_bad_pixels_are_400(client, pixels):
    assert_error(post_json(client, URL, {"pixels": pixels}), 400, "invalid_pixels")


def test_nan_pixels_are_400(client):
    body = '{"pixels": [' + ",".join(["0"] * 783 + ["NaN"]) + "]}"
    assert_error(post_json(client, URL, body), 400, "invalid_pixels")


def test_oversized_image_string_is_413(client):
    huge = "A" * (constants.MAX_IMAGE_BYTES * 4 // 3 + 200)
    assert_error(post_json(client, URL, {"image": huge}), 413, "image_too_large")


def test_image_over_the_pixel_limit_is_413(client):
    buffer = io.BytesIO()
    Image.new("L", (5000, 5000), 255).save(buffer, format="PNG")
    assert_error(post_json(client, URL, {"image": base64.b64encode(buffer.getvalue()).decode()}), 413, "image_too_large")


def test_body_over_the_upload_limit_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert_error(post_json(client, URL, {"image": digit_url("7")}), 413, "body_too_large")


def test_get_is_405_with_allow_header(client):
    response = client.get(URL)
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_no_loadable_model_is_503(client, monkeypatch):
    version = active_version()
    monkeypatch.setattr("recognizer.artifacts.read_bytes", _missing_artifact)
    response = post_json(client, URL, {"image": digit_url("7")})
    assert_error(response, 503, "model_unavailable")
    assert response["Retry-After"]
    assert not Prediction.objects.filter(model_version=version).exists()


def test_database_down_while_logging_is_503(client, monkeypatch):
    active_model.get()

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("recognizer.predicting._log", refuse)
    assert_error(post_json(client, URL, {"image": digit_url("7")}), 503, "database_unavailable")


def _missing_artifact(key):
    raise ArtifactError(f"{key} is missing from storage.")


def not_a_digit_by(lead: float):
    """Scaled logits where "not a digit" beats the best digit (an 8, then a 3) by `lead` nats."""

    def scaled_logits(self, batch):
        logits = np.zeros((len(batch), constants.NUM_CLASSES), np.float32)
        logits[:, 8], logits[:, 3], logits[:, constants.NOT_A_DIGIT] = 2.0, 1.0, 2.0 + lead
        return logits

    return scaled_logits


@pytest.mark.parametrize("lead", [45.0, 120.0])
def test_when_not_a_digit_takes_nearly_everything_the_ten_probabilities_still_sum_to_1(client, monkeypatch, lead):
    monkeypatch.setattr(Predictor, "scaled_logits", not_a_digit_by(lead))
    body = post_json(client, URL, {"image": digit_url("7")}).json()
    assert_prediction_body(body)
    assert math.isclose(sum(body["probabilities"]), 1.0, abs_tol=1e-9)
    assert body["digit"] == 8 and body["top"][0] == {"digit": 8, "probability": body["probabilities"][8]}
    assert [t["digit"] for t in body["top"]][:2] == [8, 3]
    assert body["probabilities"][8] == pytest.approx(np.exp(2) / (np.exp(2) + np.exp(1) + 8), rel=1e-6)  # Eight digits at logit 0.
    assert body["not_a_digit"] == pytest.approx(1.0) and body["confidence"] < 1e-15 and body["accepted"] is False
    assert Prediction.objects.get(pk=body["prediction_id"]).not_a_digit == pytest.approx(1.0)
