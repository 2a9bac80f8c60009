from django.shortcuts import render
from django.urls import reverse

from collector.labels import LABELS, label_name
from ml.constants import DIGITS, NOT_A_DIGIT
from ml.preprocess import MIN_INK_EXTENT
from recognizer.constants import LIVE_PREDICTION_INTERVAL_MS

# Stands for the prediction id in the feedback URL handed to the page's script.
PREDICTION_ID_PLACEHOLDER = "prediction-id"


def home_page(request):
    """The draw-and-predict page; its script reads `config` (URLs, timings) and the CSRF token from it."""
    config = {
        "predictUrl": reverse("recognizer:predict"),
        "feedbackUrl": reverse("recognizer:feedback", args=[PREDICTION_ID_PLACEHOLDER]),
        "predictionIdPlaceholder": PREDICTION_ID_PLACEHOLDER,
        "livePredictionIntervalMs": LIVE_PREDICTION_INTERVAL_MS,
        "minInkExtent": MIN_INK_EXTENT,
        "labelNames": {label: label_name(label) for label in LABELS},
        "notADigit": NOT_A_DIGIT,
    }
    context = {"config": config, "digits": DIGITS, "labels": [(label, label_name(label)) for label in LABELS], "not_a_digit": NOT_A_DIGIT}
    return render(request, "recognizer/home.html", context)
