"""The input-taking endpoints, each called the way a client would, with server time measured."""

import time
from dataclasses import dataclass

from tests.hostile.inputs import compact_json, image_file
from tests.ml.drawings import data_url

PREDICT, DRAWINGS = "/api/predict", "/api/drawings"
# Seconds of server time any answer may take, measured as the CPU time of the thread that runs
# the view: on a shared 2-core machine wall time mostly measures the other processes.
SERVER_TIME_LIMIT = 0.050


@dataclass
class Answer:
    status: int
    body: dict
    seconds: float  # CPU time of the request.
    headers: dict
    wall: float = 0.0


def feedback_url(prediction_id) -> str:
    return f"/api/predictions/{prediction_id}/feedback"


def send(client, url: str, data=None, *, content_type: str = "application/json", **extra) -> Answer:
    """POST and time the server's work (the Django test client runs the view in-process)."""
    if isinstance(data, (dict, list)) and content_type == "application/json":
        data = compact_json(data)
    started, wall_started = time.thread_time(), time.perf_counter()
    if content_type == "multipart/form-data":
        response = client.post(url, data or {}, **extra)
    else:
        # CONTENT_TYPE is set explicitly: the test client drops it for an empty body.
        response = client.post(url, data if data is not None else b"", content_type=content_type, CONTENT_TYPE=content_type, **extra)
    seconds, wall = time.thread_time() - started, time.perf_counter() - wall_started
    is_json = response.get("Content-Type", "").startswith("application/json")
    return Answer(response.status_code, response.json() if is_json else {}, seconds, dict(response.items()), wall)


@dataclass(frozen=True)
class Endpoint:
    """How one endpoint carries an image and its other fields."""

    name: str
    fields: dict  # The other fields of a valid request.
    ok: int  # The status of an accepted request.
    multipart: bool = False

    def url(self, prediction_id=None) -> str:
        return feedback_url(prediction_id) if self.name == "feedback" else (DRAWINGS if self.name == "drawings" else PREDICT)

    def post_image(self, client, image: bytes | str, prediction_id=None, **fields) -> Answer:
        """Send `image` (bytes are wrapped as a data URL, or a file for multipart)."""
        if self.multipart:
            return send(client, self.url(prediction_id), {"image": image_file(image if isinstance(image, bytes) else image.encode())}, content_type="multipart/form-data")
        value = data_url(image) if isinstance(image, bytes) else image
        return send(client, self.url(prediction_id), {**self.fields, "image": value, **fields})


PREDICT_JSON = Endpoint("predict-json", {}, 200)
PREDICT_MULTIPART = Endpoint("predict-multipart", {}, 200, multipart=True)
DRAWINGS_API = Endpoint("drawings", {"label": 7}, 201)
FEEDBACK = Endpoint("feedback", {"correct": False, "label": 3}, 201)
IMAGE_ENDPOINTS = [PREDICT_JSON, PREDICT_MULTIPART, DRAWINGS_API, FEEDBACK]
JSON_ENDPOINTS = [PREDICT_JSON, DRAWINGS_API, FEEDBACK]
LABELED_ENDPOINTS = [DRAWINGS_API, FEEDBACK]
