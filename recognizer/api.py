"""The recognizer's JSON API: thin views over `predicting` and `feedback`."""

import uuid

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from collector.validation import parse_label, parse_strokes
from digitsite.http import ApiError, ServiceUnavailable, api_view, image_from_request, read_json
from digitsite.ratelimit import rate_limited
from recognizer import feedback, openapi, predicting
from recognizer.errors import FeedbackError, ModelUnavailable

# Predicting changes nothing a visitor owns (it logs an anonymous answer) and programs call it
# without a session, so it takes no CSRF token. Abuse is a matter for rate limits: a CSRF token
# would not stop a script that calls the API directly.
@csrf_exempt
@api_view
@rate_limited("predict")
def predict(request):
    """POST an image (JSON data URL / base64, multipart file, or 784 pixels) -> the prediction."""
    _require_post(request)
    source, _ = image_from_request(request)
    try:
        result = predicting.prediction_create(source=source)
    except ModelUnavailable as exc:
        raise ServiceUnavailable("model_unavailable", str(exc))
    return JsonResponse(result.as_json())


@api_view
@rate_limited("feedback")
def prediction_feedback(request, prediction_id: str):
    """POST {"correct": bool, "label": 0-9 or 10 / "not-a-digit", "image": data URL, "strokes": [...]} -> 201 with the stored drawing."""
    _require_post(request)
    key = _prediction_key(prediction_id)
    body = read_json(request)  # JSON only: booleans and numbers, never form text.
    correct, label = parse_feedback(body)
    strokes = parse_strokes(body.get("strokes"))
    image, _ = image_from_request(request)
    try:
        drawing = feedback.feedback_create(prediction_id=key, correct=correct, label=label, image=image, strokes=strokes)
    except FeedbackError as exc:
        raise ApiError(exc.code, str(exc), exc.status)
    return JsonResponse({"drawing_id": drawing.pk, "label": drawing.label, "status": drawing.status}, status=201)


def openapi_json(request):
    return JsonResponse(openapi.SPEC)


def parse_feedback(body) -> tuple[bool, int | None]:
    """The feedback's `correct` (a JSON boolean) and `label` (see `parse_label`, or absent).

    A "label": null is refused like any other label that is not one: a client that means
    "no label" leaves the field out.
    """
    correct = body.get("correct")
    if not isinstance(correct, bool):
        raise ApiError("invalid_correct", "\"correct\" must be true or false.")
    return correct, parse_label(body["label"]) if "label" in body else None


def _prediction_key(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ApiError("prediction_not_found", f"There is no prediction {text!r}; prediction ids are UUIDs.", 404)


def _require_post(request) -> None:
    if request.method != "POST":
        raise ApiError("method_not_allowed", "Use POST for this endpoint.", 405, {"Allow": "POST"})
