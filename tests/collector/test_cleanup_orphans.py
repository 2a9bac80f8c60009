import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from collector.models import Drawing
from tests.collector.builders import drawing
from tests.support.s3 import BUCKET

pytestmark = pytest.mark.django_db


def cleanup(*args) -> str:
    out = StringIO()
    call_command("cleanup_orphans", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def orphan(name: str = "drawings/2020/01/01/orphan.png", *, age_minutes: int = 0) -> str:
    saved = default_storage.save(name, ContentFile(b"\x89PNG orphan"))
    if age_minutes:
        then = time.time() - age_minutes * 60
        os.utime(default_storage.path(saved), (then, then))
    return saved


def row_without_object() -> Drawing:
    lost = drawing()
    default_storage.delete(lost.image.name)
    return lost


def test_a_dry_run_reports_orphans_and_missing_objects_and_deletes_nothing():
    kept, old, lost = drawing(), orphan(age_minutes=120), row_without_object()
    output = cleanup("--dry-run")
    assert old in output and f"drawing {lost.pk}: {lost.image.name}" in output
    assert "1 orphan object(s) would be deleted" in output
    assert default_storage.exists(old) and default_storage.exists(kept.image.name)


def test_old_orphans_are_deleted_and_drawings_kept():
    kept, old = drawing(), orphan(age_minutes=120)
    output = cleanup()
    assert "Deleted 1 orphan object(s)." in output
    assert not default_storage.exists(old) and default_storage.exists(kept.image.name)


def test_rows_without_objects_are_reported_not_deleted():
    lost = row_without_object()
    cleanup()
    assert Drawing.objects.filter(pk=lost.pk).exists()


def test_orphans_within_the_grace_period_are_spared():
    fresh, old = orphan("drawings/fresh.png", age_minutes=5), orphan("drawings/old.png", age_minutes=30)
    cleanup("--older-than", "20")
    assert default_storage.exists(fresh) and not default_storage.exists(old)


def test_objects_outside_the_drawings_folder_are_never_touched():
    model_file = default_storage.save("models/v1/model.tflite", ContentFile(b"weights"))
    os.utime(default_storage.path(model_file), (0, 0))
    cleanup("--older-than", "0")
    assert default_storage.exists(model_file)


def test_an_empty_storage_is_fine():
    assert "0 object(s) under drawings/, 0 drawing row(s)." in cleanup()


def test_a_negative_grace_period_is_refused():
    with pytest.raises(CommandError, match="--older-than"):
        cleanup("--older-than", "-1")


@pytest.mark.s3
def test_on_s3_orphans_are_deleted_and_drawings_kept(s3_storage):
    kept = drawing()
    stray = orphan()
    lost = row_without_object()
    output = cleanup("--older-than", "0")
    keys = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [kept.image.name]
    assert stray in output and f"drawing {lost.pk}" in output


@pytest.mark.s3
def test_on_s3_fresh_orphans_are_spared_by_default(s3_storage):
    stray = orphan()
    cleanup()
    assert default_storage.exists(stray)


@pytest.mark.s3
def test_on_s3_an_unreachable_store_fails_with_the_setting_to_check(s3_storage, s3_server):
    s3_server.stop()
    with pytest.raises(CommandError, match="STORAGES"):
        cleanup()
