import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recognizer.models import ModelVersion, RetrainJob
from recognizer.retraining import RetrainBusy, RetrainError, enqueue_retrain
from tests.commands.builders import DRAWN, stored_drawing

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("quick_training", "immediate_tasks")
def test_a_job_runs_the_retrain_and_records_status_log_and_version(admin_user):
    for digit in DRAWN:
        stored_drawing(digit), stored_drawing(digit, width=14), stored_drawing(digit, width=24)
    job = enqueue_retrain(requested_by=admin_user, activate="no")
    assert job.status == RetrainJob.Status.SUCCEEDED and job.task_id
    assert job.version == ModelVersion.objects.get(tag__startswith="retrain-") and not job.activated
    assert job.started_at <= job.finished_at and job.requested_by == admin_user
    assert "retrain fine-tune started" in job.log and "reading verified drawings" in job.log
    assert "Drawings holdout" in job.log_tail() and "accuracy:" in job.log  # The table, Keras's epoch line.


@pytest.mark.django_db
@pytest.mark.usefixtures("quick_training", "immediate_tasks")
def test_a_failed_job_keeps_the_reason(settings):
    settings.MNIST_DIR = "/no/such/folder"
    job = enqueue_retrain()
    assert job.status == RetrainJob.Status.FAILED and job.finished_at
    assert "MNIST could not be loaded" in job.error and "failed: MNIST could not be loaded" in job.log


@pytest.mark.django_db
def test_a_second_retrain_waits_for_the_first():
    first = enqueue_retrain()  # The database backend: queued for the worker.
    assert first.status == RetrainJob.Status.QUEUED and DBTaskResult.objects.filter(id=first.task_id).exists()
    with pytest.raises(RetrainBusy, match="already queued or running"):
        enqueue_retrain()


@pytest.mark.django_db
def test_a_stale_unfinished_job_does_not_block():
    RetrainJob.objects.create(status=RetrainJob.Status.RUNNING, created=timezone.now() - dt.timedelta(days=2))
    assert enqueue_retrain().status == RetrainJob.Status.QUEUED


@pytest.mark.django_db
@pytest.mark.parametrize(("options", "message"), [({"mode": "quick"}, "Mode 'quick'"), ({"epochs": 0}, "Epochs"), ({"activate": "maybe"}, "Activation 'maybe'")])
def test_bad_options_are_refused_before_queueing(options, message):
    with pytest.raises(RetrainError, match=message):
        enqueue_retrain(**options)
    assert not RetrainJob.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("quick_training")
def test_the_database_worker_runs_a_queued_job():
    job = enqueue_retrain(activate="yes")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == RetrainJob.Status.SUCCEEDED and job.activated
    assert ModelVersion.objects.get(is_active=True) == job.version
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
