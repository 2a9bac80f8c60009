import shutil

import pytest
from django.conf import settings

from ml.errors import ArtifactError
from recognizer import artifacts, services
from recognizer.models import ModelVersion
from tests.recognizer.builders import unique_tag

pytestmark = pytest.mark.django_db


def test_a_new_database_in_front_of_the_same_storage_registers_the_bundled_model_again():
    first = services.ensure_bundled_version()
    ModelVersion.objects.all().delete()
    again = services.ensure_bundled_version()
    assert (again.tag, again.artifact_prefix, again.is_active) == (first.tag, first.artifact_prefix, True)


def test_stored_files_with_other_contents_are_never_overwritten(tmp_path):
    prefix = f"models/{unique_tag('clash')}"
    artifacts.upload_folder(settings.BUNDLED_MODEL_DIR, prefix)
    changed = tmp_path / "model"
    shutil.copytree(settings.BUNDLED_MODEL_DIR, changed)
    (changed / "model.tflite").write_bytes(b"another model")
    with pytest.raises(ArtifactError, match="other contents"):
        artifacts.upload_folder(changed, prefix)
    assert artifacts.read_bytes(f"{prefix}/model.tflite") == (settings.BUNDLED_MODEL_DIR / "model.tflite").read_bytes()


def test_an_active_version_made_for_other_preprocessing_gives_way_to_the_bundled_model():
    bundled = services.ensure_bundled_version()
    old = ModelVersion.objects.create(tag=unique_tag("v2-era"), artifact_prefix=bundled.artifact_prefix, metadata=bundled.metadata | {"preprocessing_version": "2"})
    _point_at(old)  # As a deploy of the previous code left it (activation itself would refuse).
    served = services.ensure_bundled_version()
    assert (served.pk, served.is_active) == (bundled.pk, True)
    assert list(ModelVersion.objects.active()) == [bundled]
    assert "cannot run with this code" in bundled.activations.first().note


def test_a_compatible_active_version_is_left_alone():
    bundled = services.ensure_bundled_version()
    other = ModelVersion.objects.create(tag=unique_tag("current"), artifact_prefix=bundled.artifact_prefix, metadata=bundled.metadata)
    _point_at(other)
    assert services.ensure_bundled_version().pk == other.pk


def _point_at(version: ModelVersion) -> None:
    """Move the active pointer without validating, as only a direct database write could."""
    ModelVersion.objects.active().update(is_active=False)
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)


def test_a_site_serving_an_earlier_bundled_model_gets_the_new_one_and_keeps_the_old_registered():
    bundled = services.ensure_bundled_version()
    earlier = ModelVersion.objects.create(tag=unique_tag("bundled-digitnet-v1-2026-11-22"), artifact_prefix=bundled.artifact_prefix, metadata=bundled.metadata)
    _point_at(earlier)  # As the previous release left the site ...
    ModelVersion.objects.filter(pk=bundled.pk).delete()  # ... before this code's bundled model existed.
    served = services.ensure_bundled_version()
    assert (served.tag, served.is_active) == (bundled.tag, True)
    assert ModelVersion.objects.filter(pk=earlier.pk).exists()
    assert f"upgraded from {earlier.tag}" in served.activations.first().note


def test_a_rollback_to_an_earlier_bundled_model_survives_the_next_migrate():
    bundled = services.ensure_bundled_version()
    earlier = ModelVersion.objects.create(tag=unique_tag("bundled-digitnet-v1-2026-11-22"), artifact_prefix=bundled.artifact_prefix, metadata=bundled.metadata)
    _point_at(earlier)  # The operator rolled back on purpose.
    assert services.ensure_bundled_version().pk == earlier.pk


def test_a_site_serving_its_own_version_gets_the_new_bundled_model_registered_but_not_active():
    bundled = services.ensure_bundled_version()
    own = ModelVersion.objects.create(tag=unique_tag("retrained"), artifact_prefix=bundled.artifact_prefix, metadata=bundled.metadata)
    _point_at(own)
    ModelVersion.objects.filter(pk=bundled.pk).delete()  # The new bundled model was never registered here.
    assert services.ensure_bundled_version().pk == own.pk
    registered = ModelVersion.objects.get(tag=bundled.tag)
    assert not registered.is_active and "not activated" in registered.notes
