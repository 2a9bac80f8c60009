import csv
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collector.management.progress import progress_bar
from recognizer.evaluation import EvaluationError, FilePrediction, image_paths, load_predictor, predict_files, version_by_tag
from recognizer.management.versions import ModelVersionOption

CSV_FIELDS = ("path", "digit", "confidence", "accepted", "not_a_digit", "model_version", "error")


class Command(ModelVersionOption, BaseCommand):
    help = "Predict the digit in image files (or every image in folders): digit, confidence and whether it is accepted."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files or folders of them")
        parser.add_argument("--csv", type=Path, dest="csv_out", metavar="OUT", help="also write the results to this CSV file")
        parser.add_argument("--version", metavar="TAG", help="version to use (default: the active one)")

    def handle(self, *, paths, csv_out, version, verbosity, **options):
        if csv_out and not csv_out.parent.is_dir():
            raise CommandError(f"The folder {csv_out.parent} for --csv does not exist.")
        try:
            model = version_by_tag(version)
            predictor = load_predictor(model)
            files = image_paths(paths)
        except EvaluationError as exc:
            raise CommandError(str(exc))
        if not files:
            raise CommandError("No PNG, JPEG, WebP or GIF files found in the folders given.")
        rows = []
        with progress_bar(self, total=len(files), desc="predicting", unit="image", verbosity=verbosity if len(files) > 1 else 0) as bar:
            for result in predict_files(files, predictor):
                rows.append(_row(result, model.tag))
                bar.update(1)
        self.stdout.write(f"{'digit':>5} {'confidence':>10} {'accepted':>8}  path  (model {model.tag})")
        for row in rows:
            self.stdout.write(_line(row))
        if csv_out:
            _write_csv(csv_out, rows)
            self.stdout.write(self.style.SUCCESS(f"Wrote {len(rows)} rows to {csv_out}."))


def _row(result: FilePrediction, tag: str) -> dict:
    row = dict.fromkeys(CSV_FIELDS, "") | {"path": str(result.path), "model_version": tag, "error": result.error}
    if result.prediction:
        p = result.prediction
        row.update(digit=p.digit, confidence=round(p.confidence, 4), accepted=p.accepted, not_a_digit=round(p.not_a_digit, 4))
    return row


def _line(row: dict) -> str:
    if row["error"]:
        return f"{'-':>5} {'-':>10} {'-':>8}  {row['path']}  ({row['error']})"
    return f"{row['digit']:>5} {row['confidence']:>10.3f} {'yes' if row['accepted'] else 'no':>8}  {row['path']}"


def _write_csv(path: Path, rows: list[dict]) -> None:
    with tempfile.NamedTemporaryFile("w", newline="", dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(out.name, path)
