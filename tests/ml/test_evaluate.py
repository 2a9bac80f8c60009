"""ml.evaluate on small hand-made arrays whose answers can be worked out by hand."""

import numpy as np
import pytest

from ml import evaluate
from ml.constants import NOT_A_DIGIT, NUM_CLASSES


def probabilities(*rows: dict) -> np.ndarray:
    """One row per dict {class: probability}; the rest of each row's mass is spread evenly."""
    table = np.zeros((len(rows), NUM_CLASSES))
    for i, row in enumerate(rows):
        rest = (1.0 - sum(row.values())) / (NUM_CLASSES - len(row))
        table[i] = rest
        for k, p in row.items():
            table[i, k] = p
    return table


def test_softmax_rows_sum_to_one_and_keep_the_order():
    logits = np.array([[1.0, 3.0, 2.0] + [0.0] * 8])
    result = evaluate.softmax(logits)
    assert result.sum() == pytest.approx(1.0)
    assert list(np.argsort(-result[0])[:3]) == [1, 2, 0]


def test_softmax_is_stable_for_huge_logits():
    assert np.isfinite(evaluate.softmax(np.array([[1000.0, 0.0]]))).all()


def test_higher_temperature_flattens_the_distribution():
    logits = np.array([[4.0, 0.0, 0.0]])
    assert evaluate.softmax(logits, 2.0).max() < evaluate.softmax(logits, 1.0).max()


def test_digit_scores_ignore_the_not_a_digit_class():
    digits, confidence = evaluate.digit_scores(probabilities({3: 0.3, NOT_A_DIGIT: 0.6}))
    assert digits.tolist() == [3] and confidence[0] == pytest.approx(0.3)


def test_accepted_needs_the_threshold_and_to_beat_not_a_digit():
    rows = probabilities({3: 0.9}, {3: 0.4}, {3: 0.45, NOT_A_DIGIT: 0.5}, {3: 0.5, NOT_A_DIGIT: 0.45})
    assert evaluate.accepted(rows, threshold=0.45).tolist() == [True, False, False, True]


def test_fit_temperature_recovers_how_overconfident_logits_are():
    rng = np.random.default_rng(0)
    calibrated = rng.normal(0, 2, size=(4000, NUM_CLASSES))
    labels = np.array([rng.choice(NUM_CLASSES, p=p) for p in evaluate.softmax(calibrated)])
    assert evaluate.fit_temperature(calibrated * 2.5, labels) == pytest.approx(2.5, rel=0.1)


def test_tune_threshold_accepts_the_target_share_of_digits():
    confidences = np.linspace(0.05, 0.95, 100)
    rows = probabilities(*({0: c} for c in confidences))
    threshold = evaluate.tune_threshold(rows, target_acceptance=0.9)
    assert evaluate.accepted(rows, threshold).mean() == pytest.approx(0.9, abs=0.011)


def test_ece_is_zero_when_confidence_matches_accuracy():
    rows = probabilities(*({0: 0.5},) * 4)[:, :10]
    assert evaluate.expected_calibration_error(rows, np.array([0, 0, 1, 1])) == pytest.approx(0.0, abs=1e-9)


def test_ece_is_the_gap_between_confidence_and_accuracy():
    rows = np.tile(np.eye(10)[0] * 0.9 + 0.01, (4, 1))  # 0.91 on class 0 for every row; half are right.
    assert evaluate.expected_calibration_error(rows, np.array([0, 0, 1, 1])) == pytest.approx(0.41)


def test_ece_weights_each_bin_by_its_share_of_rows():
    confident, unsure = np.full(10, 0.01), np.full(10, 0.08)
    confident[0], unsure[0] = 0.91, 0.28
    rows = np.array([confident, confident, unsure, unsure])
    # Bin of 0.91: accuracy 1.0, gap 0.09; bin of 0.28: accuracy 0.0, gap 0.28; half the rows each.
    assert evaluate.expected_calibration_error(rows, np.array([0, 0, 1, 1])) == pytest.approx((0.09 + 0.28) / 2)


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    matrix = evaluate.confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0]), classes=3)
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_per_class_scores_are_precision_recall_f1_and_support():
    matrix = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    scores = evaluate.per_class_scores(matrix)
    assert scores[0] == pytest.approx({"class": 0, "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert scores[1] == pytest.approx({"class": 1, "precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert scores[2] == pytest.approx({"class": 2, "precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})


def test_per_class_scores_of_an_absent_class_are_zero_not_nan():
    scores = evaluate.per_class_scores(np.array([[2, 0], [0, 0]]))
    assert scores[1] == {"class": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def test_digit_report_has_accuracy_acceptance_calibration_and_confusion():
    rows = probabilities({1: 0.9}, {2: 0.8}, {3: 0.3}, {4: 0.1, NOT_A_DIGIT: 0.8})
    report = evaluate.digit_report(rows, np.array([1, 2, 5, 4]), threshold=0.5)
    assert report["count"] == 4
    assert report["accuracy"] == pytest.approx(0.75)
    assert report["acceptance_rate"] == pytest.approx(0.5)
    assert 0.0 <= report["ece"] <= 1.0
    assert np.array(report["confusion_matrix"]).shape == (10, 10) and report["confusion_matrix"][5][3] == 1
    assert [s["support"] for s in report["per_class"]] == [0, 1, 1, 0, 1, 1, 0, 0, 0, 0]


def test_rejection_report_compares_with_a_max_softmax_baseline():
    digits = probabilities(*({d % 10: 0.6 + 0.003 * d} for d in range(100)))
    # Negatives the extra class catches but whose digit part alone looks confident.
    negatives = probabilities(*({7: 0.2, NOT_A_DIGIT: 0.75} for _ in range(10)))
    report = evaluate.rejection_report(digits, negatives, threshold=0.5)
    assert report["threshold"] == 0.5
    assert report["digit_acceptance"] == 1.0
    assert report["negative_rejection"] == 1.0
    assert report["baseline_max_softmax"]["digit_acceptance"] == 0.95
    assert report["baseline_max_softmax"]["negative_rejection"] == 0.0


def test_not_a_digit_report_counts_the_share_rejected():
    rows = probabilities({NOT_A_DIGIT: 0.9}, {3: 0.3}, {3: 0.95}, {4: 0.4, NOT_A_DIGIT: 0.55})
    assert evaluate.not_a_digit_report(rows, threshold=0.5) == {"count": 4, "rejected": 0.75}


def test_not_a_digit_report_of_nothing_has_no_rate():
    assert evaluate.not_a_digit_report(np.zeros((0, NUM_CLASSES)), threshold=0.5) == {"count": 0, "rejected": None}


def test_split_not_a_digit_separates_label_10_from_the_digits():
    digits, negatives = evaluate.split_not_a_digit(np.array([0, NOT_A_DIGIT, 9, NOT_A_DIGIT]))
    assert digits.tolist() == [True, False, True, False] and negatives.tolist() == [False, True, False, True]
