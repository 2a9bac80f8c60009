"""Re-measure a model version under the current preprocessing, keeping its weights.

    python -m ml.recalibrate --version FOLDER --mnist-dir DIR

For a preprocessing change that leaves MNIST's own 28x28 inputs untouched but prepares canvas
inputs differently (a new PREPROCESSING_VERSION), a trained model need not be thrown away:
this re-fits its temperature and threshold on the validation split its training used, made
with today's preprocessing, and re-runs the test reports. Only metadata.json and the
confusion-matrix plot are rewritten; model.keras and model.tflite stay as trained. Check the
new figures before shipping the version: they are the evidence that it still fits.
"""

import argparse
import dataclasses
import json
import os
from pathlib import Path

from ml import constants
from ml.artifacts import KERAS_FILE, METADATA_FILE, load_keras_model
from ml.plots import plot_confusion_matrix
from ml.train import TrainingConfig, calibrate_and_evaluate, evaluation_splits, training_splits


def recalibrate(folder: Path, mnist_dir: str | None) -> dict:
    metadata = json.loads((folder / METADATA_FILE).read_text())
    known = {f.name for f in dataclasses.fields(TrainingConfig)}
    config = TrainingConfig(**{k: v for k, v in metadata["training"].items() if k in known}, mnist_dir=mnist_dir)
    _, validation = training_splits(config)
    model = load_keras_model(folder / KERAS_FILE)
    previous = metadata["preprocessing_version"]
    metadata |= calibrate_and_evaluate(model, validation, *evaluation_splits(config))
    metadata["preprocessing_version"] = constants.PREPROCESSING_VERSION
    metadata["calibration_note"] = (
        f"weights trained on preprocessing version {previous}; temperature, threshold and metrics "
        f"re-measured on version {constants.PREPROCESSING_VERSION} inputs by ml.recalibrate"
    )
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2, sort_keys=True))
    plot_confusion_matrix(metadata["metrics"]["mnist_test"]["confusion_matrix"], folder / "confusion_matrix.png", "MNIST test")
    return metadata


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", required=True, type=Path, help="model version folder to update in place")
    parser.add_argument("--mnist-dir", default=os.environ.get("MNIST_DIR"), help="folder of MNIST IDX files (default: $MNIST_DIR, else download)")
    args = parser.parse_args(argv)
    metadata = recalibrate(args.version, args.mnist_dir)
    metrics = metadata["metrics"]
    print(f"temperature {metadata['temperature']:.4f}, threshold {metadata['threshold']:.4f}")
    for name in ("mnist_test", "drawn_test"):
        print(f"{name}: accuracy {metrics[name]['accuracy']:.4%}, acceptance {metrics[name]['acceptance_rate']:.4%}")
    print(f"rejection: {metrics['rejection']}")


if __name__ == "__main__":
    main()
