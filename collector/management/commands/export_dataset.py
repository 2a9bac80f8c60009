import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collector.exporters import FORMATS, ExportError, drawings_for_export, export_dataset
from collector.labels import label_name
from collector.management.progress import progress_bar
from collector.models import Drawing


class Command(BaseCommand):
    help = (
        "Export drawings as npz (x: N x 28 x 28 uint8 model inputs, y, ids), MNIST-style IDX files, "
        "a folder of PNGs per label with manifest.csv, or Quick, Draw! ndjson with strokes. "
        "Labels 0-9 are the digits, 10 is not-a-digit (its PNG folder and the classes.txt / class_names.npy class list say so). "
        "The same data always gives byte-identical output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="file (npz, ndjson) or folder (idx, png) to write; replaced atomically")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--status", default=Drawing.Status.VERIFIED, choices=[*Drawing.Status.values, "all"], help="drawings of this status (default: verified)")
        parser.add_argument("--since", type=_date, help="only drawings created on or after this date (YYYY-MM-DD, UTC)")
        parser.add_argument("--source", action="append", choices=Drawing.Source.values, default=[], help="only this source (repeat for several)")
        parser.add_argument("--raw", action="store_true", help="keep stored images at their own size instead of the 28x28 model input")

    def handle(self, *, output, fmt, status, since, source, raw, verbosity, **options):
        drawings = drawings_for_export(status=status, since=since, sources=source)
        with progress_bar(self, total=drawings.count(), desc="exporting", unit="drawing", verbosity=verbosity) as bar:
            try:
                report = export_dataset(drawings=drawings, output=output, fmt=fmt, raw=raw, progress=bar.update)
            except ExportError as exc:
                raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(f"Exported {report.exported} drawings to {report.path} ({fmt})."))
        for label in sorted(report.per_label):
            self.stdout.write(f"  {label_name(label)}: {report.per_label[label]}")
        for reason, count in sorted(report.skipped.items()):
            self.stdout.write(self.style.WARNING(f"Skipped {count}: {reason}."))
        if report.skipped_ids:
            self.stdout.write(f"First skipped ids: {', '.join(map(str, report.skipped_ids))}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since {text!r} is not a date; use YYYY-MM-DD.")
