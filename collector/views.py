"""The collection page and the JSON API that stores its drawings."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from collector import constants, selectors
from collector.contributors import session_contributor_key
from collector.labels import LABELS, label_name
from collector.services import Submission, drawing_submit
from collector.validation import parse_label, parse_strokes
from digitsite.http import ApiError, api_view, image_from_request, read_json
from digitsite.ratelimit import rate_limited
from ml.constants import NOT_A_DIGIT


@ensure_csrf_cookie
def collect_page(request):
    """Prompt digits (and now and then something that is not a digit) to draw; the page saves
    them through `drawings_api` in the background."""
    key = session_contributor_key(request)
    counts = selectors.recent_label_counts()
    config = {
        "apiUrl": reverse("collector:api-drawings"),
        "prompts": selectors.prompt_plan(counts),
        "counts": counts,
        "contributorCount": selectors.contributor_count(user=request.user, contributor_key=key),
        "retryDelaysMs": constants.SAVE_RETRY_DELAYS_MS,
        "receiptsShown": constants.SAVED_RECEIPTS_SHOWN,
        "labelNames": {label: label_name(label) for label in LABELS},
        "notADigit": NOT_A_DIGIT,
    }
    prompt = config["prompts"][0]
    context = {
        "config": config,
        "labels": [(label, label_name(label)) for label in LABELS],
        "prompt": prompt,
        "prompt_name": label_name(prompt),
        "not_a_digit": NOT_A_DIGIT,
        "count_rows": [(label, label_name(label), count) for label, count in counts.items()],
    }
    return render(request, "collector/collect.html", context)


@api_view
@rate_limited("submit")
def drawings_api(request):
    """POST {"image": data URL, "label": 0-9 or 10 / "not-a-digit", "strokes": [...]} -> 201 with the stored drawing."""
    if request.method != "POST":
        raise ApiError("method_not_allowed", "Send the drawing with POST.", 405, {"Allow": "POST"})
    body = read_json(request)  # JSON only, so the label arrives as a number, never as form text.
    label = parse_label(body.get("label"))
    strokes = parse_strokes(body.get("strokes"))
    image, _ = image_from_request(request)
    key = session_contributor_key(request)
    submission = drawing_submit(image=image, label=label, strokes=strokes, contributor=request.user, contributor_key=key)
    return JsonResponse(_submission_body(request, submission, key), status=201)


def _submission_body(request, submission: Submission, contributor_key: str) -> dict:
    drawing = submission.drawing
    counts = selectors.recent_label_counts()
    prediction = None
    if drawing.predicted_label is not None:
        prediction = {"digit": drawing.predicted_label, "confidence": drawing.prediction_confidence, "model_version": drawing.model_version}
    return {
        "id": drawing.pk,
        "label": drawing.label,
        "prediction": prediction,
        "duplicate": submission.duplicate,
        "counts": counts,
        "contributor_count": selectors.contributor_count(user=request.user, contributor_key=contributor_key),
        "prompts": selectors.prompt_plan(counts),
    }
