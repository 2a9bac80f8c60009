import base64
import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from PIL import Image

from collector.constants import MAX_STROKE_POINTS
from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from tests.collector.builders import blank_url, digit_url, drawing, local_objects, strokes

pytestmark = pytest.mark.django_db
API = "/api/drawings"


def post(client, body, content_type="application/json", **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(API, data=data, content_type=content_type, **extra)


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_a_drawing_is_stored_with_its_label_strokes_and_prediction(client):
    sent = strokes(count=2)
    response = post(client, {"image": digit_url("7"), "label": 7, "strokes": sent})
    assert response.status_code == 201
    body = response.json()
    stored = Drawing.objects.get(pk=body["id"])
    assert (stored.label, stored.strokes, stored.source, stored.status) == (7, sent, "collect", "pending")
    assert (stored.predicted_label, stored.prediction_confidence, stored.model_version) == (7, 0.9, "test-v1")
    assert body["prediction"] == {"digit": 7, "confidence": 0.9, "model_version": "test-v1"}
    assert body["label"] == 7 and body["duplicate"] is False


def test_the_stored_image_is_a_server_encoded_png_that_reads_back(client):
    body = post(client, {"image": digit_url("1"), "label": 1}).json()
    stored = Drawing.objects.get(pk=body["id"])
    with stored.image.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert (image.format, image.mode, image.size) == ("PNG", "L", (stored.width, stored.height))
    assert stored.image.name.startswith("drawings/") and stored.image.name.endswith(".png")


def test_strokes_are_optional(client):
    response = post(client, {"image": digit_url(), "label": 7})
    assert response.status_code == 201
    assert Drawing.objects.get().strokes is None


def test_the_answer_carries_counts_the_contributor_count_and_next_prompts(client):
    drawing(label=3)
    body = post(client, {"image": digit_url(), "label": 7}).json()
    assert body["counts"] == {str(d): (1 if d in (3, 7) else 0) for d in range(11)}
    assert body["contributor_count"] == 1
    assert len(body["prompts"]) >= 1 and set(body["prompts"]) <= set(range(11))


def test_the_same_image_twice_is_stored_and_flagged_duplicate(client):
    image = digit_url("4")
    first = post(client, {"image": image, "label": 4}).json()
    second = post(client, {"image": image, "label": 4}).json()
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert Drawing.objects.filter(pk__in=[first["id"], second["id"]]).count() == 2


@pytest.mark.parametrize("predictor", ["tests.collector.builders.predict_nothing", "no_such_module.predict", "tests.collector.builders.predict_crash", ""])
def test_drawings_are_kept_without_a_prediction_when_no_recognizer_answers(client, settings, predictor):
    settings.DRAWING_PREDICTOR = predictor
    response = post(client, {"image": digit_url(), "label": 7})
    assert response.status_code == 201
    assert response.json()["prediction"] is None
    assert Drawing.objects.get().predicted_label is None


def test_signed_in_contributors_are_recorded(client, django_user_model):
    user = django_user_model.objects.create_user("ada", password="pw")
    client.force_login(user)
    body = post(client, {"image": digit_url(), "label": 7}).json()
    assert Drawing.objects.get(pk=body["id"]).contributor == user
    assert body["contributor_count"] == 1


def test_anonymous_contributors_get_a_hashed_session_key(client):
    post(client, {"image": digit_url(), "label": 7})
    stored = Drawing.objects.get()
    session_key = client.session.session_key
    assert len(stored.contributor_key) == 64 and session_key not in stored.contributor_key
    post(client, {"image": digit_url("1"), "label": 1})
    assert set(Drawing.objects.values_list("contributor_key", flat=True)) == {stored.contributor_key}


SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').decode()

BAD_BODIES = [
    ({"image": digit_url(), "label": -1}, 400, "invalid_label"),
    ({"image": digit_url(), "label": 11}, 400, "invalid_label"),
    ({"image": digit_url(), "label": "7"}, 400, "invalid_label"),
    ({"image": digit_url(), "label": "10"}, 400, "invalid_label"),
    ({"image": digit_url(), "label": "ten"}, 400, "invalid_label"),
    ({"image": digit_url(), "label": "Not-A-Digit"}, 400, "invalid_label"),
    ({"image": digit_url(), "label": "not a digit"}, 400, "invalid_label"),
    ({"image": digit_url(), "label": 10.0}, 400, "invalid_label"),
    ({"image": digit_url(), "label": 3.0}, 400, "invalid_label"),
    ({"image": digit_url(), "label": False}, 400, "invalid_label"),
    ({"image": digit_url(), "label": [10]}, 400, "invalid_label"),
    ({"image": digit_url(), "label": 7.5}, 400, "invalid_label"),
    ({"image": digit_url(), "label": 7.0}, 400, "invalid_label"),
    ({"image": digit_url(), "label": None}, 400, "invalid_label"),
    ({"image": digit_url(), "label": True}, 400, "invalid_label"),
    ({"image": digit_url()}, 400, "invalid_label"),
    ({"label": 7}, 400, "missing_image"),
    ({"image": "", "label": 7}, 400, "invalid_image"),
    ({"image": 12, "label": 7}, 400, "invalid_image"),
    ({"image": "data:image/png;base64,@@@not base64@@@", "label": 7}, 400, "undecodable_image"),
    ({"image": f"data:image/png;base64,{SVG}", "label": 7}, 415, "unsupported_media_type"),
    ({"image": base64.b64encode(b"just some text").decode(), "label": 7}, 415, "unsupported_media_type"),
    ({"image": blank_url(), "label": 7}, 422, "blank"),
    ({"image": digit_url(), "label": 7, "strokes": "scribble"}, 400, "invalid_strokes"),
    ({"image": digit_url(), "label": 7, "strokes": [[[1, 2], [3], [0, 5]]]}, 400, "invalid_strokes"),
    ({"image": digit_url(), "label": 7, "strokes": strokes(points=MAX_STROKE_POINTS + 1)}, 413, "strokes_too_large"),
]


@pytest.mark.parametrize(("body", "status", "code"), BAD_BODIES)
def test_bad_input_gets_a_clear_error_and_stores_nothing(client, own_media, body, status, code):
    response = post(client, body)
    assert (response.status_code, error_code(response)) == (status, code)
    assert response.json()["error"]["message"].endswith(".")
    assert not Drawing.objects.exists() and local_objects(own_media) == []


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        ('{"image": "x", "label": 7', "application/json", 400, "malformed_json"),
        ("[7]", "application/json", 400, "invalid_json"),
        ("label=7", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ('{"image": "x", "label": 7}', "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(client, data, content_type, status, code):
    response = post(client, data, content_type=content_type)
    assert (response.status_code, error_code(response)) == (status, code)


def test_a_body_over_the_size_limit_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, {"image": digit_url(), "label": 7, "strokes": strokes(points=2_000)})
    assert (response.status_code, error_code(response)) == (413, "body_too_large")


def test_an_empty_body_is_refused(client):
    with_type = client.post(API, data="", content_type="application/json", CONTENT_TYPE="application/json")
    assert (with_type.status_code, error_code(with_type)) == (400, "malformed_json")
    without_type = client.generic("POST", API)
    assert (without_type.status_code, error_code(without_type)) == (415, "unsupported_media_type")


def test_multipart_uploads_are_refused_so_labels_stay_numbers(client):
    response = client.post(API, {"label": "7", "image": ("7.png", b"\x89PNG")})
    assert (response.status_code, error_code(response)) == (415, "unsupported_media_type")


def test_only_post_is_allowed(client):
    response = client.get(API)
    assert (response.status_code, error_code(response), response["Allow"]) == (405, "method_not_allowed", "POST")


def test_a_browser_session_without_the_csrf_token_is_refused():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/collect/")
    response = post(browser, {"image": digit_url(), "label": 7})
    assert response.status_code == 403
    assert not Drawing.objects.exists()


def test_a_browser_session_with_the_csrf_token_is_accepted():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/collect/")
    response = post(browser, {"image": digit_url(), "label": 7}, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert response.status_code == 201


def test_storage_failure_answers_503_and_leaves_no_row(client):
    with mock.patch("collector.services.default_storage.save", side_effect=OSError("disk gone")):
        response = post(client, {"image": digit_url(), "label": 7})
    assert (response.status_code, error_code(response)) == (503, "storage_unavailable")
    assert response["Retry-After"]
    assert not Drawing.objects.exists()


def test_database_failure_after_upload_answers_503_and_leaves_no_object(client, own_media):
    with mock.patch.object(Drawing.objects, "create", side_effect=OperationalError("database is gone")):
        response = post(client, {"image": digit_url(), "label": 7})
    assert (response.status_code, error_code(response)) == (503, "database_unavailable")
    assert local_objects(own_media) == []


@pytest.mark.parametrize("label", [10, "not-a-digit"])
def test_a_drawing_that_is_not_a_digit_is_stored_with_label_10(client, label):
    response = post(client, {"image": digit_url("4"), "label": label, "strokes": strokes()})
    assert response.status_code == 201
    body = response.json()
    stored = Drawing.objects.get(pk=body["id"])
    assert (stored.label, stored.source, stored.status) == (NOT_A_DIGIT, "collect", "pending")
    assert body["label"] == NOT_A_DIGIT and body["counts"]["10"] == 1


def test_the_models_not_a_digit_opinion_is_stored_and_returned_as_10(client, settings):
    settings.DRAWING_PREDICTOR = "tests.collector.builders.predict_not_a_digit"
    body = post(client, {"image": digit_url("4"), "label": 4}).json()
    stored = Drawing.objects.get(pk=body["id"])
    assert (stored.predicted_label, stored.prediction_confidence) == (NOT_A_DIGIT, 0.97)
    assert body["prediction"] == {"digit": NOT_A_DIGIT, "confidence": 0.97, "model_version": "test-v1"}
    assert stored.disagrees  # Labeled 4, called no digit: the review queue lists it.


def test_a_bad_label_names_the_allowed_values(client, own_media):
    response = post(client, {"image": digit_url(), "label": "ten"})
    assert response.json()["error"]["message"] == '"label" must be an integer from 0 to 9, or 10 or "not-a-digit" for a drawing that is not a digit, e.g. "label": 7.'
    assert not Drawing.objects.exists() and local_objects(own_media) == []


def page_config(response) -> dict:
    return json.loads(response.content.decode().split('id="collect-config" type="application/json">')[1].split("</script>")[0])


def test_the_collect_page_has_one_canvas_and_loads_the_page_module(client):
    response = client.get("/collect/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<canvas") == 1
    assert 'type="module" src="/static/js/collect.js"' in html


def test_the_collect_page_prompts_a_label_the_dataset_lacks(client):
    lacking = (2, 5, 8)
    for label in set(range(10)) - set(lacking):
        drawing(label=label)
    config = page_config(client.get("/collect/"))
    assert [label for label in config["prompts"] if label != NOT_A_DIGIT][0] in lacking
    assert config["counts"] == {**{str(d): (0 if d in lacking else 1) for d in range(10)}, "10": 0}


def test_the_collect_page_starts_a_session_for_the_contributor_key(client):
    response = client.get("/collect/")
    assert response.cookies["sessionid"].value
    assert response.cookies["csrftoken"].value


def test_a_contributor_sees_only_their_own_count():
    alice, bob = Client(), Client()
    for digit in ("1", "7"):
        post(alice, {"image": digit_url(digit), "label": int(digit)})
    alice_config = page_config(alice.get("/collect/"))
    bob_config = page_config(bob.get("/collect/"))
    assert (alice_config["contributorCount"], bob_config["contributorCount"]) == (2, 0)
    assert bob_config["counts"]["1"] == bob_config["counts"]["7"] == 1
    assert "contributor_key" not in bob.get("/collect/").content.decode()


def test_drawings_api_rate_limits_each_client(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submit": "2/60"}
    statuses = [client.post("/api/drawings", data="{}", content_type="application/json").status_code for _ in range(3)]
    assert statuses[:2] == [400, 400]
    assert statuses[2] == 429


def test_the_collect_page_offers_not_a_digit_and_counts_it(client):
    drawing(label=NOT_A_DIGIT)
    response = client.get("/collect/")
    html = response.content.decode()
    config = page_config(response)
    assert config["counts"]["10"] == 1 and config["labelNames"]["10"] == "not a digit" and config["notADigit"] == NOT_A_DIGIT
    assert '<button type="button" data-label="10" class="not-a-digit" aria-keyshortcuts="N"' in html
    assert '<li data-label="10"><span class="count-digit">not a digit</span>' in html


def test_a_not_a_digit_prompt_says_what_to_draw_and_why(client, monkeypatch):
    monkeypatch.setattr("collector.selectors.NOT_A_DIGIT_PROMPT_SHARE", 1.0)
    response = client.get("/collect/")
    html = response.content.decode()
    assert set(page_config(response)["prompts"]) == {NOT_A_DIGIT}
    assert '<span data-role="ask">Draw something that is</span> <span class="prompt-digit" data-testid="prompt">not a digit</span>' in html
    assert '<p class="prompt-reason" data-role="reason">A letter, a symbol or a doodle: it teaches the model what to refuse.</p>' in html


def test_a_digit_prompt_hides_the_not_a_digit_reason(client, monkeypatch):
    monkeypatch.setattr("collector.selectors.NOT_A_DIGIT_PROMPT_SHARE", 0.0)
    html = client.get("/collect/").content.decode()
    assert '<span data-role="ask">Draw a</span>' in html and 'data-role="reason" hidden>' in html
