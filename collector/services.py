"""Writes to the dataset. Every write of a drawing stores the object and the row, or neither."""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from collector import selectors
from collector.errors import StorageUnavailable
from collector.images import encode_png
from collector.labels import LABELS
from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from ml.decode import to_grayscale
from ml.preprocess import preprocess

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmittedPrediction:
    """What the model said about a drawing when it was submitted: its most likely class.

    `digit` is a digit 0-9, or NOT_A_DIGIT (10) when the model found "not a digit" more
    likely than any digit; `confidence` is that class's probability among all 11.
    """

    digit: int
    confidence: float
    model_version: str

    @classmethod
    def of(cls, *, digit: int, confidence: float, not_a_digit: float | None, model_version: str) -> "SubmittedPrediction":
        """The model's opinion from an answer's top digit, its confidence and the "not a digit"
        probability (None for answers logged before it was recorded: the digit stands).

        A drawing the model rejects because "not a digit" wins is recorded as 10, so the review
        queue shows a labeled digit the model calls no digit (and the reverse) as a
        disagreement; one rejected only for a low confidence keeps its top digit.
        """
        if not_a_digit is not None and not_a_digit > confidence:
            return cls(digit=NOT_A_DIGIT, confidence=not_a_digit, model_version=model_version)
        return cls(digit=digit, confidence=confidence, model_version=model_version)


@dataclass(frozen=True)
class Submission:
    drawing: Drawing
    duplicate: bool  # Another drawing already has the same image; this one is stored all the same.


def drawing_create(
    *,
    image,
    label: int,
    source: str,
    strokes: list | None = None,
    status: str = Drawing.Status.PENDING,
    contributor=None,
    contributor_key: str = "",
    prediction: SubmittedPrediction | None = None,
) -> Drawing:
    """Store a labeled drawing: upload a server-encoded PNG, then insert the row.

    `image` is anything `ml.decode.to_grayscale` accepts (raises `ml.errors.InputError`).
    If the upload fails, raises `StorageUnavailable` and nothing is written; if the row
    fails, the uploaded object is deleted before the error propagates.
    """
    stored = encode_png(image)
    key = _store(stored.png)
    try:
        with transaction.atomic():
            drawing = Drawing.objects.create(
                image=key,
                label=label,
                strokes=strokes,
                source=source,
                status=status,
                contributor=contributor if contributor is not None and contributor.is_authenticated else None,
                contributor_key=contributor_key,
                width=stored.width,
                height=stored.height,
                sha256=stored.sha256,
                predicted_label=prediction.digit if prediction else None,
                prediction_confidence=prediction.confidence if prediction else None,
                model_version=prediction.model_version if prediction else "",
            )
    except BaseException:
        _delete_quietly(key)
        raise
    selectors.count_new_drawing(drawing)
    return drawing


def _store(png: bytes) -> str:
    now = timezone.now()
    key = f"drawings/{now:%Y/%m/%d}/{uuid.uuid4().hex}.png"
    try:
        return default_storage.save(key, ContentFile(png, name=key))
    except Exception as exc:  # Each storage backend raises its own error types.
        logger.error("storing drawing image %s failed: %s", key, exc)
        raise StorageUnavailable("The image store is unavailable; please try again in a moment.") from exc


def _delete_quietly(key: str) -> None:
    try:
        default_storage.delete(key)
    except Exception as exc:  # The orphan is left for cleanup_orphans to find.
        logger.error("could not delete orphaned object %s: %s", key, exc)


def drawing_submit(*, image, label: int, strokes: list | None, contributor=None, contributor_key: str = "") -> Submission:
    """Store a contributor's drawing with the model's opinion of it, if a model is available.

    Raises `ml.errors.BlankImage` for a drawing without ink (nothing is stored), and what
    `drawing_create` raises. The image is decoded once and preprocessed once.
    """
    gray = to_grayscale(image)
    model_input = preprocess(gray)  # Refuses blank drawings before anything is stored.
    drawing = drawing_create(
        image=gray,
        label=label,
        source=Drawing.Source.COLLECT,
        strokes=strokes,
        contributor=contributor,
        contributor_key=contributor_key,
        prediction=_predict(model_input),
    )
    duplicate = Drawing.objects.filter(sha256=drawing.sha256).exclude(pk=drawing.pk).exists()
    return Submission(drawing=drawing, duplicate=duplicate)


def _predict(model_input) -> SubmittedPrediction | None:
    """The recognizer's prediction through settings.DRAWING_PREDICTOR; None without one.

    The predictor gets the drawing as `ml.preprocess.preprocess` made it, the model's input.

    A drawing is worth keeping even when no model can judge it, so a missing or failing
    predictor is logged and the drawing stored without a prediction.
    """
    path = getattr(settings, "DRAWING_PREDICTOR", "")
    if not path:
        return None
    try:
        predictor = import_string(path)
    except ImportError as exc:
        logger.warning("settings.DRAWING_PREDICTOR %r cannot be imported; storing drawings without predictions: %s", path, exc)
        return None
    try:
        return predictor(model_input)
    except Exception:
        logger.exception("settings.DRAWING_PREDICTOR %r failed; storing the drawing without a prediction", path)
        return None


def drawings_set_status(*, drawings: QuerySet, status: str) -> int:
    """Mark drawings verified, rejected or pending; returns how many rows changed."""
    if status not in Drawing.Status.values:
        raise ValueError(f"Unknown drawing status {status!r}.")
    return drawings.update(status=status)


def drawings_relabel(*, drawings: QuerySet, label: int) -> int:
    """Give drawings a new label. Whoever relabels has looked, so they become verified."""
    if label not in LABELS:
        raise ValueError(f"A label is a digit 0-9 or 10 (not a digit), not {label!r}.")
    return drawings.update(label=label, status=Drawing.Status.VERIFIED)
