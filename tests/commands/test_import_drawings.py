import io

import pytest
from django.core.management import CommandError, call_command

from collector.errors import StorageUnavailable
from collector.models import Drawing
from tests.commands.builders import not_a_digit_image, stored_drawing, stored_not_a_digit
from tests.ml.drawings import draw_digit, encode
from tests.support.s3 import BUCKET

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_drawings", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def image_file(path, digit: str = "7", fmt: str = "PNG", **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(draw_digit(digit, **kwargs), fmt))
    return path


def test_labels_from_folders_become_pending_imports(tmp_path):
    image_file(tmp_path / "7" / "a.png", "7")
    image_file(tmp_path / "1" / "b.jpg", "1", fmt="JPEG")
    out = run(str(tmp_path), "--label-from", "folder")
    drawings = Drawing.objects.order_by("label")
    assert [(d.label, d.source, d.status) for d in drawings] == [(1, "import", "pending"), (7, "import", "pending")]
    assert "Imported 2 of 2 files" in out and "  1: 1\n  7: 1\n" in out


def test_labels_from_file_names(tmp_path):
    for name in ("4_0001.png", "0-x.png", "7.png"):
        image_file(tmp_path / name, name[0])
    image_file(tmp_path / "unlabeled.png")
    out = run(str(tmp_path), "--label-from", "filename")
    assert sorted(Drawing.objects.values_list("label", flat=True)) == [0, 4, 7]
    assert "Skipped 1: no label in the filename name." in out


def not_a_digit_file(path, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(not_a_digit_image(**kwargs)))
    return path


@pytest.mark.parametrize("folder", ["not-a-digit", "Not-A-Digit", "10"])
def test_a_not_a_digit_folder_imports_as_label_10(tmp_path, folder):
    not_a_digit_file(tmp_path / folder / "plus.png")
    image_file(tmp_path / "1" / "one.png", "1")
    out = run(str(tmp_path), "--label-from", "folder")
    assert sorted(Drawing.objects.values_list("label", "source", "status")) == [(1, "import", "pending"), (10, "import", "pending")]
    assert "  1: 1\n  not a digit: 1\n" in out


def test_not_a_digit_file_names_import_as_label_10(tmp_path):
    for name, width in (("not-a-digit_0001.png", 10), ("not-a-digit-b.png", 14), ("10_0003.png", 22), ("10.png", 26)):
        not_a_digit_file(tmp_path / name, width=width)
    for name in ("11_0001.png", "not-a-digits.png", "100.png"):
        not_a_digit_file(tmp_path / name, width=30)
    out = run(str(tmp_path), "--label-from", "filename")
    assert list(Drawing.objects.values_list("label", flat=True)) == [10, 10, 10, 10]
    assert "Skipped 3: no label in the filename name." in out


def test_a_png_export_of_not_a_digit_drawings_imports_back_as_label_10(tmp_path):
    kept = [stored_not_a_digit(width=12), stored_not_a_digit(width=20), stored_drawing("4")]
    hashes = {drawing.sha256: drawing.label for drawing in kept}
    call_command("export_dataset", "--output", str(tmp_path / "png"), "--format", "png", "--raw", stdout=io.StringIO(), stderr=io.StringIO())
    Drawing.objects.all().delete()
    out = run(str(tmp_path / "png"), "--label-from", "folder")
    assert "Imported 3 of 3 files" in out
    assert {drawing.sha256: drawing.label for drawing in Drawing.objects.all()} == hashes
    assert set(Drawing.objects.values_list("source", "status")) == {("import", "pending")}


def test_duplicates_already_stored_or_repeated_are_skipped(tmp_path):
    image_file(tmp_path / "7" / "a.png", "7")
    image_file(tmp_path / "7" / "copy.png", "7")
    run(str(tmp_path), "--label-from", "folder")
    out = run(str(tmp_path), "--label-from", "folder")
    assert Drawing.objects.count() == 1
    assert "Imported 0 of 2" in out and "Skipped 2: duplicate." in out


def test_an_image_already_collected_counts_as_duplicate(tmp_path):
    collected = stored_drawing("4")
    image_file(tmp_path / "4" / "same.png", "4")
    run(str(tmp_path), "--label-from", "folder")
    assert list(Drawing.objects.values_list("pk", flat=True)) == [collected.pk]


def test_blank_and_broken_images_are_skipped(tmp_path):
    image_file(tmp_path / "3" / "blank.png", "blank")
    (tmp_path / "3" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    out = run(str(tmp_path), "--label-from", "folder")
    assert Drawing.objects.count() == 0
    assert "Skipped 1: unusable image (blank)." in out and "Skipped 1: unusable image (undecodable image)." in out


def test_dry_run_stores_nothing(tmp_path):
    image_file(tmp_path / "7" / "a.png")
    out = run(str(tmp_path), "--label-from", "folder", "--dry-run")
    assert Drawing.objects.count() == 0 and "Would import 1 of 1" in out


def test_storage_failure_stops_with_a_sentence(tmp_path, monkeypatch):
    image_file(tmp_path / "7" / "a.png")
    monkeypatch.setattr("collector.importers.drawing_create", _storage_down)
    with pytest.raises(CommandError, match="run again to import the rest"):
        run(str(tmp_path), "--label-from", "folder")


def _storage_down(**kwargs):
    raise StorageUnavailable("The image store is unavailable; please try again in a moment.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/missing", "--label-from", "folder"], "is not a folder"),
        (["{tmp}", "--label-from", "folder"], "holds no PNG"),
        (["{tmp}", "--label-from", "colour"], "invalid choice"),
        (["{tmp}"], "--label-from"),
    ],
)
def test_bad_arguments_raise_command_error(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*[a.format(tmp=tmp_path) for a in args])


@pytest.mark.s3
def test_imports_into_s3(tmp_path, s3_storage):
    image_file(tmp_path / "7" / "a.png")
    run(str(tmp_path), "--label-from", "folder")
    drawing = Drawing.objects.get()
    assert s3_storage.get_object(Bucket=BUCKET, Key=drawing.image.name)["Body"].read()[:4] == b"\x89PNG"
