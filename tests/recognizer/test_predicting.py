import io

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image

from collector.services import SubmittedPrediction, drawing_submit
from ml.constants import NOT_A_DIGIT, NUM_CLASSES
from ml.errors import ArtifactError, BlankImage
from ml.inference import Predictor
from ml.preprocess import preprocess
from recognizer.models import Prediction
from recognizer.predicting import gray_png, predict_submission, prediction_create
from tests.recognizer.builders import active_version, blank_url, digit_url

pytestmark = pytest.mark.django_db


def test_prediction_create_logs_the_answer_of_the_active_version():
    result = prediction_create(source=digit_url("7"))
    row = Prediction.objects.get(pk=result.id)
    assert row.model_version == active_version()
    assert (row.digit, row.accepted) == (result.answer.digit, result.answer.accepted)
    assert row.confidence == pytest.approx(result.answer.confidence)
    assert row.not_a_digit == pytest.approx(result.answer.not_a_digit)
    assert abs((timezone.now() - row.created).total_seconds()) < 60
    assert (row.feedback_correct, row.feedback_label, row.drawing) == (None, None, None)


@pytest.mark.django_db(transaction=True)
def test_a_prediction_logged_outside_any_transaction_is_complete_and_leaves_the_session_alone():
    # As in a request: no transaction around the log write (PostgreSQL: the one-statement path).
    assert not connection.in_atomic_block
    result = prediction_create(source=digit_url("7"))
    row = Prediction.objects.get(pk=result.id)
    assert (row.model_version, row.digit, row.accepted) == (active_version(), result.answer.digit, result.answer.accepted)
    assert row.confidence == pytest.approx(result.answer.confidence)
    assert row.not_a_digit == pytest.approx(result.answer.not_a_digit)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # Turned off for the log row's own transaction only.


def test_prediction_create_refuses_a_blank_drawing_without_logging():
    with pytest.raises(BlankImage):
        prediction_create(source=blank_url())
    assert not Prediction.objects.exists()


def test_predict_submission_gives_the_collector_a_prediction():
    prediction = predict_submission(preprocess(digit_url("7")))
    assert isinstance(prediction, SubmittedPrediction)
    assert prediction.digit == 7 and 0 <= prediction.confidence <= 1
    assert prediction.model_version == active_version().tag


def test_predict_submission_records_not_a_digit_when_it_beats_every_digit(monkeypatch):
    def not_a_digit(self, batch):
        logits = np.zeros((len(batch), NUM_CLASSES), np.float32)
        logits[:, NOT_A_DIGIT] = 6.0
        return logits

    monkeypatch.setattr(Predictor, "scaled_logits", not_a_digit)
    prediction = predict_submission(preprocess(digit_url("7")))
    assert prediction.digit == NOT_A_DIGIT
    assert prediction.confidence == pytest.approx(np.exp(6) / (np.exp(6) + 10))


def test_predict_submission_logs_no_prediction_row():
    predict_submission(preprocess(digit_url("7")))
    assert not Prediction.objects.exists()


def test_predict_submission_is_none_without_a_loadable_model(monkeypatch):
    def missing(key):
        raise ArtifactError(f"{key} is missing from storage.")

    monkeypatch.setattr("recognizer.artifacts.read_bytes", missing)
    assert predict_submission(preprocess(digit_url("7"))) is None


def test_a_submitted_drawing_is_preprocessed_once(monkeypatch):
    calls = []
    monkeypatch.setattr("collector.services.preprocess", lambda image: calls.append(image) or preprocess(image))
    submission = drawing_submit(image=digit_url("7"), label=7, strokes=None)
    assert len(calls) == 1
    assert submission.drawing.predicted_label == 7


def test_collector_submissions_carry_the_recognizer_prediction(settings):
    assert import_string(settings.DRAWING_PREDICTOR) is predict_submission
    submission = drawing_submit(image=digit_url("7"), label=7, strokes=None)
    assert submission.drawing.model_version == active_version().tag
    assert submission.drawing.predicted_label in range(10)


def test_gray_png_round_trips_through_pillow():
    pixels = np.random.default_rng(3).integers(0, 256, (28, 47)).astype(np.uint8)  # More than the 512-byte window.
    data = gray_png(pixels)
    Image.open(io.BytesIO(data)).verify()  # Every chunk's CRC and the closing IEND.
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.mode, image.size) == ("PNG", "L", (47, 28))
    assert np.array_equal(np.asarray(image), pixels)
