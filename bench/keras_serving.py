"""The same model version answering through Keras `model.predict()`: the benches' baseline.

`keras_predictor_for` has the signature of `recognizer.artifacts.load_predictor`, so a bench can
swap it in and leave every other step of a request (view, preprocessing, logging) as it is.
"""

import tempfile
from pathlib import Path

import numpy as np

from ml.artifacts import KERAS_FILE, METADATA_FILE, load_keras_model, read_metadata
from ml.inference import Predictor


class KerasPredictor(Predictor):
    """A Predictor whose logits come from `model.predict()` instead of the LiteRT interpreter."""

    def __init__(self, model, metadata: dict):
        super().__init__(b"", temperature=float(metadata.get("temperature", 1.0)), threshold=float(metadata["threshold"]))
        self.model = model

    def logits(self, batch: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(batch, verbose=0))


def keras_predictor_for(version) -> KerasPredictor:
    """Load a ModelVersion's model.keras from storage (Keras needs a file path)."""
    from recognizer import artifacts

    metadata = read_metadata(artifacts.read_bytes(version.artifact_path(METADATA_FILE)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / KERAS_FILE
        path.write_bytes(artifacts.read_bytes(version.artifact_path(KERAS_FILE)))
        return KerasPredictor(load_keras_model(path), metadata)
