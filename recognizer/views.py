from django.shortcuts import render
from django.urls import reverse

from ml.constants import DIGITS
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
    }
    return render(request, "recognizer/home.html", {"config": config, "digits": DIGITS})
