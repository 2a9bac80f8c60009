"""Offline use of a stored model version: scoring it on a labeled dataset, predicting image files.

Both run the version's served artifact (LiteRT, with its own temperature and threshold) on
inputs made by `ml.preprocess.preprocess`, so the figures describe what the site answers.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from collector.exporters import ExportError, ReadTally, model_arrays
from collector.models import Drawing
from ml import constants, evaluate, mnist
from ml.dataset import mnist_split, negative_split
from ml.errors import InputError
from ml.inference import Prediction, Predictor
from ml.plots import plot_confusion_matrix
from ml.preprocess import preprocess, preprocess_many
from recognizer import artifacts
from recognizer.models import ModelVersion

DATASETS = ("mnist-test", "drawings")
REJECTION_NEGATIVES = 2000
UNSEEN_NEGATIVE_SEED = 424_242  # Training draws its negatives from other seeds.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


class EvaluationError(Exception):
    """The version or dataset cannot be evaluated; the message says which and why."""


@dataclass
class LabeledSet:
    name: str
    x: np.ndarray  # (N, 28, 28, 1) model inputs.
    y: np.ndarray


@dataclass
class Evaluation:
    version: str
    dataset: str
    count: int  # Every image scored, digits and "not a digit".
    digits: dict  # ml.evaluate.digit_report of the digits
    rejection: dict | None  # ml.evaluate.rejection_report: the digits against synthetic negatives (None without digits)
    not_a_digit: dict  # ml.evaluate.not_a_digit_report of the images labeled "not a digit"
    confusion_png: Path
    report_json: Path


@dataclass(frozen=True)
class FilePrediction:
    path: Path
    prediction: Prediction | None
    error: str = ""


def version_by_tag(tag: str | None) -> ModelVersion:
    """The version tagged `tag`, or the active one when `tag` is None."""
    version = ModelVersion.objects.filter(tag=tag).first() if tag else ModelVersion.objects.active().first()
    if version is None:
        known = ", ".join(ModelVersion.objects.values_list("tag", flat=True)[:5]) or "none"
        raise EvaluationError(f"No model version tagged {tag!r}; recent tags: {known}." if tag else "No model version is active; activate one with reload_model --version TAG.")
    return version


def load_predictor(version: ModelVersion) -> Predictor:
    try:
        return artifacts.load_predictor(version)
    except Exception as exc:  # ArtifactError, or a storage backend's own errors.
        raise EvaluationError(f"Model version {version.tag} cannot be loaded: {exc}")


def labeled_set(spec: str, *, mnist_dir=None) -> LabeledSet:
    """`mnist-test`, `drawings` (the verified ones) or a path to an exported npz or IDX folder."""
    try:
        if spec == "mnist-test":
            test = mnist_split("test", mnist_dir)
            return LabeledSet("mnist-test", test.x, test.y)
        if spec == "drawings":
            return _verified_drawings()
        return _from_path(Path(spec))
    except (OSError, ValueError, KeyError, ExportError) as exc:
        raise EvaluationError(f"The dataset {spec!r} could not be read: {exc}")


def _verified_drawings() -> LabeledSet:
    x, y, _ = model_arrays(Drawing.objects.verified().order_by("id"), ReadTally())
    return LabeledSet("drawings", x, y)


def _from_path(path: Path) -> LabeledSet:
    if path.is_dir():
        images, labels = (mnist.read_idx(_one(path, pattern)) for pattern in ("*images-idx3-ubyte*", "*labels-idx1-ubyte*"))
        return LabeledSet(path.name, preprocess_many(images), labels.astype(np.int64))
    with np.load(path, allow_pickle=False) as data:
        x, y = data["x"], data["y"].astype(np.int64)
        preprocessed = "preprocessing_version" in data and str(data["preprocessing_version"]) == constants.PREPROCESSING_VERSION
    if preprocessed:
        return LabeledSet(path.name, (x.astype(np.float32) / 255.0)[..., np.newaxis], y)
    return LabeledSet(path.name, preprocess_many(x), y)


def _one(folder: Path, pattern: str) -> Path:
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise ValueError(f"{folder} must hold exactly one {pattern} file; found {len(matches)}")
    return matches[0]


def evaluate_version(*, version: ModelVersion, dataset: LabeledSet, output_dir: Path) -> Evaluation:
    """Score `version` on `dataset`; writes the confusion matrix PNG and a JSON report.

    The digit figures (accuracy, confusion matrix) cover the images labeled 0-9; those
    labeled "not a digit" (10, e.g. drawings people contributed as such) are reported apart,
    as the share the model rejects.
    """
    if not len(dataset.y):
        raise EvaluationError(f"The dataset {dataset.name!r} holds no images.")
    if dataset.y.min() < 0 or dataset.y.max() > constants.NOT_A_DIGIT:
        raise EvaluationError(f"The dataset {dataset.name!r} has labels outside 0-{constants.NOT_A_DIGIT}.")
    predictor = load_predictor(version)
    probabilities = predictor.probabilities(dataset.x)
    digit_rows, negative_rows = evaluate.split_not_a_digit(dataset.y)
    digits = evaluate.digit_report(probabilities[digit_rows], dataset.y[digit_rows], predictor.threshold)
    not_a_digit = evaluate.not_a_digit_report(probabilities[negative_rows], predictor.threshold)
    rejection = _synthetic_rejection(predictor, probabilities[digit_rows]) if digit_rows.any() else None
    output_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{version.tag}-{dataset.name}"
    confusion_png, report_json = output_dir / f"{stem}-confusion.png", output_dir / f"{stem}.json"
    plot_confusion_matrix(digits["confusion_matrix"], confusion_png, f"{version.tag} on {dataset.name}")
    report = {"version": version.tag, "dataset": dataset.name, "count": len(dataset.y), "digits": digits, "rejection": rejection, "not_a_digit": not_a_digit}
    report_json.write_text(json.dumps(report, indent=2, sort_keys=True))
    return Evaluation(version.tag, dataset.name, len(dataset.y), digits, rejection, not_a_digit, confusion_png, report_json)


def _synthetic_rejection(predictor: Predictor, digit_probabilities: np.ndarray) -> dict:
    negatives = negative_split(REJECTION_NEGATIVES, seed=UNSEEN_NEGATIVE_SEED)
    return evaluate.rejection_report(digit_probabilities, predictor.probabilities(negatives.x), predictor.threshold)


def image_paths(paths: list[Path]) -> list[Path]:
    """The files named, plus the image files inside any folder named, in a stable order."""
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise EvaluationError(f"{path} does not exist.")
    return found


def predict_files(paths: list[Path], predictor: Predictor) -> Iterator[FilePrediction]:
    """One prediction per file; unusable files carry the reason instead."""
    for path in paths:
        try:
            yield FilePrediction(path, predictor.predict(preprocess(path.read_bytes())))
        except InputError as exc:
            yield FilePrediction(path, None, str(exc))
        except OSError as exc:
            yield FilePrediction(path, None, f"could not read the file: {exc.strerror}")
