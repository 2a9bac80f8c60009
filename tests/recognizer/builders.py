"""Small builders for the recognizer's tests: canvas images, API calls, model versions, predictions."""

import json
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from recognizer import services
from recognizer.models import ModelVersion, Prediction
from tests.ml.drawings import canvas_drawing, data_url, encode

CANVAS = 280


def canvas_png(digit: str = "7") -> bytes:
    """A digit as the site's canvas draws it: black ink on a transparent 280x280 PNG."""
    return encode(canvas_drawing(digit))


def digit_url(digit: str = "7") -> str:
    return data_url(canvas_png(digit))


def blank_url() -> str:
    return data_url(encode(Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))))


def post_json(client, url: str, body, **extra):
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(url, payload, content_type="application/json", **extra)


def active_version() -> ModelVersion:
    return services.ensure_bundled_version()


def unique_tag(name: str) -> str:
    """Stored artifacts outlive each test's database rollback, and versions are immutable."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def copy_of_bundled(name: str = "copy") -> ModelVersion:
    """The bundled model registered again under a new tag: a second, valid version."""
    return services.version_register(folder=settings.BUNDLED_MODEL_DIR, tag=unique_tag(name))


def broken_version() -> ModelVersion:
    """A version whose stored model file is garbage, as if corrupted after registration."""
    good = active_version()
    tag = unique_tag("broken")
    prefix = f"models/{tag}"
    for name in ("metadata.json", "model.keras"):
        default_storage.save(f"{prefix}/{name}", ContentFile(default_storage.open(good.artifact_path(name)).read()))
    default_storage.save(f"{prefix}/model.tflite", ContentFile(b"not a model"))
    return ModelVersion.objects.create(tag=tag, artifact_prefix=prefix, metadata=good.metadata)


def prediction(*, digit: int = 7, confidence: float = 0.9, accepted: bool = True, **fields) -> Prediction:
    return Prediction.objects.create(model_version=fields.pop("model_version", None) or active_version(), digit=digit, confidence=confidence, accepted=accepted, **fields)
