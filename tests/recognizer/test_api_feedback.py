import uuid

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from collector.models import Drawing
from recognizer.models import Prediction
from tests.recognizer.builders import blank_url, digit_url, post_json, prediction
from tests.support.s3 import BUCKET

pytestmark = pytest.mark.django_db


def feedback_url(key) -> str:
    return f"/api/predictions/{key}/feedback"


def give(client, predicted: Prediction, headers=None, **body):
    return post_json(client, feedback_url(predicted.pk), {"image": digit_url("4"), **body}, headers=headers)


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def assert_nothing_written(predicted: Prediction) -> None:
    predicted.refresh_from_db()
    assert (predicted.feedback_at, predicted.feedback_correct, predicted.drawing) == (None, None, None)
    assert not Drawing.objects.exists()


def test_wrong_prediction_with_label_stores_a_pending_feedback_drawing(client):
    predicted = prediction(digit=9, confidence=0.8)
    response = give(client, predicted, correct=False, label=4)
    assert response.status_code == 201
    drawing = Drawing.objects.get(pk=response.json()["drawing_id"])
    assert (drawing.label, drawing.source, drawing.status) == (4, "feedback", "pending")
    assert (drawing.predicted_label, drawing.prediction_confidence, drawing.model_version) == (9, 0.8, predicted.model_version.tag)
    predicted.refresh_from_db()
    assert (predicted.feedback_correct, predicted.feedback_label, predicted.drawing) == (False, 4, drawing)
    assert predicted.feedback_at is not None


def test_stored_feedback_image_is_a_server_encoded_png(client):
    response = give(client, prediction(digit=9), correct=False, label=4)
    with default_storage.open(Drawing.objects.get(pk=response.json()["drawing_id"]).image.name) as handle:
        image = Image.open(handle)
        assert (image.format, image.mode) == ("PNG", "L")


def test_right_prediction_is_stored_with_the_predicted_label(client):
    predicted = prediction(digit=7)
    response = give(client, predicted, correct=True)
    assert response.status_code == 201
    assert response.json() == {"drawing_id": Drawing.objects.get().pk, "label": 7, "status": "pending"}
    predicted.refresh_from_db()
    assert (predicted.feedback_correct, predicted.feedback_label) == (True, 7)


def test_right_prediction_may_repeat_its_label(client):
    assert give(client, prediction(digit=7), correct=True, label=7).status_code == 201


def test_right_prediction_with_another_label_is_a_conflict(client):
    predicted = prediction(digit=7)
    assert_error(give(client, predicted, correct=True, label=4), 400, "label_conflict")
    assert_nothing_written(predicted)


def test_wrong_prediction_without_label_is_400(client):
    predicted = prediction(digit=7)
    assert_error(give(client, predicted, correct=False), 400, "missing_label")
    assert_nothing_written(predicted)


def test_wrong_prediction_with_the_predicted_label_is_a_conflict(client):
    assert_error(give(client, prediction(digit=7), correct=False, label=7), 400, "label_conflict")


@pytest.mark.parametrize("label", [-1, 11, "7", "10", "ten", "Not-A-Digit", 3.0, 10.0, 7.5, True, False, None, [4]])
def test_label_that_is_not_a_label_is_400(client, label):
    predicted = prediction(digit=9)
    response = give(client, predicted, correct=False, label=label)
    assert_error(response, 400, "invalid_label")
    assert '10 or "not-a-digit"' in response.json()["error"]["message"]
    assert_nothing_written(predicted)


def test_a_null_label_is_refused_even_when_the_prediction_was_right(client):
    predicted = prediction(digit=7)
    assert_error(give(client, predicted, correct=True, label=None), 400, "invalid_label")
    assert_nothing_written(predicted)


@pytest.mark.parametrize("label", [10, "not-a-digit"])
def test_no_it_was_not_a_digit_stores_a_pending_drawing_labeled_10(client, label):
    predicted = prediction(digit=8, confidence=0.6, accepted=True, not_a_digit=0.3)
    response = give(client, predicted, correct=False, label=label, strokes=[[[1, 2], [3, 4], [0, 16]]])
    assert response.status_code == 201
    assert response.json() == {"drawing_id": Drawing.objects.get().pk, "label": 10, "status": "pending"}
    drawing = Drawing.objects.get()
    assert (drawing.label, drawing.source, drawing.status, drawing.strokes) == (10, "feedback", "pending", [[[1, 2], [3, 4], [0, 16]]])
    assert (drawing.predicted_label, drawing.prediction_confidence) == (8, 0.6)
    predicted.refresh_from_db()
    assert (predicted.feedback_correct, predicted.feedback_label, predicted.drawing) == (False, 10, drawing)


def test_a_drawing_the_model_called_no_digit_records_that_opinion(client):
    predicted = prediction(digit=3, confidence=0.01, accepted=False, not_a_digit=0.97)
    response = give(client, predicted, correct=False, label="not-a-digit")
    drawing = Drawing.objects.get(pk=response.json()["drawing_id"])
    assert (drawing.label, drawing.predicted_label, drawing.prediction_confidence) == (10, 10, 0.97)
    assert not drawing.disagrees


def test_a_prediction_logged_without_not_a_digit_records_its_digit(client):
    predicted = prediction(digit=3, confidence=0.2, accepted=False)
    response = give(client, predicted, correct=False, label=10)
    assert Drawing.objects.get(pk=response.json()["drawing_id"]).predicted_label == 3


def test_right_with_the_label_not_a_digit_is_a_conflict(client):
    predicted = prediction(digit=7)
    assert_error(give(client, predicted, correct=True, label="not-a-digit"), 400, "label_conflict")
    assert_nothing_written(predicted)


@pytest.mark.parametrize("body", [{}, {"correct": "yes"}, {"correct": 1}, {"correct": None}])
def test_correct_that_is_not_a_boolean_is_400(client, body):
    assert_error(give(client, prediction(), **body), 400, "invalid_correct")


def test_second_feedback_for_a_prediction_is_409(client):
    predicted = prediction(digit=9)
    assert give(client, predicted, correct=False, label=4).status_code == 201
    assert_error(give(client, predicted, correct=True), 409, "feedback_exists")
    assert Drawing.objects.count() == 1
    predicted.refresh_from_db()
    assert predicted.feedback_label == 4


def test_unknown_prediction_is_404(client):
    assert_error(post_json(client, feedback_url(uuid.uuid4()), {"correct": True, "image": digit_url()}), 404, "prediction_not_found")


def test_prediction_id_that_is_not_a_uuid_is_404(client):
    assert_error(post_json(client, feedback_url("not-a-uuid"), {"correct": True, "image": digit_url()}), 404, "prediction_not_found")


def test_missing_image_is_400(client):
    predicted = prediction()
    assert_error(post_json(client, feedback_url(predicted.pk), {"correct": True}), 400, "missing_image")
    assert_nothing_written(predicted)


def test_blank_image_is_422_and_stores_nothing(client):
    predicted = prediction()
    assert_error(give(client, predicted, correct=True, image=blank_url()), 422, "blank")
    assert_nothing_written(predicted)


def test_undecodable_image_is_400(client):
    assert_error(give(client, prediction(), correct=True, image="data:image/png;base64,%%%"), 400, "undecodable_image")


def test_malformed_json_is_400(client):
    assert_error(post_json(client, feedback_url(prediction().pk), '{"correct": tru'), 400, "malformed_json")


def test_multipart_body_is_415(client):
    assert_error(client.post(feedback_url(prediction().pk), {"correct": "true", "image": digit_url()}), 415, "unsupported_media_type")


def test_get_is_405(client):
    assert_error(client.get(feedback_url(prediction().pk)), 405, "method_not_allowed")


def test_browser_session_without_csrf_token_is_refused():
    predicted = prediction(digit=9)
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    response = give(browser, predicted, correct=False, label=4)
    assert response.status_code == 403
    assert_nothing_written(predicted)


def test_browser_session_with_csrf_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/")
    token = browser.cookies["csrftoken"].value
    assert give(browser, prediction(digit=9), correct=False, label=4, headers={"X-CSRFToken": token}).status_code == 201


def test_storage_down_is_503_and_writes_nothing(client, monkeypatch):
    predicted = prediction(digit=9)

    def refuse(*args, **kwargs):
        raise OSError("disk unavailable")

    monkeypatch.setattr(default_storage, "save", refuse)
    response = give(client, predicted, correct=False, label=4)
    assert_error(response, 503, "storage_unavailable")
    assert response["Retry-After"]
    assert_nothing_written(predicted)


def test_feedback_succeeds_once_storage_is_back(client, monkeypatch):
    predicted = prediction(digit=9)
    with monkeypatch.context() as patch:
        patch.setattr(default_storage, "save", lambda *args, **kwargs: (_ for _ in ()).throw(OSError("down")))
        assert give(client, predicted, correct=False, label=4).status_code == 503
    assert give(client, predicted, correct=False, label=4).status_code == 201


def test_database_error_on_the_drawing_row_leaves_no_object_and_no_claim(client, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    predicted = prediction(digit=9)

    def refuse(*args, **kwargs):
        raise RuntimeError("insert failed")

    monkeypatch.setattr(Drawing.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        give(client, predicted, correct=False, label=4)
    assert_nothing_written(predicted)
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


@pytest.mark.s3
def test_feedback_drawing_is_stored_in_s3(client, s3_storage):
    response = give(client, prediction(digit=9), correct=False, label=4)
    assert response.status_code == 201
    key = Drawing.objects.get().image.name
    head = s3_storage.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "image/png"


@pytest.mark.s3
def test_s3_down_is_503_and_writes_nothing(client, s3_storage, s3_server):
    predicted = prediction(digit=9)
    s3_server.stop()
    assert_error(give(client, predicted, correct=False, label=4), 503, "storage_unavailable")
    assert_nothing_written(predicted)


STROKES = [[[10, 200, 120], [20, 20, 260], [0, 180, 420]]]


def test_strokes_sent_with_feedback_are_kept_with_the_drawing(client):
    predicted = prediction(digit=9)
    response = give(client, predicted, correct=False, label=7, strokes=STROKES)
    assert response.status_code == 201
    assert Drawing.objects.get(pk=response.json()["drawing_id"]).strokes == STROKES


def test_feedback_without_strokes_stores_none(client):
    response = give(client, prediction(digit=9), correct=False, label=4)
    assert Drawing.objects.get(pk=response.json()["drawing_id"]).strokes is None


@pytest.mark.parametrize("strokes", ["1,2,3", [[1, 2, 3]], [[[1, 2], [3], [0, 5]]], [[["a"], [1], [0]]], [[[1e12], [1], [0]]]])
def test_malformed_strokes_are_400_and_write_nothing(client, strokes):
    predicted = prediction(digit=9)
    assert_error(give(client, predicted, correct=False, label=4, strokes=strokes), 400, "invalid_strokes")
    assert_nothing_written(predicted)


def test_too_many_stroke_points_are_413_and_write_nothing(client):
    from collector.constants import MAX_STROKE_POINTS

    predicted = prediction(digit=9)
    points = list(range(MAX_STROKE_POINTS + 1))
    assert_error(give(client, predicted, correct=False, label=4, strokes=[[points, points, points]]), 413, "strokes_too_large")
    assert_nothing_written(predicted)
