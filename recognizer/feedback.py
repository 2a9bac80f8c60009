"""Feedback on a prediction: the visitor says whether it was right and lets us keep the drawing.

The client re-sends the image with the feedback, so nothing of a drawing exists on the server
before its author agrees to keep it (the prediction log holds no image).
"""

import uuid

from django.db import transaction
from django.utils import timezone

from collector.models import Drawing
from collector.services import SubmittedPrediction, drawing_create
from ml.decode import to_grayscale
from ml.preprocess import preprocess
from recognizer.errors import FeedbackAlreadyGiven, LabelConflict, LabelMissing, PredictionNotFound
from recognizer.models import Prediction

_ALREADY_GIVEN = "This prediction already has feedback; each prediction takes one answer."


def feedback_create(*, prediction_id: uuid.UUID, correct: bool, label: int | None, image, strokes: list | None = None) -> Drawing:
    """Store the drawing (and its strokes, if sent) as a pending, labeled "feedback" Drawing linked to its prediction.

    `correct` is about the predicted digit: "it was not a digit" is `correct=False` with
    `label=NOT_A_DIGIT`, whatever the answer's `accepted` said.

    Raises a `FeedbackError` (unknown prediction, feedback already given, missing or
    contradictory label), `ml.errors.InputError` for an unusable image and
    `collector.errors.StorageUnavailable`; on any error nothing is written.
    """
    prediction = Prediction.objects.select_related("model_version").filter(pk=prediction_id).first()
    if prediction is None:
        raise PredictionNotFound(f"There is no prediction {prediction_id}; predict first, then send feedback.")
    if prediction.feedback_at is not None:
        raise FeedbackAlreadyGiven(_ALREADY_GIVEN)
    true_label = _true_label(prediction, correct=correct, label=label)
    gray = to_grayscale(image)
    preprocess(gray)  # A blank image is refused before anything is stored.
    with transaction.atomic():
        # Claiming the row first makes a concurrent second answer wait, then find it taken.
        claimed = Prediction.objects.filter(pk=prediction.pk, feedback_at__isnull=True).update(
            feedback_correct=correct, feedback_label=true_label, feedback_at=timezone.now()
        )
        if not claimed:
            raise FeedbackAlreadyGiven(_ALREADY_GIVEN)
        drawing = drawing_create(
            image=gray,
            label=true_label,
            strokes=strokes,
            source=Drawing.Source.FEEDBACK,
            status=Drawing.Status.PENDING,
            prediction=SubmittedPrediction.of(
                digit=prediction.digit, confidence=prediction.confidence, not_a_digit=prediction.not_a_digit, model_version=prediction.model_version.tag
            ),
        )
        Prediction.objects.filter(pk=prediction.pk).update(drawing=drawing)
    return drawing


def _true_label(prediction: Prediction, *, correct: bool, label: int | None) -> int:
    if correct:
        if label is not None and label != prediction.digit:
            raise LabelConflict(f"\"correct\" is true, so the label is the predicted {prediction.digit}, not {label}.")
        return prediction.digit
    if label is None:
        raise LabelMissing("When the prediction is wrong, send what was drawn as \"label\": a digit 0-9, or \"not-a-digit\".")
    if label == prediction.digit:
        raise LabelConflict(f"\"correct\" is false, so the label cannot be the predicted {prediction.digit}.")
    return label
