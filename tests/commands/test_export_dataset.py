import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.core.files.storage import default_storage

from collector.models import Drawing
from collector.services import drawing_create
from ml import constants, mnist
from tests.commands.builders import stored_drawing, stored_not_a_digit, stroke_list
from tests.ml.drawings import draw_digit, encode

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_dataset", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_npz_holds_preprocessed_inputs_and_labels_in_id_order(tmp_path):
    seven, one = stored_drawing("7"), stored_drawing("1")
    export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    data = np.load(tmp_path / "d.npz")
    assert data["x"].dtype == np.uint8 and data["x"].shape == (2, 28, 28)
    assert data["y"].tolist() == [7, 1] and data["ids"].tolist() == [seven.pk, one.pk]
    assert data["x"].max() == 255 and data["x"][:, 0, :].max() == 0  # Ink high, margins empty.


def test_npz_of_the_same_data_is_byte_identical(tmp_path):
    stored_drawing("7"), stored_drawing("4")
    export("--output", str(tmp_path / "a.npz"), "--format", "npz")
    export("--output", str(tmp_path / "b.npz"), "--format", "npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()


def test_raw_npz_keeps_the_stored_size(tmp_path):
    stored_drawing("7", side=100)
    export("--output", str(tmp_path / "d.npz"), "--format", "npz", "--raw")
    x = np.load(tmp_path / "d.npz")["x"]
    assert x.shape == (1, 100, 100) and x[0, 0, 0] == 255  # White paper, as stored.


def test_raw_npz_refuses_mixed_sizes(tmp_path):
    stored_drawing("7", side=100), stored_drawing("1", side=120)
    with pytest.raises(CommandError, match="one size"):
        export("--output", str(tmp_path / "d.npz"), "--format", "npz", "--raw")
    assert not (tmp_path / "d.npz").exists()


def test_idx_files_read_back_like_mnist(tmp_path):
    stored_drawing("7"), stored_drawing("0")
    export("--output", str(tmp_path / "idx"), "--format", "idx")
    images = mnist.read_idx(tmp_path / "idx" / "images-idx3-ubyte.gz")
    labels = mnist.read_idx(tmp_path / "idx" / "labels-idx1-ubyte.gz")
    assert images.shape == (2, 28, 28) and labels.tolist() == [7, 0]


def test_idx_export_is_byte_identical_and_replaces_the_folder(tmp_path):
    stored_drawing("7")
    export("--output", str(tmp_path / "a"), "--format", "idx")
    first = (tmp_path / "a" / "images-idx3-ubyte.gz").read_bytes()
    export("--output", str(tmp_path / "a"), "--format", "idx")
    assert (tmp_path / "a" / "images-idx3-ubyte.gz").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # No scratch left behind.


def test_png_export_has_a_folder_per_label_and_a_manifest(tmp_path):
    seven = stored_drawing("7")
    export("--output", str(tmp_path / "png"), "--format", "png")
    manifest = (tmp_path / "png" / "manifest.csv").read_text().splitlines()
    assert manifest[0].startswith("id,label,path")
    assert manifest[1].startswith(f"{seven.pk},7,7/{seven.pk:08d}.png,collect,verified")
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [*map(str, range(10)), "classes.txt", "manifest.csv", "not-a-digit"]
    assert (tmp_path / "png" / "7" / f"{seven.pk:08d}.png").read_bytes()[:4] == b"\x89PNG"


def test_raw_png_export_copies_the_stored_image(tmp_path):
    seven = stored_drawing("7")
    export("--output", str(tmp_path / "png"), "--format", "png", "--raw")
    with default_storage.open(seven.image.name, "rb") as stored:
        assert (tmp_path / "png" / "7" / f"{seven.pk:08d}.png").read_bytes() == stored.read()


def test_ndjson_is_quickdraw_style_and_skips_drawings_without_strokes(tmp_path):
    with_strokes = stored_drawing("7", strokes=stroke_list())
    stored_drawing("1")
    out = export("--output", str(tmp_path / "d.ndjson"), "--format", "ndjson")
    lines = (tmp_path / "d.ndjson").read_text().splitlines()
    assert lines == [f'{{"drawing":{stroke_list()},"key_id":"{with_strokes.pk}","recognized":null,"timestamp":"{with_strokes.created.isoformat()}","word":"7"}}'.replace(" ", "")]
    assert "Skipped 1: no strokes recorded." in out


CLASS_LIST = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "not-a-digit"]


def test_npz_holds_not_a_digit_as_label_10_with_the_class_list(tmp_path):
    seven, other = stored_drawing("7"), stored_not_a_digit()
    out = export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    data = np.load(tmp_path / "d.npz", allow_pickle=False)
    assert data["y"].tolist() == [7, 10] and data["ids"].tolist() == [seven.pk, other.pk]
    assert data["class_names"].tolist() == CLASS_LIST == list(constants.CLASS_NAMES)
    assert data["x"][1].max() == 255
    assert "  7: 1\n  not a digit: 1\n" in out


def test_raw_npz_carries_the_class_list_too(tmp_path):
    stored_not_a_digit()
    export("--output", str(tmp_path / "d.npz"), "--format", "npz", "--raw")
    data = np.load(tmp_path / "d.npz", allow_pickle=False)
    assert data["y"].tolist() == [10] and data["class_names"].tolist() == CLASS_LIST


def test_idx_holds_not_a_digit_as_label_10_with_the_class_list(tmp_path):
    stored_not_a_digit(), stored_drawing("0")
    export("--output", str(tmp_path / "idx"), "--format", "idx")
    assert mnist.read_idx(tmp_path / "idx" / "labels-idx1-ubyte.gz").tolist() == [10, 0]
    assert mnist.read_idx(tmp_path / "idx" / "images-idx3-ubyte.gz").shape == (2, 28, 28)
    assert (tmp_path / "idx" / "classes.txt").read_text().splitlines() == CLASS_LIST


def test_png_export_puts_not_a_digit_in_its_own_folder(tmp_path):
    other = stored_not_a_digit()
    export("--output", str(tmp_path / "png"), "--format", "png")
    assert [p.name for p in (tmp_path / "png" / "not-a-digit").iterdir()] == [f"{other.pk:08d}.png"]
    assert (tmp_path / "png" / "manifest.csv").read_text().splitlines()[1].startswith(f"{other.pk},10,not-a-digit/{other.pk:08d}.png,")
    assert (tmp_path / "png" / "classes.txt").read_text().splitlines() == CLASS_LIST


def test_ndjson_names_not_a_digit_in_words_as_it_names_digits(tmp_path):
    seven, other = stored_drawing("7", strokes=stroke_list()), stored_not_a_digit(strokes=stroke_list())
    export("--output", str(tmp_path / "d.ndjson"), "--format", "ndjson")
    records = [json.loads(line) for line in (tmp_path / "d.ndjson").read_text().splitlines()]
    assert [(r["key_id"], r["word"]) for r in records] == [(str(seven.pk), "7"), (str(other.pk), "not a digit")]


def test_filters_select_status_source_and_date(tmp_path):
    stored_drawing("7", status=Drawing.Status.PENDING)
    kept = stored_drawing("1", source=Drawing.Source.IMPORT)
    stored_drawing("4")
    Drawing.objects.filter(label=4).update(created="2020-01-01T00:00:00Z")
    export("--output", str(tmp_path / "d.npz"), "--format", "npz", "--source", "import", "--since", "2024-01-01")
    assert np.load(tmp_path / "d.npz")["ids"].tolist() == [kept.pk]


def test_reports_counts_per_label(tmp_path):
    stored_drawing("7"), stored_drawing("7"), stored_drawing("1")
    out = export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert "Exported 3 drawings" in out and "  1: 1\n  7: 2\n" in out


def test_missing_and_blank_images_are_skipped_and_reported(tmp_path):
    gone, kept = stored_drawing("7"), stored_drawing("1")
    blank = drawing_create(image=encode(draw_digit("blank")), label=3, source="admin", status="verified")
    default_storage.delete(gone.image.name)
    out = export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert np.load(tmp_path / "d.npz")["ids"].tolist() == [kept.pk]
    assert "Skipped 1: image missing from storage." in out and "Skipped 1: unusable image (blank)." in out
    assert f"First skipped ids: {gone.pk}, {blank.pk}" in out


def test_an_empty_selection_gives_an_empty_export(tmp_path):
    export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert np.load(tmp_path / "d.npz")["x"].shape == (0, 28, 28)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "npz", "--output", "/no/such/folder/d.npz"], "does not exist"),
        (["--format", "npz", "--output", "{tmp}", ], "is not a file"),
        (["--format", "npz", "--output", "{tmp}/d.npz", "--since", "yesterday"], "YYYY-MM-DD"),
        (["--format", "zip", "--output", "{tmp}/d.zip"], "invalid choice"),
        (["--format", "npz"], "--output"),
        (["--format", "npz", "--output", "{tmp}/d.npz", "--status", "lost"], "invalid choice"),
    ],
)
def test_bad_arguments_raise_command_error(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        export(*[a.format(tmp=tmp_path) for a in args])


def test_a_failed_export_keeps_the_previous_file(tmp_path, monkeypatch):
    stored_drawing("7")
    export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    before = (tmp_path / "d.npz").read_bytes()
    monkeypatch.setattr("collector.exporters.preprocess", _explode)
    with pytest.raises(RuntimeError):
        export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert (tmp_path / "d.npz").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.npz"]


def _explode(*args):
    raise RuntimeError("disk on fire")


@pytest.mark.s3
def test_exports_images_stored_on_s3(tmp_path, s3_storage):
    stored_drawing("7"), stored_drawing("1")
    out = export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert np.load(tmp_path / "d.npz")["y"].tolist() == [7, 1] and "Exported 2 drawings" in out


@pytest.mark.s3
def test_an_unreachable_store_stops_the_export_with_a_sentence(tmp_path, s3_storage, s3_server):
    stored_drawing("7")
    s3_server.stop()
    with pytest.raises(CommandError, match="The image store could not be read"):
        export("--output", str(tmp_path / "d.npz"), "--format", "npz")
    assert list(tmp_path.iterdir()) == []
