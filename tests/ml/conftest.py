"""A tiny saved model version for the artifact and inference tests (trained once per run)."""

from pathlib import Path

import numpy as np
import pytest

from ml import constants, mnist
from ml.preprocess import preprocess_many
from tests.ml.samples import MNIST_SAMPLE


def version_metadata(**overrides) -> dict:
    """The metadata keys loading checks, with valid values."""
    return {
        "architecture": "test",
        "input_shape": list(constants.INPUT_SHAPE),
        "classes": list(constants.CLASS_NAMES),
        "preprocessing_version": constants.PREPROCESSING_VERSION,
        "threshold": 0.5,
        "temperature": 1.0,
    } | overrides


@pytest.fixture(scope="session")
def tiny_model():
    """The project's CNN trained for one epoch on the shipped MNIST sample."""
    import keras

    from ml.model import build_model

    keras.utils.set_random_seed(0)
    images, labels = mnist.load_split("train", MNIST_SAMPLE)
    model = build_model()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(preprocess_many(images), labels, epochs=1, batch_size=64, verbose=0)
    return model


@pytest.fixture(scope="session")
def tiny_version(tiny_model, tmp_path_factory) -> Path:
    """A saved version folder: model.keras, model.tflite, metadata.json."""
    from ml.artifacts import save_version

    return save_version(tmp_path_factory.mktemp("version"), tiny_model, version_metadata())


@pytest.fixture(scope="session")
def sample_inputs() -> np.ndarray:
    images, _ = mnist.load_split("test", MNIST_SAMPLE)
    return preprocess_many(images[:20])
