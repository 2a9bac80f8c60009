"""Model version artifacts: model.keras + model.tflite + metadata.json in one folder.

A version is immutable once written. Loading validates it (files present, metadata matching
this code, a smoke prediction) and raises `ArtifactError` with the file at fault.
"""

import json
import math
from pathlib import Path

import numpy as np

from ml import constants
from ml.errors import ArtifactError
from ml.inference import Predictor

KERAS_FILE = "model.keras"
TFLITE_FILE = "model.tflite"
METADATA_FILE = "metadata.json"
REQUIRED_FILES = (KERAS_FILE, TFLITE_FILE, METADATA_FILE)


def save_version(folder, model, metadata: dict) -> Path:
    """Write the Keras model, its LiteRT export and the metadata into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / KERAS_FILE)
    (folder / TFLITE_FILE).write_bytes(export_tflite(model))
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2, sort_keys=True))
    return folder


def export_tflite(model) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    return converter.convert()


def read_metadata(data: bytes, source: str = METADATA_FILE) -> dict:
    try:
        metadata = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{source} is not valid JSON: {exc}.")
    if not isinstance(metadata, dict):
        raise ArtifactError(f"{source} must hold a JSON object.")
    check_compatible(metadata, source)
    return metadata


def check_compatible(metadata: dict, source: str) -> None:
    """Raise ArtifactError unless this code can serve a version with `metadata`."""
    expected = {
        "input_shape": list(constants.INPUT_SHAPE),
        "classes": list(constants.CLASS_NAMES),
        "preprocessing_version": constants.PREPROCESSING_VERSION,
    }
    for key, value in expected.items():
        if metadata.get(key) != value:
            raise ArtifactError(f"{source}: {key} is {metadata.get(key)!r}, but this code expects {value!r}.")
    threshold, temperature = metadata.get("threshold"), metadata.get("temperature", 1.0)
    if not _is_number(threshold) or not 0 <= threshold <= 1:
        raise ArtifactError(f"{source}: threshold is {threshold!r}; expected a number from 0 to 1.")
    if not _is_number(temperature) or temperature <= 0:
        raise ArtifactError(f"{source}: temperature is {temperature!r}; expected a positive number.")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def predictor_from_bytes(tflite_bytes: bytes, metadata: dict) -> Predictor:
    """Build a Predictor and prove it works with a smoke prediction."""
    predictor = Predictor(tflite_bytes, temperature=float(metadata.get("temperature", 1.0)), threshold=float(metadata["threshold"]))
    try:
        probabilities = predictor.probabilities(np.zeros((1, *constants.INPUT_SHAPE), np.float32))
    except (ValueError, RuntimeError) as exc:
        raise ArtifactError(f"{TFLITE_FILE} could not run: {str(exc).rstrip('.')}.")
    if probabilities.shape != (1, constants.NUM_CLASSES) or not np.isfinite(probabilities).all():
        raise ArtifactError(f"{TFLITE_FILE} gives output of shape {probabilities.shape}; expected (1, {constants.NUM_CLASSES}).")
    return predictor


def load_predictor(folder) -> tuple[Predictor, dict]:
    """Load and validate the serving path of the version in `folder`."""
    folder = Path(folder)
    for name in (TFLITE_FILE, METADATA_FILE):
        if not (folder / name).is_file():
            raise ArtifactError(f"{folder / name} is missing.")
    metadata = read_metadata((folder / METADATA_FILE).read_bytes(), str(folder / METADATA_FILE))
    return predictor_from_bytes((folder / TFLITE_FILE).read_bytes(), metadata), metadata


def load_keras_model(path):
    """Load the full Keras model (for evaluation or fine-tuning), with a clear error."""
    import keras

    from ml import augment  # noqa: F401  (registers the custom layers for deserialization)

    try:
        return keras.saving.load_model(path)
    except Exception as exc:  # Keras raises many types for corrupt files.
        raise ArtifactError(f"{path} is not a loadable Keras model: {exc}.")
