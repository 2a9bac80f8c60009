from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ml.finetune import PRESETS
from recognizer.retraining import ACTIVATION_CHOICES, RetrainError, retrain


class Command(BaseCommand):
    help = (
        "Train a new model version on MNIST plus the verified drawings, compare it with the active one "
        "on MNIST test and a held-out share of the drawings, register it, and activate it as --activate says."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--fine-tune", action="store_const", dest="mode", const="fine-tune", help="continue from the active version with a low learning rate (default)")
        mode.add_argument("--from-scratch", action="store_const", dest="mode", const="from-scratch", help="train the full model anew")
        parser.set_defaults(mode="fine-tune")
        parser.add_argument("--epochs", type=int, help=f"default: {PRESETS['fine-tune'].epochs} for fine-tuning, {PRESETS['from-scratch'].epochs} from scratch")
        parser.add_argument("--mnist-dir", help="folder of MNIST IDX files (default: the MNIST_DIR setting)")
        parser.add_argument("--activate", choices=ACTIVATION_CHOICES, default="auto", help="auto: only if not worse than the active version on every set measured (MNIST test, held-out drawings, held-out not-a-digit drawings)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *, mode, epochs, mnist_dir, activate, seed, verbosity, **options):
        say = self._progress if verbosity else (lambda line: None)
        try:
            report = retrain(mode=mode, epochs=epochs, mnist_dir=mnist_dir, activate=activate, seed=seed, progress=say)
        except RetrainError as exc:
            raise CommandError(str(exc))
        for line in report.table():
            self.stdout.write(line)
        style = self.style.SUCCESS if report.activated else self.style.WARNING
        self.stdout.write(style(report.decision))
        self.stdout.write(f"Registered {report.version.tag} in {report.seconds:.0f} s ({report.drawings['train']} drawings trained on, {report.drawings['holdout']} held out).")

    def _progress(self, line: str) -> None:
        self.stderr.write(f"{timezone.now():%H:%M:%S} {line}")
        self.stderr.flush()
