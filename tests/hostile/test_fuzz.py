"""Property-based fuzzing of the three JSON APIs: whatever arrives, never a 5xx, always the error shape."""

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from collector.models import Drawing
from tests.hostile.checks import assert_sentence
from tests.hostile.endpoints import DRAWINGS, PREDICT, feedback_url, send

pytestmark = pytest.mark.usefixtures("warm")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
field_names = st.sampled_from(["image", "pixels", "label", "correct", "strokes"]) | st.text(max_size=8)
bodies = st.dictionaries(field_names, json_values, max_size=5)
image_bytes = st.binary(max_size=2048) | st.sampled_from([b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP"]).flatmap(
    lambda magic: st.binary(max_size=512).map(lambda rest: magic + rest)
)
data_urls = st.builds(lambda mime, data: f"data:{mime};base64,{base64.b64encode(data).decode()}", st.sampled_from(["image/png", "image/svg+xml", "text/plain", "x"]), image_bytes)
pixel_values = st.integers(-1000, 1000) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans() | st.none() | st.text(max_size=3)
pixel_lists = st.lists(pixel_values, min_size=780, max_size=788) | st.lists(st.integers(0, 255), min_size=784, max_size=784)


def assert_well_formed(answer) -> None:
    assert answer.status < 500, answer.body
    if answer.status >= 400:
        assert set(answer.body) == {"error"} and set(answer.body["error"]) == {"code", "message"}, answer.body
        assert answer.body["error"]["code"].replace("_", "").isalpha()
        assert_sentence(answer.body["error"]["message"])


def urls(prediction_id) -> list[str]:
    return [PREDICT, DRAWINGS, feedback_url(prediction_id)]


@FUZZ
@given(body=bodies)
def test_random_json_bodies(client, prediction_id, body):
    for url in urls(prediction_id):
        assert_well_formed(send(client, url, json.dumps(body)))


@FUZZ
@given(raw=st.binary(max_size=4096), content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data; boundary=x", ""]))
def test_random_bytes(client, prediction_id, raw, content_type):
    for url in urls(prediction_id):
        assert_well_formed(send(client, url, raw, content_type=content_type))


@FUZZ
@given(image=data_urls | st.text(max_size=200), label=json_values)
def test_random_data_urls(client, prediction_id, image, label):
    before = Drawing.objects.count()
    for url in urls(prediction_id):
        answer = send(client, url, {"image": image, "label": label, "correct": False})
        assert_well_formed(answer)
        assert answer.status != 201 or Drawing.objects.count() > before


@FUZZ
@given(pixels=pixel_lists)
def test_random_pixel_lists(client, prediction_id, pixels):
    for url in urls(prediction_id):
        assert_well_formed(send(client, url, json.dumps({"pixels": pixels, "label": 3, "correct": False})))
