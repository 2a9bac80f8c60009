"""WSGI entry point for throughput_budget.py: the real site with steps of a prediction made free.

    BENCH_FREE=preprocess[,inference] [BENCH_PREPROCESS_MS=0.25] gunicorn --pythonpath bench whatif_wsgi:application

A step named in BENCH_FREE answers from a per-worker cache of its real result for the same
input (the bench posts one image), so what is left is the rest of a request under the same
load. BENCH_PREPROCESS_MS then burns that much CPU in place of preprocessing: a stand-in for a
cheaper preprocessing. Only the bench imports this; the site has no such switch.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitsite.wsgi import application  # noqa: E402,F401  (sets Django up)
from ml.inference import Predictor  # noqa: E402
from recognizer import predicting  # noqa: E402

FREE = set(filter(None, os.environ.get("BENCH_FREE", "").split(",")))
PREPROCESS_SECONDS = float(os.environ.get("BENCH_PREPROCESS_MS", "0")) / 1000


def _cached(function, key):
    results = {}

    def answer(*args, **kwargs):
        found = key(*args, **kwargs)
        if found not in results:
            results[found] = function(*args, **kwargs)
        return results[found]

    return answer


def _burning(function):
    def answer(*args, **kwargs):
        deadline = time.thread_time() + PREPROCESS_SECONDS
        while time.thread_time() < deadline:
            pass
        return function(*args, **kwargs)

    return answer


if "preprocess" in FREE:
    cached = _cached(predicting.preprocess, key=lambda source: source)
    predicting.preprocess = _burning(cached) if PREPROCESS_SECONDS else cached
if "inference" in FREE:
    Predictor.predict = _cached(Predictor.predict, key=lambda predictor, model_input: (id(predictor), model_input.tobytes()))
