import pytest
from django.utils import timezone

from collector.models import Drawing
from ml.decode import to_grayscale
from recognizer import feedback
from recognizer.errors import FeedbackAlreadyGiven
from recognizer.models import Prediction
from tests.recognizer.builders import digit_url, prediction

pytestmark = pytest.mark.django_db


def test_an_answer_that_lands_while_this_one_is_checked_wins_and_nothing_is_stored(monkeypatch):
    predicted = prediction(digit=9)

    def decode_while_another_answer_lands(image):
        Prediction.objects.filter(pk=predicted.pk).update(feedback_correct=True, feedback_label=9, feedback_at=timezone.now())
        return to_grayscale(image)

    monkeypatch.setattr(feedback, "to_grayscale", decode_while_another_answer_lands)
    with pytest.raises(FeedbackAlreadyGiven):
        feedback.feedback_create(prediction_id=predicted.pk, correct=False, label=4, image=digit_url("4"))
    predicted.refresh_from_db()
    assert (predicted.feedback_label, predicted.drawing) == (9, None)
    assert not Drawing.objects.exists()
