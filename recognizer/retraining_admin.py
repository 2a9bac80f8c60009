"""Admin for background retraining: the "Retrain now" action and the job list with status and log."""

from datetime import timedelta

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from recognizer.admin_base import ReadOnlyAdmin
from recognizer.models import RetrainJob
from recognizer.retraining import RetrainError, enqueue_retrain

# A worker polls for jobs every few seconds; a job still queued after this has no worker.
UNCLAIMED_AFTER = timedelta(minutes=1)


@admin.action(description="Retrain now (fine-tune in the background)")
def retrain_now(modeladmin, request, queryset=None):
    """Queue a fine-tune of the active version; the worker (`manage.py db_worker`) runs it."""
    try:
        job = enqueue_retrain(requested_by=request.user)
    except RetrainError as exc:
        modeladmin.message_user(request, str(exc), messages.WARNING)
        return
    link = reverse("admin:recognizer_retrainjob_change", args=[job.pk])
    modeladmin.message_user(request, format_html('Retrain job <a href="{}">#{}</a> is {}; follow its log there.', link, job.pk, job.get_status_display().lower()), messages.SUCCESS)


@admin.register(RetrainJob)
class RetrainJobAdmin(ReadOnlyAdmin):
    """Jobs are facts written by the worker: read-only here."""

    list_display = ("id", "created", "requested_by", "mode", "status", "version", "activated", "duration")
    list_filter = ("status", "mode", "activated")
    list_select_related = ("requested_by", "version")
    fields = ("status_text", "mode", "epochs", "activate", "requested_by", "created", "started_at", "finished_at", "version", "activated", "error", "log_tail_text", "task_id")
    readonly_fields = fields

    @admin.display(description="Status")
    def status_text(self, job):
        waited = timezone.now() - job.created
        if job.status != RetrainJob.Status.QUEUED or waited < UNCLAIMED_AFTER:
            return job.get_status_display()
        # `make run` starts no worker: without this, a queued job just sits there.
        return format_html(
            "Queued for {} min and no worker has taken it: start one with <code>python manage.py db_worker</code>.",
            int(waited.total_seconds() // 60),
        )

    @admin.display(description="Duration")
    def duration(self, job):
        end = job.finished_at
        return f"{(end - job.started_at).total_seconds():.0f} s" if end and job.started_at else "—"

    @admin.display(description="Log (last lines)")
    def log_tail_text(self, job):
        return format_html('<pre style="white-space: pre-wrap; max-height: 30em; overflow: auto">{}</pre>', job.log_tail())
