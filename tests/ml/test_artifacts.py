"""ml.artifacts: a saved version loads and serves like the Keras model; broken ones fail clearly."""

import json
import shutil

import numpy as np
import pytest

from ml import artifacts
from ml.errors import ArtifactError
from tests.ml.conftest import version_metadata


@pytest.fixture
def version(tiny_version, tmp_path):
    """A private copy of the tiny version that a test may damage."""
    return shutil.copytree(tiny_version, tmp_path / "version")


def write_metadata(folder, metadata) -> None:
    (folder / artifacts.METADATA_FILE).write_text(json.dumps(metadata))


def test_saved_version_holds_keras_tflite_and_metadata(tiny_version):
    assert sorted(p.name for p in tiny_version.iterdir()) == sorted(artifacts.REQUIRED_FILES)
    assert json.loads((tiny_version / artifacts.METADATA_FILE).read_text()) == version_metadata()


def test_loaded_predictor_matches_the_keras_model(tiny_version, tiny_model, sample_inputs):
    from ml.evaluate import softmax

    predictor, metadata = artifacts.load_predictor(tiny_version)
    assert metadata == version_metadata()
    expected = softmax(np.asarray(tiny_model(sample_inputs, training=False)))
    assert np.allclose(predictor.probabilities(sample_inputs), expected, atol=1e-4)


def test_keras_model_loads_back_with_the_same_outputs(tiny_version, tiny_model, sample_inputs):
    loaded = artifacts.load_keras_model(tiny_version / artifacts.KERAS_FILE)
    assert np.allclose(loaded(sample_inputs, training=False), tiny_model(sample_inputs, training=False), atol=1e-5)


@pytest.mark.parametrize("content", [b"", b"definitely not a flatbuffer", b"TFL3" + bytes(4000)])
def test_corrupt_tflite_is_an_artifact_error_naming_the_file(version, content):
    (version / artifacts.TFLITE_FILE).write_bytes(content)
    with pytest.raises(ArtifactError, match="model.tflite"):
        artifacts.load_predictor(version)


def test_truncated_tflite_is_an_artifact_error(version):
    path = version / artifacts.TFLITE_FILE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ArtifactError, match="model.tflite"):
        artifacts.load_predictor(version)


@pytest.mark.parametrize("name", [artifacts.TFLITE_FILE, artifacts.METADATA_FILE])
def test_missing_file_is_an_artifact_error_naming_it(version, name):
    (version / name).unlink()
    with pytest.raises(ArtifactError, match=name):
        artifacts.load_predictor(version)


def test_missing_folder_is_an_artifact_error(tmp_path):
    with pytest.raises(ArtifactError, match="nowhere"):
        artifacts.load_predictor(tmp_path / "nowhere")


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "\"a string\""])
def test_unreadable_metadata_is_an_artifact_error(version, text):
    (version / artifacts.METADATA_FILE).write_text(text)
    with pytest.raises(ArtifactError, match="metadata.json"):
        artifacts.load_predictor(version)


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"preprocessing_version": "1"}, "preprocessing_version"),
        ({"classes": [str(d) for d in range(10)]}, "classes"),
        ({"input_shape": [32, 32, 1]}, "input_shape"),
        ({"threshold": None}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "0.5"}, "threshold"),
        ({"temperature": 0}, "temperature"),
    ],
)
def test_metadata_that_does_not_match_this_code_is_an_artifact_error(version, overrides, key):
    write_metadata(version, version_metadata(**overrides))
    with pytest.raises(ArtifactError, match=f"metadata.json: {key}"):
        artifacts.load_predictor(version)


def test_metadata_without_a_threshold_is_an_artifact_error(version):
    metadata = version_metadata()
    del metadata["threshold"]
    write_metadata(version, metadata)
    with pytest.raises(ArtifactError, match="threshold"):
        artifacts.load_predictor(version)


def test_corrupt_keras_file_is_an_artifact_error_naming_it(version):
    (version / artifacts.KERAS_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ArtifactError, match="model.keras"):
        artifacts.load_keras_model(version / artifacts.KERAS_FILE)


def test_missing_keras_file_is_an_artifact_error(tmp_path):
    with pytest.raises(ArtifactError, match="model.keras"):
        artifacts.load_keras_model(tmp_path / artifacts.KERAS_FILE)
