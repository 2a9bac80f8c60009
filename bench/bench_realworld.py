"""How model versions answer real people's drawings: acceptance, accuracy, rejection, AUROC.

    .venv/bin/python bench/bench_realworld.py --data ../shared/data/realworld-dev \
        [--model-dir recognizer/bundled_model] [--previous-rev REV | --previous-dir DIR] \
        [--json PATH] [--misses N]

Every image of the set's `digits/` and `nondigits/` folders goes through the serving path the
API uses (`ml.preprocess.preprocess`, then the version's LiteRT `Predictor` and its own
threshold), for the version in `--model-dir` and, in the same run, for the previous bundled
model (read from git at `--previous-rev`, or from a folder). An image that preprocessing
refuses (e.g. "no visible ink") counts as rejected: it gets no digit. The set is for
measuring only: nothing here feeds back into training or into a threshold.
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.artifacts import METADATA_FILE, TFLITE_FILE, load_predictor  # noqa: E402
from ml.constants import PREPROCESSING_VERSION  # noqa: E402
from ml.errors import InputError  # noqa: E402
from ml.evaluate import auroc  # noqa: E402
from ml.preprocess import preprocess  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The last commit whose bundled model was digitnet-v1 as trained in session 3 (99.64% MNIST).
PREVIOUS_REV = "4e9aca7"


def load_index(data: Path) -> list[dict]:
    with open(data / "INDEX.tsv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t")]
    return [row for row in rows if row["local_path"].split("/")[0] in ("digits", "nondigits")]


def model_inputs(data: Path, rows: list[dict]) -> list:
    """Each row's model input, or None where preprocessing refused the image."""
    inputs = []
    for row in rows:
        try:
            inputs.append(preprocess((data / row["local_path"]).read_bytes()))
        except InputError:
            inputs.append(None)
    return inputs


def answers(folder: Path, inputs: list) -> tuple[list, float]:
    predictor, metadata = load_predictor(folder)
    batch = np.stack([x for x in inputs if x is not None])
    predictions = iter(predictor.predictions(batch))
    return [None if x is None else next(predictions) for x in inputs], predictor.threshold


def figures(rows: list[dict], predictions: list) -> dict:
    """The issue's table: overall, for digits and non-digits, and by kind."""
    out = {"overall": _group(rows, predictions)}
    for kind in sorted({row["kind"] for row in rows}):
        members = [i for i, row in enumerate(rows) if row["kind"] == kind]
        out[kind] = _group([rows[i] for i in members], [predictions[i] for i in members])
    return out


def _group(rows, predictions) -> dict:
    is_digit = np.array([row["label"].isdigit() for row in rows])
    accepted = np.array([bool(p and p.accepted) for p in predictions])
    right = np.array([bool(p and str(p.digit) == row["label"]) for p, row in zip(predictions, rows)])
    score = np.array([p.confidence if p else 0.0 for p in predictions])
    group = {"digits": int(is_digit.sum()), "non_digits": int((~is_digit).sum())}
    if is_digit.any():
        group["digits_right"] = float(right[is_digit].mean())
        group["digits_accepted"] = float(accepted[is_digit].mean())
        hits = is_digit & accepted
        group["accepted_digits_right"] = float(right[hits].mean()) if hits.any() else None
    if (~is_digit).any():
        group["non_digits_rejected"] = float(1 - accepted[~is_digit].mean())
    if is_digit.any() and (~is_digit).any():
        group["auroc"] = auroc(score[is_digit], score[~is_digit])
    return group


def previous_folder(rev: str, into: Path) -> Path:
    """The bundled model of `rev`, marked as made for today's preprocessing.

    The old preprocessing code is not at hand, so an older model is measured on the inputs
    it would get if it were served today; the figures then compare the models alone.
    """
    for name in (TFLITE_FILE, METADATA_FILE):
        blob = subprocess.run(["git", "show", f"{rev}:recognizer/bundled_model/{name}"], cwd=ROOT, capture_output=True, check=True).stdout
        (into / name).write_bytes(blob)
    metadata = json.loads((into / METADATA_FILE).read_text())
    metadata["preprocessing_version"] = PREPROCESSING_VERSION
    (into / METADATA_FILE).write_text(json.dumps(metadata))
    return into


def print_table(results: dict) -> None:
    names = list(results)
    kinds = list(results[names[0]]["figures"])
    columns = ("digits_right", "digits_accepted", "accepted_digits_right", "non_digits_rejected", "auroc")
    for name in names:
        print(f"\n{name}: {results[name]['tag']} (threshold {results[name]['threshold']:.4f})")
        print(f"  {'kind':<14}" + "".join(f"{c:>23}" for c in columns))
        for kind in kinds:
            group = results[name]["figures"][kind]
            cells = [group.get(c) for c in columns]
            print(f"  {kind:<14}" + "".join(f"{'' if v is None else f'{v:.2%}' if c != 'auroc' else f'{v:.4f}':>23}" for c, v in zip(columns, cells)))


def print_misses(rows, predictions, limit: int) -> None:
    """The digits not accepted and the non-digits accepted, to look at by eye."""
    shown = 0
    for row, p in zip(rows, predictions):
        digit = row["label"].isdigit()
        wrong = (digit and not (p and p.accepted and str(p.digit) == row["label"])) or (not digit and p and p.accepted)
        if wrong and shown < limit:
            shown += 1
            answer = "refused" if p is None else f"{p.digit} conf {p.confidence:.3f} nad {p.not_a_digit:.3f}"
            print(f"  {row['label']:<22} {row['kind']:<14} {answer:<32} {row['local_path']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="folder with INDEX.tsv, digits/ and nondigits/")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "recognizer" / "bundled_model")
    parser.add_argument("--previous-rev", default=PREVIOUS_REV, help="git revision whose bundled model is the baseline")
    parser.add_argument("--previous-dir", type=Path, help="a version folder to compare with instead")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--misses", type=int, default=0, help="list up to N wrong answers of the model")
    args = parser.parse_args()

    rows = load_index(args.data)
    inputs = model_inputs(args.data, rows)
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        previous = args.previous_dir or previous_folder(args.previous_rev, Path(scratch))
        for name, folder in (("model", args.model_dir), ("previous", previous)):
            predictions, threshold = answers(folder, inputs)
            tag = json.loads((Path(folder) / METADATA_FILE).read_text()).get("architecture", "?")
            results[name] = {"tag": f"{folder} ({tag})", "threshold": threshold, "figures": figures(rows, predictions)}
            if name == "model" and args.misses:
                print(f"wrong answers of {folder}:")
                print_misses(rows, predictions, args.misses)
    print(f"{len(rows)} images, {sum(x is None for x in inputs)} refused by preprocessing")
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
