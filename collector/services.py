"""Writes to the dataset. Every write of a drawing stores the object and the row, or neither."""

import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from collector.errors import StorageUnavailable
from collector.images import encode_png
from collector.models import Drawing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmittedPrediction:
    """What the model said about a drawing when it was submitted."""

    digit: int
    confidence: float
    model_version: str


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
            return Drawing.objects.create(
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
