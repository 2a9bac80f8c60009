import pytest

from recognizer.models import ModelVersion
from tests.recognizer.builders import active_version, copy_of_bundled, prediction

pytestmark = pytest.mark.django_db


def stats() -> dict:
    return {v.tag: (v.feedback_count, v.feedback_right, v.feedback_accuracy) for v in ModelVersion.objects.with_feedback_stats()}


def test_each_version_counts_only_its_own_predictions_with_feedback():
    judged, silent, unused = active_version(), copy_of_bundled("silent"), copy_of_bundled("unused")
    for correct in (True, True, False):
        prediction(model_version=judged, feedback_correct=correct)
    prediction(model_version=judged)  # No feedback: not counted.
    prediction(model_version=silent)
    prediction(model_version=silent)
    assert stats() == {judged.tag: (3, 2, pytest.approx(2 / 3)), silent.tag: (0, 0, None), unused.tag: (0, 0, None)}


def test_all_wrong_is_zero_accuracy_not_unknown():
    version = active_version()
    prediction(model_version=version, feedback_correct=False)
    assert stats()[version.tag] == (1, 0, 0.0)


def test_the_stats_can_order_the_versions():
    better, worse = active_version(), copy_of_bundled("worse")
    prediction(model_version=better, feedback_correct=True)
    prediction(model_version=worse, feedback_correct=False)
    ordered = ModelVersion.objects.with_feedback_stats().filter(pk__in=[better.pk, worse.pk]).order_by("-feedback_accuracy")
    assert [v.pk for v in ordered] == [better.pk, worse.pk]
