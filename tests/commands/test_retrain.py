import io

import pytest
from django.core.management import CommandError, call_command

from recognizer.models import ModelVersion
from recognizer.serving import active_model
from recognizer.services import version_activate
from tests.commands.builders import DRAWN, copied_version, stored_drawing
from tests.support.s3 import BUCKET

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_training")]


def retrain(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("retrain", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verified_drawings(per_digit: int = 3) -> list:
    return [stored_drawing(digit, width=12 + 3 * i) for digit in DRAWN for i in range(per_digit)]


@pytest.mark.slow
def test_fine_tune_registers_a_version_and_prints_before_and_after():
    base = active_model.get().tag
    verified_drawings()
    out, err = retrain("--fine-tune", "--activate", "no")
    new = ModelVersion.objects.exclude(tag=base).get()
    assert new.metadata["retrain"] == {"mode": "fine-tune", "base_version": base, "decision": "Left inactive as asked (--activate no)."}
    assert new.metadata["data_snapshot"]["verified_drawings"] == 12 and new.metadata["data_snapshot"]["holdout_drawings"] == 4
    assert new.metadata["metrics"]["drawings_holdout"]["count"] == 4
    assert "MNIST test" in out and "Drawings holdout" in out and f"Registered {new.tag}" in out
    assert "reading verified drawings" in err and "- accuracy:" in err  # Keras's epoch line.
    assert not new.is_active


@pytest.mark.slow
def test_activate_yes_makes_the_new_version_serve():
    out, _ = retrain("--activate", "yes")
    assert active_model.get().tag == ModelVersion.objects.get(is_active=True).tag
    assert ModelVersion.objects.get(is_active=True).metadata["retrain"]["mode"] == "fine-tune"
    assert "Activated as asked" in out


@pytest.mark.slow
def test_from_scratch_trains_a_fresh_model():
    out, _ = retrain("--from-scratch", "--epochs", "1", "--activate", "no")
    new = ModelVersion.objects.filter(tag__startswith="retrain-").get()
    assert new.metadata["retrain"]["mode"] == "from-scratch" and new.metadata["training"]["epochs"] == 1
    assert "Drawings holdout" in out  # No drawings: the holdout row shows "-".


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "Epochs must be a whole number"),
        (["--epochs", "many"], "invalid int value"),
        (["--fine-tune", "--from-scratch"], "not allowed with argument"),
        (["--activate", "maybe"], "invalid choice"),
        (["--mnist-dir", "/no/such/folder"], "MNIST could not be loaded"),
    ],
)
def test_bad_arguments_raise_command_error(args, message):
    with pytest.raises(CommandError, match=message):
        retrain(*args)
    assert not ModelVersion.objects.filter(tag__startswith="retrain-").exists()


def test_fine_tune_needs_an_active_version():
    active_model.get()
    ModelVersion.objects.update(is_active=False)
    with pytest.raises(CommandError, match="none is active; run retrain --from-scratch"):
        retrain("--fine-tune")


@pytest.mark.s3
@pytest.mark.slow
def test_retrains_from_and_into_s3(s3_storage):
    version_activate(version=copied_version("s3-base"))
    retrain("--activate", "no")
    new = ModelVersion.objects.get(tag__startswith="retrain-")
    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {new.artifact_path(name) for name in ("model.keras", "model.tflite", "metadata.json", "confusion_matrix.png")} <= keys
