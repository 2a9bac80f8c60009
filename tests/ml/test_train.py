"""ml.train end to end on the shipped MNIST sample: one epoch, a complete model version folder."""

import json

import pytest
from PIL import Image

from ml import train
from ml.artifacts import load_predictor
from tests.ml.samples import MNIST_SAMPLE

pytestmark = pytest.mark.slow

REQUIRED_METADATA = {
    "architecture", "input_shape", "classes", "preprocessing_version", "threshold", "temperature",
    "metrics", "data_counts", "seed", "created", "training", "history", "training_seconds",
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    output = tmp_path_factory.mktemp("trained") / "version"
    train.main(["--output", str(output), "--mnist-dir", str(MNIST_SAMPLE), "--epochs", "1", "--negatives", "60", "--drawn", "60", "--shaped", "30", "--font-digits", "20", "--no-sklearn-digits", "--seed", "3"])
    return output


def test_training_writes_keras_tflite_metadata_and_both_plots(trained):
    names = {p.name for p in trained.iterdir()}
    assert {"model.keras", "model.tflite", "metadata.json", "training_curves.png", "confusion_matrix.png"} <= names
    for plot in ("training_curves.png", "confusion_matrix.png"):
        with Image.open(trained / plot) as image:
            assert image.format == "PNG" and min(image.size) > 100


def test_training_metadata_has_every_required_key(trained):
    metadata = json.loads((trained / "metadata.json").read_text())
    assert REQUIRED_METADATA <= metadata.keys()
    assert metadata["seed"] == 3 and metadata["training"]["epochs"] == 1
    assert metadata["data_counts"]["mnist_test"] == 300
    assert {"mnist_test", "rejection"} <= metadata["metrics"].keys()
    assert 0.0 <= metadata["metrics"]["mnist_test"]["accuracy"] <= 1.0
    assert len(metadata["history"]["loss"]) == 1


def test_trained_version_loads_for_serving(trained):
    predictor, metadata = load_predictor(trained)
    assert predictor.threshold == metadata["threshold"]


def test_recalibrating_rebuilds_the_training_validation_split_and_keeps_the_weights(trained, tmp_path):
    from ml import recalibrate

    copy = tmp_path / "version"
    copy.mkdir()
    for path in trained.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    before = json.loads((copy / "metadata.json").read_text())
    (copy / "metadata.json").write_text(json.dumps(before | {"preprocessing_version": "0"}))
    recalibrate.main(["--version", str(copy), "--mnist-dir", str(MNIST_SAMPLE)])
    after = json.loads((copy / "metadata.json").read_text())
    # Same preprocessing, same split, same weights: the calibration must come out unchanged.
    assert (after["temperature"], after["threshold"]) == (before["temperature"], before["threshold"])
    assert after["metrics"]["mnist_test"] == before["metrics"]["mnist_test"]
    assert after["preprocessing_version"] == before["preprocessing_version"]
    assert "trained on preprocessing version 0" in after["calibration_note"]
    for name in ("model.keras", "model.tflite"):
        assert (copy / name).read_bytes() == (trained / name).read_bytes()
