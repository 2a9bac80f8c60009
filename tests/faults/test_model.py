"""Model artifacts missing or corrupt: never activated, never replacing a serving model; 503 without one."""

import pytest
from django.core.files.storage import default_storage

from ml.errors import ArtifactError
from recognizer import services
from recognizer.models import ModelVersion
from recognizer.serving import active_model
from tests.faults.test_storage import assert_unavailable
from tests.hostile.endpoints import PREDICT, send
from tests.hostile.inputs import digit_data_url
from tests.recognizer.builders import active_version, broken_version, copy_of_bundled

pytestmark = pytest.mark.django_db
IMAGE = {"image": digit_data_url()}


def force_active(version: ModelVersion) -> None:
    """Move the pointer without the activation check, as if the artifact broke afterwards."""
    ModelVersion.objects.update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)


def test_corrupt_artifact_is_refused_at_activation():
    serving = active_version()
    with pytest.raises(ArtifactError):
        services.version_activate(version=broken_version())
    assert ModelVersion.objects.active().get() == serving


def test_missing_artifact_is_refused_at_activation():
    version = copy_of_bundled("missing")
    default_storage.delete(version.artifact_path("model.tflite"))
    with pytest.raises(ArtifactError):
        services.version_activate(version=version)
    assert ModelVersion.objects.active().get() != version


def test_artifact_deleted_under_a_running_worker_keeps_the_previous_model(client, settings):
    settings.MODEL_CHECK_SECONDS = 0
    serving = active_version()
    assert send(client, PREDICT, IMAGE).body["model_version"] == serving.tag
    replacement = copy_of_bundled("deleted")
    default_storage.delete(replacement.artifact_path("model.tflite"))
    force_active(replacement)
    answer = send(client, PREDICT, IMAGE)
    assert (answer.status, answer.body["model_version"]) == (200, serving.tag)


def test_no_loadable_model_answers_503_then_recovers(client, settings):
    settings.MODEL_CHECK_SECONDS = 0
    serving = active_version()
    force_active(broken_version())
    active_model.reset()  # A fresh worker: no previous model to fall back on.
    assert_unavailable(send(client, PREDICT, IMAGE), "model_unavailable")
    services.version_activate(version=serving, note="rolled back")
    assert send(client, PREDICT, IMAGE).status == 200
