"""Labeled drawings: the dataset that people build by drawing and that admins curate."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, FloatField, Q, Value, When
from django.utils import timezone

from collector.labels import LABEL_CHOICES, LABELS


class DrawingQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Drawing.Status.VERIFIED)

    def pending(self):
        return self.filter(status=Drawing.Status.PENDING)

    def disagreeing(self):
        """Drawings whose label differs from the model's prediction at submission."""
        return self.filter(predicted_label__isnull=False).exclude(predicted_label=F("label"))

    def agreeing(self):
        return self.filter(predicted_label=F("label"))

    def with_review_priority(self):
        """Annotate how likely the label is wrong: the model's confidence when it disagrees."""
        return self.annotate(
            review_priority=Case(
                When(Q(predicted_label__isnull=False) & ~Q(predicted_label=F("label")), then=F("prediction_confidence")),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )

    def review_queue(self):
        """Pending disagreements, the most confidently contradicted first."""
        return self.pending().disagreeing().with_review_priority().order_by("-review_priority", "id")


class Drawing(models.Model):
    class Source(models.TextChoices):
        COLLECT = "collect", "Collection page"
        FEEDBACK = "feedback", "Prediction feedback"
        IMPORT = "import", "Import"
        ADMIN = "admin", "Admin"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    image = models.FileField(upload_to="drawings/", max_length=200, help_text="PNG re-encoded by the server.")
    label = models.PositiveSmallIntegerField(
        choices=LABEL_CHOICES, validators=[MinValueValidator(min(LABELS)), MaxValueValidator(max(LABELS))], help_text="A digit 0-9, or 10: not a digit."
    )
    strokes = models.JSONField(null=True, blank=True, help_text="Quick, Draw! format: [[[x...], [y...], [t ms...]], ...]")
    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="drawings")
    contributor_key = models.CharField(max_length=64, blank=True, help_text="Hash of the anonymous session.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the stored PNG; equal hashes are duplicates.")
    # The model's most likely class when the drawing was submitted: 10 when "not a digit" was
    # more likely than any digit (see collector.services.SubmittedPrediction.of).
    predicted_label = models.PositiveSmallIntegerField(null=True, blank=True, choices=LABEL_CHOICES)
    prediction_confidence = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=100, blank=True, help_text="Tag of the model version that predicted.")

    objects = DrawingQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(label__gte=min(LABELS), label__lte=max(LABELS)), name="drawing_label_is_a_class"),
            models.CheckConstraint(
                condition=Q(predicted_label__isnull=True) | Q(predicted_label__gte=min(LABELS), predicted_label__lte=max(LABELS)), name="drawing_prediction_is_a_class"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "label"]),
            models.Index(fields=["source", "created"]),
            models.Index(fields=["created"]),
            models.Index(fields=["model_version"]),
            models.Index(fields=["sha256"]),
            models.Index(fields=["contributor_key"]),
            models.Index(fields=["image"]),
        ]

    def __str__(self) -> str:
        return f"Drawing {self.pk} ({self.get_label_display()}, {self.status})"

    @property
    def disagrees(self) -> bool:
        return self.predicted_label is not None and self.predicted_label != self.label
