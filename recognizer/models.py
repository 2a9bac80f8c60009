"""Model versions (immutable artifacts + an active pointer) and the predictions they made."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, FloatField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from collector.labels import LABEL_CHOICES


class ModelVersionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_feedback_stats(self):
        """Annotate the predictions with feedback, and the share of them that were right.

        Counted in subqueries over the feedback rows alone, which `prediction_feedback_idx`
        holds: the cost grows with feedback, not with every prediction ever logged. A join
        over all predictions took 300 ms with 2 million of them on PostgreSQL.
        """
        return self.annotate(
            feedback_count=_feedback_count(),
            feedback_right=_feedback_count(feedback_correct=True),
        ).annotate(feedback_accuracy=Cast("feedback_right", FloatField()) / NullIf("feedback_count", 0))


def _feedback_count(**filters):
    """The number of the outer version's predictions with feedback (matching `filters`)."""
    rows = Prediction.objects.filter(model_version=OuterRef("pk"), feedback_correct__isnull=False, **filters)
    count = rows.order_by().values("model_version").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(count), 0)


class ModelVersion(models.Model):
    """An immutable trained model in the default storage; exactly one version is active."""

    tag = models.SlugField(max_length=100, unique=True)
    created = models.DateTimeField(default=timezone.now)
    artifact_prefix = models.CharField(max_length=200, help_text="Storage folder holding model.tflite, model.keras and metadata.json.")
    metadata = models.JSONField(default=dict)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_model_version")]

    def __str__(self) -> str:
        return self.tag + (" (active)" if self.is_active else "")

    def artifact_path(self, name: str) -> str:
        return f"{self.artifact_prefix.rstrip('/')}/{name}"

    def metric(self, *keys, default=None):
        value = self.metadata.get("metrics", {})
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value


class Activation(models.Model):
    """History of the active pointer, so an operator can roll back to the previous version."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="activations")
    activated_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-activated_at", "-id"]


class Prediction(models.Model):
    """One answer of the model. The image itself is kept only when feedback is given."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="predictions")
    digit = models.PositiveSmallIntegerField()
    confidence = models.FloatField()
    accepted = models.BooleanField()
    # Null on rows logged before the model's "not a digit" probability was recorded.
    not_a_digit = models.FloatField(null=True, blank=True, help_text="Probability of \"not a digit\" in the answer.")
    feedback_correct = models.BooleanField(null=True, blank=True)
    feedback_label = models.PositiveSmallIntegerField(null=True, blank=True, choices=LABEL_CHOICES)
    feedback_at = models.DateTimeField(null=True, blank=True)
    # Indexed below only where set: most predictions never get feedback or a drawing.
    drawing = models.ForeignKey("collector.Drawing", null=True, blank=True, on_delete=models.SET_NULL, related_name="predictions", db_index=False)

    class Meta:
        ordering = ["-created"]
        # Partial indexes: every prediction is an INSERT, and rows without feedback (nearly all)
        # add nothing to these. Queries that name a version's feedback or a drawing use them.
        indexes = [
            models.Index(fields=["model_version", "feedback_correct"], condition=Q(feedback_correct__isnull=False), name="prediction_feedback_idx"),
            models.Index(fields=["drawing"], condition=Q(drawing__isnull=False), name="prediction_drawing_idx"),
        ]


class RetrainJob(models.Model):
    """A retraining asked for from the admin or the staff API and run by the task worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    created = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mode = models.CharField(max_length=16, default="fine-tune")
    epochs = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: the mode's default.")
    activate = models.CharField(max_length=4, default="auto", help_text="auto, yes or no.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField(max_length=64, blank=True, help_text="Id of the django-tasks result.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    log = models.TextField(blank=True)
    version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="retrain_jobs")
    activated = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"Retrain {self.pk} ({self.mode}, {self.status})"

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.splitlines()[-lines:])
