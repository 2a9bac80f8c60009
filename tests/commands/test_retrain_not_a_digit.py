"""Retraining learns "not a digit" from verified drawings labeled 10, and scores them apart."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from collector.models import Drawing
from ml import finetune
from ml.constants import NOT_A_DIGIT
from recognizer import retraining
from recognizer.models import ModelVersion
from recognizer.serving import active_model
from tests.commands.builders import DRAWN, stored_drawing, stored_not_a_digit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_training")]


def labeled_drawings() -> tuple[list, list]:
    """12 verified digits, 5 verified "not a digit" drawings, and one of each still pending."""
    digits = [stored_drawing(digit, width=12 + 3 * i) for digit in DRAWN for i in range(3)]
    negatives = [stored_not_a_digit(width=10 + 3 * i) for i in range(5)]
    stored_drawing("7", status=Drawing.Status.PENDING, width=30), stored_not_a_digit(status=Drawing.Status.PENDING, width=30)
    return digits, negatives


def test_verified_not_a_digit_drawings_reach_training_and_holdout_with_label_10():
    digits, negatives = labeled_drawings()
    config = finetune.config_for("fine-tune")
    verified = retraining.verified_drawings(config, seed=0)
    assert verified.ids == [drawing.pk for drawing in digits + negatives]  # Pending ones stay out.
    labels = np.concatenate([verified.train.y, verified.holdout.y])
    assert sorted(labels.tolist()) == sorted([d.label for d in digits] + [NOT_A_DIGIT] * 5)
    assert (verified.holdout.y == NOT_A_DIGIT).sum() == 1 and (verified.train.y == NOT_A_DIGIT).sum() == 4
    assert verified.train.x.shape[1:] == (28, 28, 1) and verified.train.x[verified.train.y == NOT_A_DIGIT].max() > 0.9


@pytest.mark.slow
def test_retraining_trains_on_not_a_digit_drawings_and_reports_their_rejection(monkeypatch):
    _, negatives = labeled_drawings()
    base = active_model.get().tag
    seen = []
    real_train = retraining.train_version
    monkeypatch.setattr(retraining, "train_version", lambda config, extra, **kw: seen.append(extra) or real_train(config, extra=extra, **kw))
    out = io.StringIO()
    call_command("retrain", "--fine-tune", "--activate", "no", stdout=out, stderr=io.StringIO())
    (extra,) = seen
    # One drawing of each label is held out (a fifth, rounded per label): 2 of each digit and 4 of the 5 negatives train.
    assert sorted(extra.y.tolist()) == [0, 0, 1, 1, 4, 4, 7, 7, 10, 10, 10, 10]
    new = ModelVersion.objects.exclude(tag=base).get()
    metrics = new.metadata["metrics"]
    assert metrics["drawings_holdout"]["count"] == 4
    assert metrics["not_a_digit_holdout"]["count"] == 1 and 0 <= metrics["not_a_digit_holdout"]["accuracy"] <= 1
    assert new.metadata["data_snapshot"]["verified_drawings"] == 17 and new.metadata["data_snapshot"]["holdout_drawings"] == 5
    table = out.getvalue()
    assert "Not-a-digit rejected" in table and "Drawings holdout" in table
    assert new.metadata["data_snapshot"]["max_drawing_id"] == negatives[-1].pk
