import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from recognizer.models import ModelVersion
from recognizer.serving import active_model
from tests.commands.builders import copied_version

pytestmark = pytest.mark.django_db


def reload_model(*args) -> str:
    out = io.StringIO()
    call_command("reload_model", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_without_options_checks_the_active_version():
    tag = active_model.get().tag
    out = reload_model()
    assert f"Active version {tag} loads and answers." in out and "threshold" in out


def test_version_switches_a_running_worker_without_restart(settings):
    settings.MODEL_CHECK_SECONDS = 0
    bundled = active_model.get().tag
    copy = copied_version()
    out = reload_model("--version", copy.tag)
    assert active_model.get().tag == copy.tag != bundled
    assert f"Activated {copy.tag}; workers switch within 0 s." in out


def test_rollback_returns_to_the_previous_version():
    bundled = active_model.get().tag
    reload_model("--version", copied_version().tag)
    reload_model("--rollback")
    assert ModelVersion.objects.get(is_active=True).tag == bundled


def test_a_broken_version_is_never_activated():
    bundled = active_model.get().tag
    copy = copied_version()
    default_storage.delete(copy.artifact_path("model.tflite"))
    with pytest.raises(CommandError, match="Nothing changed: .*model.tflite is missing"):
        reload_model("--version", copy.tag)
    assert ModelVersion.objects.get(is_active=True).tag == bundled


def test_a_broken_active_artifact_fails_the_check():
    copy = copied_version()
    reload_model("--version", copy.tag)
    default_storage.delete(copy.artifact_path("metadata.json"))
    with pytest.raises(CommandError, match="cannot be loaded"):
        reload_model()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", "no-such-tag"], "No model version tagged 'no-such-tag'"),
        (["--version", "x", "--rollback"], "not allowed with argument"),
        (["--rollback"], "no earlier active version"),
        (["--version"], "expected one argument"),
    ],
)
def test_bad_arguments_raise_command_error(args, message):
    active_model.get()
    with pytest.raises(CommandError, match=message):
        reload_model(*args)


@pytest.mark.s3
def test_activates_a_version_stored_on_s3(s3_storage):
    copy = copied_version("s3-copy")
    reload_model("--version", copy.tag)
    assert reload_model().startswith("Active version s3-copy loads")
