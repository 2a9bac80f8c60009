from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml.errors import ArtifactError
from recognizer.evaluation import EvaluationError, load_predictor, version_by_tag
from recognizer.management.versions import ModelVersionOption
from recognizer.services import version_activate, version_rollback


class Command(ModelVersionOption, BaseCommand):
    help = (
        "Activate a model version (--version TAG) or the one active before (--rollback); every running "
        "worker switches within MODEL_CHECK_SECONDS, without a restart. With no option: check that the "
        "active version's stored artifact loads and report it."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--version", metavar="TAG", help="tag of the version to activate")
        target.add_argument("--rollback", action="store_true", help="re-activate the previously active version")

    def handle(self, *, version, rollback, **options):
        try:
            if rollback:
                activated = version_rollback()
            elif version:
                activated = version_activate(version=version_by_tag(version), note="reload_model")
            else:
                return self._check_active()
        except (ArtifactError, EvaluationError) as exc:
            raise CommandError(f"Nothing changed: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Activated {activated.tag}; workers switch within {settings.MODEL_CHECK_SECONDS:g} s."))

    def _check_active(self) -> None:
        try:
            active = version_by_tag(None)
            predictor = load_predictor(active)
        except EvaluationError as exc:
            raise CommandError(str(exc))
        accuracy = active.metric("mnist_test", "accuracy")
        shown = f"{accuracy:.2%}" if accuracy is not None else "not recorded"
        self.stdout.write(self.style.SUCCESS(f"Active version {active.tag} loads and answers."))
        self.stdout.write(f"  activated {active.activated_at:%Y-%m-%d %H:%M} UTC, MNIST test accuracy {shown}, threshold {predictor.threshold:.3f}")
