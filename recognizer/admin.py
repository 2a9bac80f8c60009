"""Admin for model versions (metrics, plots, activate / roll back) and the prediction log."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ml.errors import ArtifactError
from recognizer import retraining_admin, services
from recognizer.admin_base import ReadOnlyAdmin
from recognizer.models import ModelVersion, Prediction

PLOTS = {"training_curves": "training_curves.png", "confusion_matrix": "confusion_matrix.png"}


def _percent(value) -> str:
    return f"{value:.1%}" if isinstance(value, (int, float)) else "—"


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("tag", "is_active", "created", "mnist_accuracy", "rejection_rate", "live_accuracy", "feedback_count")
    list_filter = ("is_active",)
    search_fields = ("tag",)
    ordering = ("-created",)
    actions = ("activate_selected", "roll_back", retraining_admin.retrain_now)
    fields = ("tag", "is_active", "activated_at", "created", "artifact_prefix", "metrics", "training_curves", "confusion_matrix", "notes")
    readonly_fields = ("tag", "is_active", "activated_at", "created", "artifact_prefix", "metrics", "training_curves", "confusion_matrix")

    def get_queryset(self, request):
        return super().get_queryset(request).with_feedback_stats()

    def has_add_permission(self, request):
        return False  # Versions come from `retrain` or `version_register`: validated, immutable artifacts.

    def has_delete_permission(self, request, obj=None):
        return False  # Predictions point at their version; history must not vanish.

    @admin.display(description="MNIST accuracy")
    def mnist_accuracy(self, version):
        return _percent(version.metric("mnist_test", "accuracy"))

    @admin.display(description="Non-digits rejected")
    def rejection_rate(self, version):
        return _percent(version.metric("rejection", "negative_rejection"))

    @admin.display(description="Live accuracy (feedback)", ordering="feedback_accuracy")
    def live_accuracy(self, version):
        return _percent(version.feedback_accuracy)

    @admin.display(description="Feedback", ordering="feedback_count")
    def feedback_count(self, version):
        return version.feedback_count

    @admin.display(description="Metrics")
    def metrics(self, version):
        rows = (
            ("MNIST test accuracy", _percent(version.metric("mnist_test", "accuracy"))),
            ("MNIST digits accepted", _percent(version.metric("mnist_test", "acceptance_rate"))),
            ("Non-digits rejected", _percent(version.metric("rejection", "negative_rejection"))),
            ("Calibration error (ECE)", _percent(version.metric("mnist_test", "ece"))),
            # Shown like the confidences it is compared with, not as float32 noise (0.8540000915527344).
            ("Accepted from confidence", _percent(version.metadata.get("threshold"))),
            ("Live accuracy (feedback)", self.live_accuracy(version)),
            ("Predictions with feedback", version.feedback_count),
        )
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.display(description="Training curves")
    def training_curves(self, version):
        return self._plot(version, PLOTS["training_curves"])

    @admin.display(description="Confusion matrix")
    def confusion_matrix(self, version):
        return self._plot(version, PLOTS["confusion_matrix"])

    def _plot(self, version, name: str):
        key = version.artifact_path(name)
        return format_html('<img src="{}" alt="{}" style="max-width: 560px; width: 100%">', default_storage.url(key), name)

    @admin.action(description="Activate the selected version")
    def activate_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.WARNING)
            return
        self._activate(request, queryset.get())

    @admin.action(description="Roll back to the previously active version")
    def roll_back(self, request, queryset=None):
        try:
            version = services.version_rollback()
        except ArtifactError as exc:
            self.message_user(request, f"Could not roll back: {exc}", messages.ERROR)
            return
        self.message_user(request, f"Rolled back: {version.tag} is active; workers switch within seconds.", messages.SUCCESS)

    def _activate(self, request, version: ModelVersion) -> None:
        try:
            services.version_activate(version=version, note=f"admin: {request.user.get_username()}")
        except ArtifactError as exc:
            self.message_user(request, f"{version.tag} failed validation and was not activated: {exc}", messages.ERROR)
            return
        self.message_user(request, f"{version.tag} is active; workers switch within seconds.", messages.SUCCESS)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("rollback/", view(self.rollback_view), name="recognizer_modelversion_rollback"),
            path("retrain/", view(self.retrain_view), name="recognizer_modelversion_retrain"),
            path("<path:object_id>/activate/", view(self.activate_view), name="recognizer_modelversion_activate"),
            *super().get_urls(),
        ]

    def activate_view(self, request, object_id):
        """The change page's "Activate" button."""
        version = get_object_or_404(ModelVersion, pk=object_id)
        self._check_button_post(request)
        self._activate(request, version)
        return HttpResponseRedirect(reverse("admin:recognizer_modelversion_change", args=[version.pk]))

    def rollback_view(self, request):
        """The list page's "Roll back" button."""
        self._check_button_post(request)
        self.roll_back(request)
        return HttpResponseRedirect(reverse("admin:recognizer_modelversion_changelist"))

    def retrain_view(self, request):
        """The list page's "Retrain now" button: queues a fine-tune for the task worker."""
        self._check_button_post(request)
        retraining_admin.retrain_now(self, request)
        return HttpResponseRedirect(reverse("admin:recognizer_modelversion_changelist"))

    def _check_button_post(self, request) -> None:
        if request.method != "POST":
            raise PermissionDenied("Use the button: activation changes what every worker serves.")
        if not self.has_change_permission(request):
            raise PermissionDenied


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    """The prediction log, read-only: answers are facts, not data to edit."""

    list_display = ("id", "created", "model_version", "digit", "confidence", "accepted", "feedback_correct", "feedback_label", "drawing")
    list_filter = ("model_version", "accepted", "feedback_correct", "digit", ("created", admin.DateFieldListFilter))
    list_select_related = ("model_version", "drawing")
    date_hierarchy = "created"
    search_fields = ("=id",)
    show_full_result_count = False
