"""The learning loop step by step, shared by its test and its benchmark.

Drawings go in the way contributors send them (POST /api/drawings), an admin verifies them,
and a model version is scored on images through its served artifact.
"""

import base64
import io

import numpy as np

from collector.models import Drawing
from collector.services import drawings_set_status
from recognizer.evaluation import load_predictor

SUBMIT_URL = "/api/drawings"


def data_url(image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def submit(client, images, labels) -> list[int]:
    """POST each drawing like the /collect/ page does; returns the stored ids."""
    ids = []
    for image, label in zip(images, labels):
        response = client.post(SUBMIT_URL, {"image": data_url(image), "label": int(label)}, content_type="application/json")
        if response.status_code != 201:
            raise AssertionError(f"{SUBMIT_URL} answered {response.status_code}: {response.content[:200]!r}")
        ids.append(response.json()["id"])
    return ids


def verify(ids: list[int]) -> int:
    return drawings_set_status(drawings=Drawing.objects.filter(pk__in=ids), status=Drawing.Status.VERIFIED)


def accuracy(version, x: np.ndarray, y: np.ndarray) -> float:
    """Share of `x` (model inputs) the version's served artifact reads as `y`."""
    probabilities = load_predictor(version).probabilities(x)
    return float((probabilities[:, :10].argmax(axis=1) == y).mean())
