"""Retraining on top of `ml.train`: the two presets, how much collected drawings weigh, scores.

`fine-tune` continues from an existing model with a low learning rate on a sample of MNIST
(so the model keeps what it knew) plus the new drawings; `from-scratch` is the full training.
"""

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from ml import evaluate
from ml.dataset import Split, make_split
from ml.train import TrainingConfig, logits_of

MODES = ("fine-tune", "from-scratch")
PRESETS = {
    # Sized to finish within a minute on 2 cores with 1,000 drawings; the MNIST, negative and
    # drawn-digit samples keep the model from forgetting what it knew.
    "fine-tune": TrainingConfig(
        epochs=2, learning_rate=2e-4, mnist_limit=6_000, negatives=1_500, drawn=200, shaped=600, font_digits=300, sklearn_digits=False, validation_size=750, verbose=2
    ),
    "from-scratch": TrainingConfig(verbose=2),
}
MNIST_TRAIN_IMAGES = 60_000
# Collected drawings carry this share of the total training weight, so a few hundred of them
# matter next to tens of thousands of MNIST images ...
DRAWING_SHARE = 0.2
# ... but no drawing counts for more than this many MNIST images, so a handful cannot dominate.
MAX_DRAWING_WEIGHT = 8.0


def config_for(mode: str, *, epochs: int | None = None, seed: int = 0, mnist_dir=None) -> TrainingConfig:
    preset = PRESETS[mode]
    return replace(preset, epochs=epochs or preset.epochs, seed=seed, mnist_dir=mnist_dir)


def drawing_weight(config: TrainingConfig, drawings: int) -> float:
    """Sample weight per drawing that gives the drawings DRAWING_SHARE of the training weight."""
    others = min(config.mnist_limit or MNIST_TRAIN_IMAGES, MNIST_TRAIN_IMAGES) + config.negatives + config.drawn + config.shaped + config.font_digits
    weight = DRAWING_SHARE / (1 - DRAWING_SHARE) * others / max(drawings, 1)
    return float(np.clip(weight, 1.0, MAX_DRAWING_WEIGHT))


def weighted_drawings(x: np.ndarray, y: np.ndarray, config: TrainingConfig) -> Split:
    return make_split(x, y, weight=drawing_weight(config, len(y)))


def score(model, split: Split, metadata: dict) -> dict:
    """The digit report of a Keras `model` on `split` (digits only), calibrated as its metadata says."""
    return evaluate.digit_report(_probabilities(model, split, metadata), split.y, float(metadata["threshold"]))


def rejection_score(model, split: Split, metadata: dict) -> dict:
    """For a split labeled "not a digit": {"count", "accuracy"}, where the right answer, and so
    the accuracy, is the share the model rejects."""
    report = evaluate.not_a_digit_report(_probabilities(model, split, metadata), float(metadata["threshold"]))
    return {"count": report["count"], "accuracy": report["rejected"]}


def _probabilities(model, split: Split, metadata: dict) -> np.ndarray:
    return evaluate.softmax(logits_of(model, split.x), float(metadata.get("temperature", 1.0)))


def load_model_bytes(data: bytes):
    """A Keras model from the bytes of a `model.keras` file (e.g. read from object storage)."""
    from ml.artifacts import load_keras_model

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        return load_keras_model(path)
