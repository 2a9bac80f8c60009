import io
import json
import re

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ml.constants import PREPROCESSING_VERSION
from recognizer.serving import active_model
from tests.commands.builders import copied_version, stored_drawing, stored_not_a_digit
from tests.commands.conftest import MNIST_SAMPLE

pytestmark = pytest.mark.django_db


def evaluate(*args) -> str:
    out = io.StringIO()
    call_command("evaluate_model", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report_of(out: str) -> dict:
    return json.loads(open(re.search(r"report: (.+)", out).group(1)).read())


def test_scores_the_active_version_on_mnist_test(tmp_path):
    out = evaluate("--mnist-dir", str(MNIST_SAMPLE), "--output-dir", str(tmp_path))
    report = report_of(out)
    tag = active_model.get().tag
    assert out.startswith(f"{tag} on mnist-test (300 images)")
    assert f"accuracy {report['digits']['accuracy']:.2%}" in out and f"ECE {report['digits']['ece']:.4f}" in out
    assert len(re.findall(r"^\s+\d \s+\d\.\d{3}", out, re.M)) == 10  # One per-class row per digit.
    assert "non-digits rejected" in out and report["rejection"]["threshold"] > 0
    assert (tmp_path / f"{tag}-mnist-test-confusion.png").read_bytes()[:4] == b"\x89PNG"


def test_scores_a_named_version_on_the_verified_drawings(tmp_path):
    copy = copied_version()
    stored_drawing("7"), stored_drawing("1"), stored_drawing("4", status="pending")
    out = evaluate("--version", copy.tag, "--dataset", "drawings", "--output-dir", str(tmp_path))
    assert out.startswith(f"{copy.tag} on drawings (2 images)")


@pytest.mark.parametrize(("fmt", "name"), [("npz", "export.npz"), ("idx", "export")])
def test_scores_an_exported_dataset(tmp_path, fmt, name):
    stored_drawing("7"), stored_drawing("0"), stored_drawing("1")
    call_command("export_dataset", "--output", str(tmp_path / name), "--format", fmt, stdout=io.StringIO(), stderr=io.StringIO())
    out = evaluate("--dataset", str(tmp_path / name), "--output-dir", str(tmp_path / "eval"))
    drawings = evaluate("--dataset", "drawings", "--output-dir", str(tmp_path / "eval"))
    assert f"on {name} (3 images)" in out
    assert report_of(out)["digits"]["confusion_matrix"] == report_of(drawings)["digits"]["confusion_matrix"]


def test_drawings_labeled_not_a_digit_are_reported_as_a_rejection_figure(tmp_path):
    stored_drawing("7"), stored_drawing("1"), stored_not_a_digit(width=12), stored_not_a_digit(width=20)
    out = evaluate("--dataset", "drawings", "--output-dir", str(tmp_path))
    report = report_of(out)
    assert out.startswith(f"{active_model.get().tag} on drawings (4 images)")
    assert report["count"] == 4 and report["digits"]["count"] == 2
    assert sum(map(sum, report["digits"]["confusion_matrix"])) == 2 and len(report["digits"]["confusion_matrix"]) == 10
    assert report["not_a_digit"]["count"] == 2 and report["not_a_digit"]["rejected"] in (0.0, 0.5, 1.0)
    assert f"labeled not a digit: 2, rejected {report['not_a_digit']['rejected']:.2%}" in out
    assert "digits: 2, accuracy" in out


@pytest.mark.parametrize(("fmt", "name"), [("npz", "export.npz"), ("idx", "export")])
def test_an_export_with_not_a_digit_drawings_is_scored(tmp_path, fmt, name):
    stored_drawing("7"), stored_not_a_digit()
    call_command("export_dataset", "--output", str(tmp_path / name), "--format", fmt, stdout=io.StringIO(), stderr=io.StringIO())
    report = report_of(evaluate("--dataset", str(tmp_path / name), "--output-dir", str(tmp_path / "eval")))
    assert (report["digits"]["count"], report["not_a_digit"]["count"]) == (1, 1)


def test_a_set_of_only_not_a_digit_drawings_has_no_digit_figures(tmp_path):
    stored_not_a_digit()
    out = evaluate("--dataset", "drawings", "--output-dir", str(tmp_path))
    assert "labeled not a digit: 1" in out and "no images labeled 0-9: no digit figures" in out
    assert report_of(out)["rejection"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", "nope"], "No model version tagged 'nope'"),
        (["--dataset", "/no/such/file.npz"], "could not be read"),
        (["--dataset", "drawings"], "holds no images"),
        (["--mnist-dir", "/no/such/folder"], "could not be read"),
    ],
)
def test_bad_arguments_raise_command_error(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        evaluate(*args, "--output-dir", str(tmp_path))


def test_labels_beyond_not_a_digit_are_refused(tmp_path):
    model_inputs = {"x": np.zeros((2, 28, 28), np.uint8), "preprocessing_version": np.array(PREPROCESSING_VERSION)}
    np.savez(tmp_path / "odd.npz", y=np.array([3, 11], np.uint8), **model_inputs)
    with pytest.raises(CommandError, match="labels outside 0-10"):
        evaluate("--dataset", str(tmp_path / "odd.npz"), "--output-dir", str(tmp_path))


def test_a_file_that_is_not_a_dataset_is_refused(tmp_path):
    (tmp_path / "notes.npz").write_text("hello")
    with pytest.raises(CommandError, match="could not be read"):
        evaluate("--dataset", str(tmp_path / "notes.npz"), "--output-dir", str(tmp_path))


@pytest.mark.s3
def test_scores_a_version_stored_on_s3(tmp_path, s3_storage):
    copy = copied_version("s3-copy")
    out = evaluate("--version", copy.tag, "--mnist-dir", str(MNIST_SAMPLE), "--output-dir", str(tmp_path))
    assert out.startswith("s3-copy on mnist-test (300 images)")
