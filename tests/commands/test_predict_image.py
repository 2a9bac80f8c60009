import csv
import io

import pytest
from django.core.management import CommandError, call_command

from ml.preprocess import preprocess
from recognizer.serving import active_model
from tests.commands.builders import copied_version
from tests.ml.drawings import draw_digit, encode

pytestmark = pytest.mark.django_db


def predict(*args) -> str:
    out = io.StringIO()
    call_command("predict_image", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def image_file(path, digit="7"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(draw_digit(digit)))
    return path


def test_predicts_a_file_with_the_active_model(tmp_path):
    seven = image_file(tmp_path / "seven.png")
    expected = active_model.get().predictor.predict(preprocess(seven.read_bytes()))
    out = predict(str(seven))
    assert f"{expected.digit:>5} {expected.confidence:>10.3f} {'yes' if expected.accepted else 'no':>8}  {seven}" in out
    assert f"(model {active_model.get().tag})" in out


def test_a_folder_gives_one_row_per_image_and_a_csv(tmp_path):
    image_file(tmp_path / "in" / "a.png", "1")
    image_file(tmp_path / "in" / "sub" / "b.png", "0")
    (tmp_path / "in" / "blank.png").write_bytes(encode(draw_digit("blank")))
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    out = predict(str(tmp_path / "in"), "--csv", str(tmp_path / "out.csv"))
    rows = list(csv.DictReader(open(tmp_path / "out.csv")))
    assert [r["path"].removeprefix(str(tmp_path / "in") + "/") for r in rows] == ["a.png", "blank.png", "sub/b.png"]
    assert rows[1]["error"].startswith("The image has no visible ink") and rows[1]["digit"] == ""
    assert rows[0]["digit"] in "0123456789" and rows[0]["model_version"] == active_model.get().tag
    assert "Wrote 3 rows" in out and "(The image has no visible ink" in out


def test_a_named_version_is_used(tmp_path):
    copy = copied_version()
    assert f"(model {copy.tag})" in predict(str(image_file(tmp_path / "a.png")), "--version", copy.tag)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/missing.png"], "does not exist"),
        (["{tmp}"], "No PNG, JPEG, WebP or GIF files"),
        (["{tmp}", "--csv", "/no/such/folder/out.csv"], "for --csv does not exist"),
        (["{tmp}", "--version", "nope"], "No model version tagged"),
        ([], "the following arguments are required: PATH"),
    ],
)
def test_bad_arguments_raise_command_error(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        predict(*[a.format(tmp=tmp_path) for a in args])


@pytest.mark.s3
def test_predicts_with_a_version_stored_on_s3(tmp_path, s3_storage):
    copy = copied_version("s3-copy")
    assert "(model s3-copy)" in predict(str(image_file(tmp_path / "a.png")), "--version", copy.tag)
