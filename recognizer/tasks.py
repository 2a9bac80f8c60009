"""Background work, run by django-tasks' database worker.

The admin's "Retrain now" and `POST /api/admin/retrain` only queue a job (a row in the
database); a worker process runs it. Start one on any host that reaches the database and
has the code, MNIST (`MNIST_DIR`) and the media storage settings:

    python manage.py db_worker --queue-name default --no-reload

It runs one task at a time; a retrain uses both cores of a small host for a minute
(fine-tune) or most of an hour (from scratch), so run it beside the web workers only on
hosts with room to spare. Follow a job in the admin under "Retrain jobs".
"""

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django_tasks import task

from recognizer.models import RetrainJob
from recognizer.retraining import retrain


@task()
def retrain_job(job_id: int) -> dict:
    """Run a queued RetrainJob: its status, log and resulting version show in the admin."""
    job = RetrainJob.objects.get(pk=job_id)
    RetrainJob.objects.filter(pk=job_id).update(status=RetrainJob.Status.RUNNING, started_at=timezone.now())
    log = JobLog(job_id)
    log(f"retrain {job.mode} started")
    try:
        report = retrain(mode=job.mode, epochs=job.epochs, activate=job.activate, mnist_dir=settings.MNIST_DIR, progress=log)
    except Exception as exc:
        log(f"failed: {exc}")
        RetrainJob.objects.filter(pk=job_id).update(status=RetrainJob.Status.FAILED, finished_at=timezone.now(), error=str(exc))
        raise
    for line in report.table():
        log(line)
    RetrainJob.objects.filter(pk=job_id).update(status=RetrainJob.Status.SUCCEEDED, finished_at=timezone.now(), version=report.version, activated=report.activated)
    return {"version": report.version.tag, "activated": report.activated, "decision": report.decision, "seconds": report.seconds}


class JobLog:
    """Appends timestamped lines to a job's log in one UPDATE each, so the admin sees progress live."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, line: str) -> None:
        stamped = f"{timezone.now():%H:%M:%S} {line}\n"
        RetrainJob.objects.filter(pk=self.job_id).update(log=Concat(F("log"), Value(stamped), output_field=TextField()))
