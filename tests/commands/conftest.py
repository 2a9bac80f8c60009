from dataclasses import replace
from pathlib import Path

import pytest

from ml import finetune

MNIST_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "mnist-sample"


@pytest.fixture
def quick_training(monkeypatch, settings):
    """Retraining on the shipped MNIST sample with few synthetic negatives, one epoch."""
    settings.MNIST_DIR = str(MNIST_SAMPLE)
    for mode, preset in finetune.PRESETS.items():
        monkeypatch.setitem(finetune.PRESETS, mode, replace(preset, epochs=1, negatives=200, drawn=100, shaped=60, font_digits=30, sklearn_digits=False, validation_size=150))
    return MNIST_SAMPLE
