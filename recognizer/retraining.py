"""Retraining: one service shared by the `retrain` command, the admin action and the task worker.

`retrain` trains on MNIST plus the verified drawings (minus a stratified holdout of them),
those labeled "not a digit" (10) teaching the not-a-digit class, scores the active version
and the new one on the same MNIST test set and holdout (its digits on accuracy, its
not-a-digit drawings on the share rejected), registers the new immutable version and, with
`activate="auto"`, activates it only when it is not worse on any set measured.
`enqueue_retrain` queues the same work for the background worker.
"""

import contextlib
import datetime as dt
import hashlib
import io
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from collector.exporters import ExportError, ReadTally, model_arrays
from collector.models import Drawing
from ml import artifacts as ml_artifacts
from ml import evaluate, finetune
from ml.dataset import Split, make_split, mnist_split, stratified_holdout
from ml.errors import ArtifactError
from ml.train import train_version, write_version
from recognizer import artifacts
from recognizer.models import ModelVersion, RetrainJob
from recognizer.services import version_activate, version_register

ACTIVATION_CHOICES = ("auto", "yes", "no")
HOLDOUT_FRACTION = 0.2
MIN_HOLDOUT_DRAWINGS = 10  # Below this, every verified drawing goes to training.
NOT_WORSE_BY = 0.001  # An accuracy drop within 0.1 point counts as "not worse".
STALE_JOB = dt.timedelta(hours=12)  # An unfinished job older than this no longer blocks new ones.
SETS = (("mnist_test", "MNIST test"), ("drawings_holdout", "Drawings holdout"), ("not_a_digit_holdout", "Not-a-digit rejected"))
# Few datasets hold "not a digit" drawings: without them this set is left out of the verdict.
OPTIONAL_SETS = ("not_a_digit_holdout",)


class RetrainError(Exception):
    """Retraining could not start or finish; the message says what to do."""


class RetrainBusy(RetrainError):
    pass


@dataclass
class VerifiedDrawings:
    train: Split  # Weighted.
    holdout: Split
    ids: list  # Every drawing used, training and holdout.
    skipped: dict  # reason -> count of verified drawings that could not be read.

    @property
    def weight(self) -> float:
        return float(self.train.weight[0]) if len(self.train) else 0.0


@dataclass
class RetrainReport:
    version: ModelVersion
    base_tag: str | None
    mode: str
    before: dict  # set name -> accuracy (None: not measured); empty when no version was active.
    after: dict
    sizes: dict  # set name -> number of images scored
    activated: bool
    decision: str
    drawings: dict = field(default_factory=dict)
    seconds: float = 0.0

    def table(self) -> list[str]:
        """The before/after comparison as aligned text lines."""
        lines = [f"{'accuracy':20} {'before':>8} {'after':>8} {'images':>8}"]
        for key, name in SETS:
            if key not in OPTIONAL_SETS or self.sizes.get(key):
                lines.append(f"{name:20} {_percent(self.before.get(key)):>8} {_percent(self.after.get(key)):>8} {self.sizes.get(key, 0):>8}")
        return lines + [f"before: {self.base_tag or 'no active version'}; after: {self.version.tag}"]


def retrain(*, mode: str = "fine-tune", epochs: int | None = None, mnist_dir=None, activate: str = "auto", seed: int = 0, progress: Callable[[str], object] = lambda line: None) -> RetrainReport:
    """Train, compare, register and (maybe) activate a new model version.

    Raises RetrainError with a sentence when the inputs are unusable (no active model to
    fine-tune, MNIST missing, a broken artifact).
    """
    check_options(mode=mode, epochs=epochs, activate=activate)
    started = time.monotonic()
    base = ModelVersion.objects.active().first()
    if mode == "fine-tune" and base is None:
        raise RetrainError("Fine-tuning starts from the active model version, but none is active; run retrain --from-scratch.")
    config = finetune.config_for(mode, epochs=epochs, seed=seed, mnist_dir=mnist_dir or settings.MNIST_DIR)
    test = _mnist_test(config)
    drawings = verified_drawings(config, seed, progress)
    base_model = _load_keras(base) if base else None
    if base:
        progress(f"scoring the active version {base.tag} on {len(test)} MNIST test images and {len(drawings.holdout)} held-out drawings")
    before = _before(base, base_model, test, drawings.holdout) if base else {}
    progress(f"training {mode} for {config.epochs} epochs on MNIST + {len(drawings.train)} drawings (weight {drawings.weight:.1f} each)")
    with _keras_lines_to(progress):
        result = _train(config, drawings.train, base_model if mode == "fine-tune" else None)
    # Training scored the new model on the same MNIST test split (same limit and seed).
    after = {"mnist_test": result.metadata["metrics"]["mnist_test"], **_holdout_scores(result.model, result.metadata, drawings.holdout)}
    activated, decision = decide(before, after, activate)
    progress(decision)
    _annotate(result.metadata, mode=mode, base=base, after=after, drawings=drawings, decision=decision)
    version = _register(result, mode, decision)
    if activated:
        version_activate(version=version, note=f"retrain {mode}")
    return RetrainReport(
        version=version,
        base_tag=base.tag if base else None,
        mode=mode,
        before=_accuracies(before),
        after=_accuracies(after),
        sizes={"mnist_test": len(test), **_holdout_sizes(drawings.holdout)},
        activated=activated,
        decision=decision,
        drawings={"train": len(drawings.train), "holdout": len(drawings.holdout), "skipped": sum(drawings.skipped.values())},
        seconds=round(time.monotonic() - started, 1),
    )


def check_options(*, mode: str, epochs: int | None, activate: str) -> None:
    if mode not in finetune.MODES:
        raise RetrainError(f"Mode {mode!r} is unknown; use one of {', '.join(finetune.MODES)}.")
    if activate not in ACTIVATION_CHOICES:
        raise RetrainError(f"Activation {activate!r} is unknown; use one of {', '.join(ACTIVATION_CHOICES)}.")
    if epochs is not None and not (isinstance(epochs, int) and not isinstance(epochs, bool) and 1 <= epochs <= 200):
        raise RetrainError("Epochs must be a whole number from 1 to 200.")


def verified_drawings(config, seed: int, progress: Callable[[str], object] = lambda line: None) -> VerifiedDrawings:
    """The verified drawings as a weighted training split and a stratified holdout."""
    progress("reading verified drawings")
    tally = ReadTally()
    try:
        x, y, ids = model_arrays(Drawing.objects.verified().order_by("id"), tally)
    except ExportError as exc:
        raise RetrainError(str(exc))
    # Unrounded, so each label gives its own rounded share (3 drawings of a label -> 1 held out).
    size = len(y) * HOLDOUT_FRACTION if len(y) >= MIN_HOLDOUT_DRAWINGS else 0
    keep, held = stratified_holdout(y, size, seed)
    progress(f"{len(keep)} drawings for training, {len(held)} held out, {sum(tally.skipped.values())} unreadable")
    return VerifiedDrawings(
        train=finetune.weighted_drawings(x[keep], y[keep], config),
        holdout=make_split(x[held], y[held]),
        ids=ids,
        skipped=dict(tally.skipped),
    )


def decide(before: dict, after: dict, activate: str) -> tuple[bool, str]:
    """Whether to activate the new version, and a sentence naming the numbers that decided."""
    if activate != "auto":
        return activate == "yes", f"{'Activated' if activate == 'yes' else 'Left inactive'} as asked (--activate {activate})."
    if not before:
        return True, "Activated: no version was active to compare with."
    verdicts, worse = [], False
    for key, name in SETS:
        old, new = before.get(key), after.get(key)
        if not old or not new:
            if key not in OPTIONAL_SETS:
                verdicts.append(f"{name}: not measured")
            continue
        drop = round(old["accuracy"] - new["accuracy"], 9)  # 0.9920 - 0.9910 is 0.0010000000000001.
        worse = worse or drop > NOT_WORSE_BY
        verdict = "worse" if drop > NOT_WORSE_BY else "better" if drop < 0 else "not worse"
        verdicts.append(f"{name} {_percent(new['accuracy'])} vs {_percent(old['accuracy'])} ({verdict})")
    head = "Kept the active version" if worse else "Activated"
    return not worse, f"{head}: {'; '.join(verdicts)}; a drop of up to {NOT_WORSE_BY * 100:.1f} point counts as not worse."


def _mnist_test(config) -> Split:
    try:
        return mnist_split("test", config.mnist_dir, config.test_limit, config.seed)
    except (OSError, ValueError) as exc:
        raise RetrainError(f"MNIST could not be loaded ({exc}); pass --mnist-dir or set MNIST_DIR to a folder of MNIST IDX files.")


def _before(base: ModelVersion, model, test: Split, holdout: Split) -> dict:
    """The active version's scores, made now by the same code that scores the new version.

    Not the report recorded at its training: preprocessing may have changed since.
    """
    return {"mnist_test": finetune.score(model, test, base.metadata), **_holdout_scores(model, base.metadata, holdout)}


def _holdout_scores(model, metadata: dict, holdout: Split) -> dict:
    """The held-out digit drawings scored on their digit, the "not a digit" ones on being rejected."""
    digits, negatives = evaluate.split_not_a_digit(holdout.y)
    return {
        "drawings_holdout": finetune.score(model, holdout.take(digits), metadata) if digits.any() else None,
        "not_a_digit_holdout": finetune.rejection_score(model, holdout.take(negatives), metadata) if negatives.any() else None,
    }


def _holdout_sizes(holdout: Split) -> dict:
    digits, negatives = evaluate.split_not_a_digit(holdout.y)
    return {"drawings_holdout": int(digits.sum()), "not_a_digit_holdout": int(negatives.sum())}


def _train(config, drawings: Split, initial_model):
    try:
        return train_version(config, extra=drawings, initial_model=initial_model)
    except (OSError, ValueError) as exc:
        raise RetrainError(f"Training failed on its input data: {exc}.")


def _load_keras(version: ModelVersion):
    try:
        return finetune.load_model_bytes(artifacts.read_bytes(version.artifact_path(ml_artifacts.KERAS_FILE)))
    except ArtifactError as exc:
        raise RetrainError(f"The active version {version.tag} cannot be loaded for retraining: {exc}")


def _accuracies(scores: dict) -> dict:
    return {name: report["accuracy"] if report else None for name, report in scores.items()}


def _annotate(metadata: dict, *, mode: str, base, after: dict, drawings: VerifiedDrawings, decision: str) -> None:
    """Record what this version was trained on and how it compared, in its immutable metadata."""
    for key in ("drawings_holdout", "not_a_digit_holdout"):
        if after[key]:
            metadata["metrics"][key] = after[key]
    metadata["data_snapshot"] = {
        "verified_drawings": len(drawings.ids),
        "max_drawing_id": max(drawings.ids, default=None),
        "drawing_ids_sha256": hashlib.sha256(",".join(map(str, drawings.ids)).encode()).hexdigest(),
        "holdout_drawings": len(drawings.holdout),
        "drawing_weight": drawings.weight,
        "skipped_drawings": drawings.skipped,
    }
    metadata["retrain"] = {"mode": mode, "base_version": base.tag if base else None, "decision": decision}


def _register(result, mode: str, decision: str) -> ModelVersion:
    tag = f"retrain-{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}"
    # The TFLite converter prints the SavedModel's signature to stdout: noise for an operator.
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
        write_version(result, Path(folder))
        return version_register(folder=Path(folder), tag=tag, notes=f"retrain {mode}. {decision}")


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


class _LineWriter(io.TextIOBase):
    """A stdout stand-in that hands each complete line to `sink`, with the real stdout back in place."""

    def __init__(self, sink: Callable[[str], object], stdout):
        self.sink, self.stdout, self.pending = sink, stdout, ""

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).replace("\r", "\n").split("\n")
        with contextlib.redirect_stdout(self.stdout):  # A sink that prints must not loop back here.
            for line in filter(None, (line.strip() for line in lines)):
                self.sink(line)
        return len(text)


@contextlib.contextmanager
def _keras_lines_to(sink: Callable[[str], object]):
    """Send Keras's per-epoch lines to `sink`: `ml.train.fit` takes no callbacks, and Keras prints them to stdout."""
    with contextlib.redirect_stdout(_LineWriter(sink, sys.stdout)):
        yield


def enqueue_retrain(*, requested_by=None, mode: str = "fine-tune", epochs: int | None = None, activate: str = "auto") -> RetrainJob:
    """Queue a retrain for the background worker; raises RetrainBusy if one is queued or running."""
    from recognizer.tasks import retrain_job

    check_options(mode=mode, epochs=epochs, activate=activate)
    if RetrainJob.objects.filter(status__in=[RetrainJob.Status.QUEUED, RetrainJob.Status.RUNNING], created__gte=timezone.now() - STALE_JOB).exists():
        raise RetrainBusy("A retrain is already queued or running; wait for it to finish.")
    job = RetrainJob.objects.create(requested_by=requested_by if requested_by and requested_by.is_authenticated else None, mode=mode, epochs=epochs, activate=activate)
    result = retrain_job.enqueue(job_id=job.pk)
    RetrainJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id)
    job.refresh_from_db()
    return job
