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
    """Logits of 11 class probabilities: named digits (d3=0.5) and `nad` for "not a digit"; the
    other classes get a probability too small to matter (e**-40 of the largest)."""
    values = np.full(NUM_CLASSES, -40.0)
    for name, p in probabilities.items():
        values[NOT_A_DIGIT if name == "nad" else int(name[1:])] = np.log(p)
    return values


def predicted(logits: np.ndarray, threshold: float = 0.5) -> Prediction:
    return to_prediction(logits=logits, threshold=threshold)


def digits_and_nad(digits: dict, nad: float) -> np.ndarray:
    """Raw logits: {digit: logit} for some digits (0 for the others) and the "not a digit" logit."""
    values = np.zeros(NUM_CLASSES)
    for digit, logit in digits.items():
        values[digit] = logit
    values[NOT_A_DIGIT] = nad
    return values


def test_prediction_has_ten_digit_probabilities_summing_to_one():
    prediction = predicted(row(d3=0.6, d8=0.2, d5=0.1, nad=0.1))
    assert len(prediction.probabilities) == 10
    assert sum(prediction.probabilities) == pytest.approx(1.0)
    assert prediction.probabilities[3] == pytest.approx(0.6 / 0.9)


def test_prediction_top_three_are_sorted_most_likely_first():
    prediction = predicted(row(d3=0.5, d8=0.2, d5=0.25, nad=0.05))
    assert [t["digit"] for t in prediction.top] == [3, 5, 8]
    probabilities = [t["probability"] for t in prediction.top]
    assert probabilities == sorted(probabilities, reverse=True) and len(probabilities) == TOP_K


def test_prediction_reports_digit_confidence_and_not_a_digit():
    prediction = predicted(row(d7=0.7, d1=0.2, nad=0.1))
    assert (prediction.digit, prediction.confidence, prediction.not_a_digit) == (7, pytest.approx(0.7), pytest.approx(0.1))
    assert prediction.accepted


def test_prediction_below_the_threshold_is_not_accepted():
    assert not predicted(row(d7=0.4, d1=0.35, nad=0.25)).accepted


def test_prediction_beaten_by_not_a_digit_is_not_accepted():
    assert not predicted(row(d7=0.45, nad=0.55), threshold=0.3).accepted


@pytest.mark.parametrize("lead", [40, 120, 400])
def test_digit_probabilities_sum_to_one_when_not_a_digit_dominates(lead):
    # The old answer divided the 11-class digit probabilities by their sum: beyond ~90 nats
    # they are all 0.0 in float32, and the ten values summed to 0 (or ~1e-8 near 40 nats).
    logits = digits_and_nad({8: 3.0, 3: 2.0, 9: 1.0}, nad=3.0 + lead)
    prediction = predicted(logits.astype(np.float32))
    assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-9)
    expected = np.exp(logits[:10]) / np.exp(logits[:10]).sum()
    assert prediction.probabilities == pytest.approx(list(expected), rel=1e-6)
    assert prediction.digit == 8 and prediction.probabilities[8] == pytest.approx(expected[8])
    assert prediction.not_a_digit == pytest.approx(1.0)
    assert prediction.confidence == pytest.approx(np.exp(-lead), rel=1e-4)
    assert not prediction.accepted
    assert all(np.isfinite(prediction.probabilities)) and np.isfinite(prediction.confidence)


def test_confidence_is_the_top_digits_probability_among_all_eleven_classes():
    logits = digits_and_nad({4: 2.0, 9: 1.0}, nad=1.5)
    prediction = predicted(logits, threshold=0.3)
    everything = np.exp(logits) / np.exp(logits).sum()
    assert prediction.confidence == pytest.approx(everything[4])
    assert prediction.not_a_digit == pytest.approx(everything[NOT_A_DIGIT])
    assert prediction.probabilities[4] == pytest.approx(np.exp(2.0) / (np.exp(2.0) + np.exp(1.0) + 8))
    assert prediction.accepted == (everything[4] >= 0.3 and everything[4] > everything[NOT_A_DIGIT])


def test_top_repeats_the_largest_of_the_ten_probabilities():
    prediction = predicted(digits_and_nad({2: 1.0, 6: 4.0, 0: 2.5, 7: 2.5}, nad=60.0))
    assert [t["digit"] for t in prediction.top] == [6, 0, 7]  # Ties keep the lower digit first.
    assert [t["probability"] for t in prediction.top] == [prediction.probabilities[d] for d in (6, 0, 7)]
    assert prediction.top[0]["digit"] == prediction.digit


def test_predictor_predicts_one_preprocessed_drawing(tiny_version):
    predictor, _ = load_predictor(tiny_version)
    prediction = predictor.predict(preprocess(encode(canvas_drawing("7"))))
    assert isinstance(prediction, Prediction)
    assert 0 <= prediction.digit <= 9 and prediction.top[0]["digit"] == prediction.digit
    assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-5)
    assert prediction.not_a_digit == pytest.approx(float(predictor.probabilities(preprocess(encode(canvas_drawing("7")))[np.newaxis])[0, NOT_A_DIGIT]), abs=1e-5)


def test_predictions_of_a_batch_match_one_by_one(tiny_version, sample_inputs):
    predictor, _ = load_predictor(tiny_version)
    assert predictor.predictions(sample_inputs) == [predictor.predict(x) for x in sample_inputs]


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
