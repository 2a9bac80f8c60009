"""Every kind of broken or unusual input against every endpoint that takes input.

Bad input gets a specific 4xx with a code and a sentence, in under 50 ms of server time, and
leaves no row and no stored object; unusual but valid images are accepted and stored as PNG.
"""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from collector.models import Drawing
from tests.hostile import inputs
from tests.hostile.checks import assert_fast, assert_refused, fastest_of
from tests.hostile.endpoints import DRAWINGS, IMAGE_ENDPOINTS, JSON_ENDPOINTS, LABELED_ENDPOINTS, PREDICT, send

pytestmark = pytest.mark.usefixtures("warm")

BAD_IMAGES = {
    "text-labelled-png": (inputs.text_bytes, 415, "unsupported_media_type"),
    "svg-labelled-png": (inputs.svg_bytes, 415, "unsupported_media_type"),
    "truncated-png": (inputs.truncated_png, 400, "undecodable_image"),
    "png-missing-iend": (inputs.png_without_iend, 400, "undecodable_image"),
    "empty-file": (lambda: b"", 400, "undecodable_image"),
    "1x1-image": (inputs.one_pixel_png, 422, "blank"),
    "transparent-image": (inputs.transparent_png, 422, "blank"),
    "blank-white-canvas": (inputs.white_png, 422, "blank"),
    "8000x8000-bomb": (lambda: inputs.huge_png(8000), 413, "image_too_large"),
    "over-pixel-limit": (inputs.over_pixel_limit_png, 413, "image_too_large"),
    "over-byte-limit": (inputs.over_image_limit_bytes, 413, "image_too_large"),
}
UNUSUAL_IMAGES = {
    "animated-gif": inputs.animated_gif,
    "cmyk-jpeg": inputs.cmyk_jpeg,
    "16-bit-grayscale": inputs.sixteen_bit_png,
    "palette-transparency": inputs.palette_with_transparency_png,
}
BAD_STRINGS = {
    "bad-base64-data-url": "data:image/png;base64,iVBORw0KGgo!!!*not*base64",
    "data-url-not-base64": "data:image/png,<svg></svg>",
    "bare-text": "hello, this is not an image",
    "empty-string": "",
}
BAD_BODIES = {
    "empty-body": (b"", "application/json", 400, "malformed_json"),
    "no-content-type": (b'{"image": "x"}', "", 415, "unsupported_media_type"),
    "text-plain": (b'{"image": "x"}', "text/plain", 415, "unsupported_media_type"),
    "form-urlencoded": (b"image=x&label=7", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    "malformed-json": (b'{"image": "data:image/png;base64,', "application/json", 400, "malformed_json"),
    "invalid-utf8": (b'{"image": "\xff\xfe"}', "application/json", 400, "malformed_json"),
    "deeply-nested-json": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "malformed_json"),
    "json-array": (b"[1, 2, 3]", "application/json", 400, "invalid_json"),
    "json-string": (b'"data:image/png;base64,AAAA"', "application/json", 400, "invalid_json"),
    "json-null": (b"null", "application/json", 400, "invalid_json"),
    "over-body-limit": (b'{"image": "' + b"A" * (9 * 1024 * 1024) + b'"}', "application/json", 413, "body_too_large"),
}
WRONG_TYPES = {
    "image-number": ({"image": 123}, 400, "invalid_image"),
    "image-list": ({"image": ["data:image/png;base64,AAAA"]}, 400, "invalid_image"),
    "image-object": ({"image": {"src": "x"}}, 400, "invalid_image"),
    "image-null": ({"image": None}, 400, "invalid_image"),
    "pixels-string": ({"image": None, "pixels": "0,0,0"}, 400, "invalid_image"),
}
BAD_LABELS = {
    "-1": (-1, "invalid_label"),
    "11": (11, "invalid_label"),
    "string-7": ("7", "invalid_label"),
    "string-10": ("10", "invalid_label"),
    "ten": ("ten", "invalid_label"),
    "3.0": (3.0, "invalid_label"),
    "7.5": (7.5, "invalid_label"),
    "true": (True, "invalid_label"),
    "list": ([7], "invalid_label"),
}
BAD_PIXELS = {
    "783-values": (b"[" + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "785-values": (b"[" + b",".join([b"0"] * 785) + b"]", 400, "invalid_pixels"),
    "nan": (b"[NaN," + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "infinity": (b"[Infinity," + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "negative": (b"[-1," + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "huge": (b"[1e308," + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "overflowing": (b"[1e400," + b",".join([b"0"] * 783) + b"]", 400, "invalid_pixels"),
    "strings": (b"[" + b",".join([b'"0"'] * 784) + b"]", 400, "invalid_pixels"),
    "booleans": (b"[" + b",".join([b"true"] * 784) + b"]", 400, "invalid_pixels"),
    "nested-rows": (b"[" + b",".join([b"[" + b",".join([b"0"] * 28) + b"]"] * 28) + b"]", 400, "invalid_pixels"),
    "not-a-list": (b'"0,0,0"', 400, "invalid_pixels"),
    "all-zero": (b"[" + b",".join([b"0"] * 784) + b"]", 422, "blank"),
}


@pytest.fixture(params=IMAGE_ENDPOINTS, ids=lambda e: e.name)
def endpoint(request):
    return request.param


@pytest.mark.parametrize("case", BAD_IMAGES)
def test_bad_image_is_refused(client, endpoint, case, prediction_id, own_media):
    build, status, code = BAD_IMAGES[case]
    image = build()
    answer = fastest_of(lambda: endpoint.post_image(client, image, prediction_id))
    assert_refused(answer, status, code, own_media, f"{endpoint.name}/{case}")


@pytest.mark.parametrize("case", UNUSUAL_IMAGES)
def test_unusual_valid_image_is_accepted(client, endpoint, case, prediction_id):
    answer = endpoint.post_image(client, UNUSUAL_IMAGES[case](), prediction_id)
    assert answer.status == endpoint.ok, answer.body
    assert_fast(answer, f"{endpoint.name}/{case}")


@pytest.mark.parametrize("case", ["cmyk-jpeg", "animated-gif", "palette-transparency"])
@pytest.mark.parametrize("endpoint", LABELED_ENDPOINTS, ids=lambda e: e.name)
def test_stored_image_is_a_server_encoded_png(client, endpoint, case, prediction_id):
    answer = endpoint.post_image(client, UNUSUAL_IMAGES[case](), prediction_id)
    assert answer.status == 201, answer.body
    stored = default_storage.open(Drawing.objects.get().image.name).read()
    image = Image.open(io.BytesIO(stored))
    assert (image.format, image.mode, getattr(image, "n_frames", 1)) == ("PNG", "L", 1)


@pytest.mark.parametrize("case", BAD_STRINGS)
@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda e: e.name)
def test_bad_image_string_is_refused(client, endpoint, case, prediction_id, own_media):
    answer = endpoint.post_image(client, BAD_STRINGS[case], prediction_id)
    code = "invalid_image" if case == "empty-string" else "undecodable_image"
    assert_refused(answer, 400, code, own_media, f"{endpoint.name}/{case}")


@pytest.mark.parametrize("case", BAD_BODIES)
@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda e: e.name)
def test_bad_body_is_refused(client, endpoint, case, prediction_id, own_media):
    body, content_type, status, code = BAD_BODIES[case]
    answer = send(client, endpoint.url(prediction_id), body, content_type=content_type)
    assert_refused(answer, status, code, own_media, f"{endpoint.name}/{case}")


@pytest.mark.parametrize("case", WRONG_TYPES)
@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda e: e.name)
def test_wrongly_typed_field_is_refused(client, endpoint, case, prediction_id, own_media):
    fields, status, code = WRONG_TYPES[case]
    answer = send(client, endpoint.url(prediction_id), {**endpoint.fields, **fields})
    assert_refused(answer, status, code, own_media, f"{endpoint.name}/{case}")


@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda e: e.name)
def test_missing_image_is_refused(client, endpoint, prediction_id, own_media):
    answer = send(client, endpoint.url(prediction_id), endpoint.fields)
    assert_refused(answer, 400, "missing_image", own_media, f"{endpoint.name}/missing-image")


def test_multipart_without_image_file_is_refused(client, own_media):
    answer = send(client, PREDICT, {"label": "7"}, content_type="multipart/form-data")
    assert_refused(answer, 400, "missing_image", own_media, "predict-multipart/no-file")


@pytest.mark.parametrize("case", BAD_LABELS)
@pytest.mark.parametrize("endpoint", LABELED_ENDPOINTS, ids=lambda e: e.name)
def test_bad_label_is_refused(client, endpoint, case, prediction_id, own_media):
    label, code = BAD_LABELS[case]
    answer = endpoint.post_image(client, inputs.digit_png(), prediction_id, label=label)
    assert_refused(answer, 400, code, own_media, f"{endpoint.name}/label-{case}")


@pytest.mark.parametrize("endpoint", LABELED_ENDPOINTS, ids=lambda e: e.name)
def test_null_label_is_refused(client, endpoint, prediction_id, own_media):
    # Feedback without a label leaves the field out (missing_label when correct is false); a
    # null is a value that is not a label, on both endpoints.
    answer = endpoint.post_image(client, inputs.digit_png(), prediction_id, label=None)
    assert_refused(answer, 400, "invalid_label", own_media, f"{endpoint.name}/label-null")


@pytest.mark.parametrize("case", BAD_PIXELS)
@pytest.mark.parametrize("endpoint", JSON_ENDPOINTS, ids=lambda e: e.name)
def test_bad_pixels_are_refused(client, endpoint, case, prediction_id, own_media):
    pixels, status, code = BAD_PIXELS[case]
    fields = inputs.compact_json(endpoint.fields)[1:-1].encode()
    body = b'{"pixels":' + pixels + (b"," + fields if fields else b"") + b"}"
    answer = send(client, endpoint.url(prediction_id), body)
    assert_refused(answer, status, code, own_media, f"{endpoint.name}/pixels-{case}")


@pytest.mark.parametrize(
    ("points", "status", "code"),
    [(25_000, 413, "strokes_too_large"), (1_000_000, 413, "too_many_values"), (2_000_000, 413, "body_too_large")],
    ids=["25k-points", "1M-points", "2M-points"],
)
def test_strokes_with_too_many_points_are_refused(client, points, status, code, own_media):
    body = {"image": inputs.digit_data_url(), "label": 7, "strokes": inputs.many_stroke_points(points)}
    # Megabytes of body, refused before anything is stored: timed like the big bad images.
    answer = fastest_of(lambda: send(client, DRAWINGS, body))
    assert_refused(answer, status, code, own_media, f"drawings/strokes-{points}")


@pytest.mark.parametrize("strokes", ["x", [1, 2], [[[0], [0]]], [[[0, 1], [0], [0]]], [[["0"], [0], [0]]], [[[1e12], [0], [0]]]])
def test_malformed_strokes_are_refused(client, strokes, own_media):
    answer = send(client, DRAWINGS, {"image": inputs.digit_data_url(), "label": 7, "strokes": strokes})
    assert_refused(answer, 400, "invalid_strokes", own_media, "drawings/strokes-malformed")


@pytest.mark.parametrize("url", ["/api/predictions/not-a-uuid/feedback", "/api/predictions/00000000-0000-0000-0000-000000000000/feedback"])
def test_feedback_on_unknown_prediction_is_refused(client, url, own_media):
    answer = send(client, url, {"correct": False, "label": 3, "image": inputs.digit_data_url()})
    assert_refused(answer, 404, "prediction_not_found", own_media, "feedback/unknown-prediction")


@pytest.mark.parametrize("url", [PREDICT, DRAWINGS])
def test_get_on_an_api_is_refused(client, url):
    response = client.get(url)
    assert (response.status_code, response.json()["error"]["code"], response["Allow"]) == (405, "method_not_allowed", "POST")
