"""Read and write model version artifacts in the default storage (local or S3)."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ml import artifacts as ml_artifacts
from ml.errors import ArtifactError

ARTIFACT_FILES = ml_artifacts.REQUIRED_FILES + ("training_curves.png", "confusion_matrix.png")


def upload_folder(folder: Path, prefix: str) -> list[str]:
    """Copy a local artifact folder into storage under `prefix`; returns the stored names."""
    stored = []
    for name in ARTIFACT_FILES:
        path = Path(folder) / name
        if path.is_file():
            key, data = f"{prefix}/{name}", path.read_bytes()
            if default_storage.exists(key):
                # The same file is already there, e.g. a new database in front of the same bucket.
                if read_bytes(key) == data:
                    stored.append(key)
                    continue
                raise ArtifactError(f"{key} already exists in storage with other contents; model versions are immutable.")
            stored.append(default_storage.save(key, ContentFile(data, name=key)))
    return stored


def read_bytes(key: str) -> bytes:
    try:
        with default_storage.open(key, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ArtifactError(f"{key} is missing from storage.")
    except Exception as exc:  # Storage backends raise their own types (botocore, OSError).
        raise ArtifactError(f"{key} could not be read: {exc}.")


def load_predictor(version):
    """Validated predictor for a ModelVersion, read from storage."""
    metadata = ml_artifacts.read_metadata(read_bytes(version.artifact_path(ml_artifacts.METADATA_FILE)), version.artifact_path(ml_artifacts.METADATA_FILE))
    return ml_artifacts.predictor_from_bytes(read_bytes(version.artifact_path(ml_artifacts.TFLITE_FILE)), metadata)
