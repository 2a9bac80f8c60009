"""Metrics for a trained model: accuracy, per-class scores, confusion, calibration, rejection."""

import numpy as np

from ml.constants import DIGITS, NOT_A_DIGIT

CALIBRATION_BINS = 15


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=-1, keepdims=True)


def digit_scores(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(predicted digit, its probability) for each row: the answer the API gives."""
    digits = probabilities[:, : len(DIGITS)].argmax(axis=1)
    return digits, probabilities[np.arange(len(digits)), digits]


def accepted(probabilities: np.ndarray, threshold: float) -> np.ndarray:
    """An input is accepted as a digit when its top digit beats both the threshold and 'not a digit'."""
    digits, confidence = digit_scores(probabilities)
    return (confidence >= threshold) & (confidence > probabilities[:, NOT_A_DIGIT])


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The softmax temperature that minimizes negative log-likelihood (grid search)."""
    grid = np.exp(np.linspace(np.log(0.5), np.log(4.0), 60))
    losses = [-np.log(softmax(logits, t)[np.arange(len(labels)), labels] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(losses))])


def tune_threshold(digit_probabilities: np.ndarray, target_acceptance: float) -> float:
    """The largest threshold that still accepts `target_acceptance` of known digits."""
    _, confidence = digit_scores(digit_probabilities)
    return float(np.quantile(confidence, 1.0 - target_acceptance))


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray) -> float:
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error = 0.0
    for b in range(CALIBRATION_BINS):
        members = bins == b
        if members.any():
            error += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(error)


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int = len(DIGITS)) -> np.ndarray:
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def per_class_scores(matrix: np.ndarray) -> list[dict]:
    scores = []
    for k in range(len(matrix)):
        true_pos = matrix[k, k]
        precision = true_pos / max(matrix[:, k].sum(), 1)
        recall = true_pos / max(matrix[k].sum(), 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        scores.append({"class": k, "precision": float(precision), "recall": float(recall), "f1": float(f1), "support": int(matrix[k].sum())})
    return scores


def digit_report(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> dict:
    """Everything we report for a labeled set of digits."""
    predictions, _ = digit_scores(probabilities)
    matrix = confusion_matrix(labels, predictions)
    return {
        "count": int(len(labels)),
        "accuracy": float((predictions == labels).mean()) if len(labels) else 0.0,
        "acceptance_rate": float(accepted(probabilities, threshold).mean()) if len(labels) else 0.0,
        "ece": expected_calibration_error(probabilities[:, : len(DIGITS)] / probabilities[:, : len(DIGITS)].sum(axis=1, keepdims=True), labels) if len(labels) else 0.0,
        "per_class": per_class_scores(matrix),
        "confusion_matrix": matrix.tolist(),
    }


def not_a_digit_report(probabilities: np.ndarray, threshold: float) -> dict:
    """For inputs labeled "not a digit": how many there are and the share the model rejects
    (the right answer for them). `rejected` is None without any such input."""
    count = len(probabilities)
    return {"count": int(count), "rejected": float(1.0 - accepted(probabilities, threshold).mean()) if count else None}


def split_not_a_digit(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (digit rows, "not a digit" rows) of a label array that may hold both."""
    negatives = np.asarray(labels) == NOT_A_DIGIT
    return ~negatives, negatives


def rejection_report(digit_probabilities: np.ndarray, negative_probabilities: np.ndarray, threshold: float, baseline_acceptance: float = 0.95) -> dict:
    """How well 'not a digit' works, against a plain max-softmax threshold over the digits alone."""
    baseline_digits = _renormalized_digit_confidence(digit_probabilities)
    baseline_negatives = _renormalized_digit_confidence(negative_probabilities)
    baseline_threshold = float(np.quantile(baseline_digits, 1.0 - baseline_acceptance))
    return {
        "threshold": threshold,
        "digit_acceptance": float(accepted(digit_probabilities, threshold).mean()),
        "negative_rejection": float(1.0 - accepted(negative_probabilities, threshold).mean()),
        "baseline_max_softmax": {
            "digit_acceptance": baseline_acceptance,
            "negative_rejection": float((baseline_negatives < baseline_threshold).mean()),
        },
    }


def _renormalized_digit_confidence(probabilities: np.ndarray) -> np.ndarray:
    digits = probabilities[:, : len(DIGITS)]
    return (digits / digits.sum(axis=1, keepdims=True)).max(axis=1)


def auroc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """Area under the ROC curve: the chance that a positive outscores a negative (ties count half)."""
    positive, negative = np.asarray(positive_scores, float), np.asarray(negative_scores, float)
    if not len(positive) or not len(negative):
        return float("nan")
    ranks = _average_ranks(np.concatenate([positive, negative]))
    rank_sum = ranks[: len(positive)].sum()
    return float((rank_sum - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing their mean rank (Mann-Whitney U)."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends):
        ranks[order[start:end]] = (start + end + 1) / 2
    return ranks
