import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recognizer.evaluation import DATASETS, EvaluationError, evaluate_version, labeled_set, version_by_tag
from recognizer.management.versions import ModelVersionOption


class Command(ModelVersionOption, BaseCommand):
    help = (
        "Score a model version's served artifact on a labeled dataset: accuracy, acceptance, calibration "
        "(ECE), per-class precision/recall, rejection of synthetic non-digits, and a confusion matrix PNG. "
        "Images labeled 10 (not a digit) are reported as the share the model rejects."
    )

    def add_arguments(self, parser):
        parser.add_argument("--version", metavar="TAG", help="version to score (default: the active one)")
        parser.add_argument("--dataset", default="mnist-test", help=f"{' | '.join(DATASETS)} | PATH of an export_dataset npz or IDX folder (default: mnist-test)")
        parser.add_argument("--mnist-dir", default=None, help="folder of MNIST IDX files (default: the MNIST_DIR setting)")
        parser.add_argument("--output-dir", type=Path, help="where the PNG and JSON report go (default: a new temporary folder)")

    def handle(self, *, version, dataset, mnist_dir, output_dir, **options):
        try:
            target = version_by_tag(version)
            data = labeled_set(dataset, mnist_dir=mnist_dir or settings.MNIST_DIR)
            result = evaluate_version(version=target, dataset=data, output_dir=output_dir or Path(tempfile.mkdtemp(prefix="evaluate-")))
        except EvaluationError as exc:
            raise CommandError(str(exc))
        digits, rejection, not_a_digit = result.digits, result.rejection, result.not_a_digit
        self.stdout.write(self.style.SUCCESS(f"{result.version} on {result.dataset} ({result.count} images)"))
        if not_a_digit["count"]:
            self.stdout.write(f"labeled not a digit: {not_a_digit['count']}, rejected {not_a_digit['rejected']:.2%} (the right answer for them)")
        if rejection is None:
            self.stdout.write("no images labeled 0-9: no digit figures")
        else:
            self._digit_figures(digits, rejection)
        self.stdout.write(f"confusion matrix: {result.confusion_png}")
        self.stdout.write(f"report: {result.report_json}")

    def _digit_figures(self, digits: dict, rejection: dict) -> None:
        self.stdout.write(f"digits: {digits['count']}, accuracy {digits['accuracy']:.2%}   accepted {digits['acceptance_rate']:.2%}   ECE {digits['ece']:.4f}")
        self.stdout.write(f"{'class':>5} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
        for row in digits["per_class"]:
            self.stdout.write(f"{row['class']:>5} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} {row['support']:>8}")
        baseline = rejection["baseline_max_softmax"]
        self.stdout.write(
            f"synthetic non-digits rejected {rejection['negative_rejection']:.2%} at threshold {rejection['threshold']:.3f} "
            f"(max-softmax baseline at {baseline['digit_acceptance']:.0%} acceptance: {baseline['negative_rejection']:.2%})"
        )
