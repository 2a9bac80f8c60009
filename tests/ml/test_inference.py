"""ml.inference: the one prediction shape, the LiteRT predictor, and a serving path without TensorFlow."""

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from ml.artifacts import load_predictor
from ml.constants import NOT_A_DIGIT, NUM_CLASSES
from ml.inference import TOP_K, Prediction, Predictor, to_prediction
from ml.preprocess import preprocess
from tests.ml.drawings import canvas_drawing, encode

REPO = Path(__file__).resolve().parents[2]


def row(**probabilities) -> np.ndarray:
    """11 class probabilities: named digits (d3=0.5) and `nad` for "not a digit"; zeros elsewhere."""
    values = np.zeros(NUM_CLASSES)
    for name, p in probabilities.items():
        values[NOT_A_DIGIT if name == "nad" else int(name[1:])] = p
    return values


def test_prediction_has_ten_digit_probabilities_summing_to_one():
    prediction = to_prediction(row(d3=0.6, d8=0.2, d5=0.1, nad=0.1), threshold=0.5)
    assert len(prediction.probabilities) == 10
    assert sum(prediction.probabilities) == pytest.approx(1.0)
    assert prediction.probabilities[3] == pytest.approx(0.6 / 0.9)


def test_prediction_top_three_are_sorted_most_likely_first():
    prediction = to_prediction(row(d3=0.5, d8=0.2, d5=0.25, nad=0.05), threshold=0.5)
    assert [t["digit"] for t in prediction.top] == [3, 5, 8]
    probabilities = [t["probability"] for t in prediction.top]
    assert probabilities == sorted(probabilities, reverse=True) and len(probabilities) == TOP_K


def test_prediction_reports_digit_confidence_and_not_a_digit():
    prediction = to_prediction(row(d7=0.7, d1=0.2, nad=0.1), threshold=0.5)
    assert (prediction.digit, prediction.confidence, prediction.not_a_digit) == (7, pytest.approx(0.7), pytest.approx(0.1))
    assert prediction.accepted


def test_prediction_below_the_threshold_is_not_accepted():
    assert not to_prediction(row(d7=0.4, d1=0.35, nad=0.25), threshold=0.5).accepted


def test_prediction_beaten_by_not_a_digit_is_not_accepted():
    assert not to_prediction(row(d7=0.45, nad=0.55), threshold=0.3).accepted


def test_predictor_predicts_one_preprocessed_drawing(tiny_version):
    predictor, _ = load_predictor(tiny_version)
    prediction = predictor.predict(preprocess(encode(canvas_drawing("7"))))
    assert isinstance(prediction, Prediction)
    assert 0 <= prediction.digit <= 9 and prediction.top[0]["digit"] == prediction.digit
    assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-5)


def test_predictor_probabilities_of_a_batch(tiny_version, sample_inputs):
    predictor, _ = load_predictor(tiny_version)
    probabilities = predictor.probabilities(sample_inputs)
    assert probabilities.shape == (len(sample_inputs), NUM_CLASSES)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_predictor_of_an_empty_batch_is_empty(tiny_version):
    predictor, _ = load_predictor(tiny_version)
    assert predictor.logits(np.zeros((0, 28, 28, 1), np.float32)).shape == (0, NUM_CLASSES)


def test_higher_temperature_gives_flatter_probabilities(tiny_version, sample_inputs):
    model = (tiny_version / "model.tflite").read_bytes()
    sharp = Predictor(model, temperature=1.0, threshold=0.5).probabilities(sample_inputs)
    flat = Predictor(model, temperature=3.0, threshold=0.5).probabilities(sample_inputs)
    assert (flat.max(axis=1) < sharp.max(axis=1)).all()


def test_predictor_gives_the_same_answers_from_many_threads(tiny_version, sample_inputs):
    predictor, _ = load_predictor(tiny_version)
    expected = predictor.probabilities(sample_inputs)
    results = []

    def work():
        results.append(predictor.probabilities(sample_inputs))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(np.array_equal(r, expected) for r in results)


SERVING_ONLY = """
import sys
from ml.artifacts import load_predictor
from ml.preprocess import preprocess
predictor, _ = load_predictor(sys.argv[1])
predictor.predict(preprocess([0] * 400 + [255] * 20 + [0] * 364))
heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print(",".join(heavy) or "none")
"""


def test_serving_path_never_imports_tensorflow_or_keras(tiny_version):
    result = subprocess.run([sys.executable, "-c", SERVING_ONLY, str(tiny_version)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
