import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recognizer.evaluation import DATASETS, EvaluationError, evaluate_version, labeled_set, version_by_tag
from recognizer.management.versions import ModelVersionOption


class Command(ModelVersionOption, BaseCommand):
    help = (
        "Score a model version's served artifact on a labeled dataset: accuracy, acceptance, calibration "
        "(ECE), per-class precision/recall, rejection of synthetic non-digits, and a confusion matrix PNG."
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
        digits, rejection = result.digits, result.rejection
        self.stdout.write(self.style.SUCCESS(f"{result.version} on {result.dataset} ({digits['count']} images)"))
        self.stdout.write(f"accuracy {digits['accuracy']:.2%}   accepted {digits['acceptance_rate']:.2%}   ECE {digits['ece']:.4f}")
        self.stdout.write(f"{'class':>5} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
        for row in digits["per_class"]:
            self.stdout.write(f"{row['class']:>5} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} {row['support']:>8}")
        baseline = rejection["baseline_max_softmax"]
        self.stdout.write(
            f"non-digits rejected {rejection['negative_rejection']:.2%} at threshold {rejection['threshold']:.3f} "
            f"(max-softmax baseline at {baseline['digit_acceptance']:.0%} acceptance: {baseline['negative_rejection']:.2%})"
        )
        self.stdout.write(f"confusion matrix: {result.confusion_png}")
        self.stdout.write(f"report: {result.report_json}")
