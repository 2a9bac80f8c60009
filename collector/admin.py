"""Curation of drawings in the Django admin: list, filters, bulk actions, review queue, dataset."""

import re

from django.contrib import admin, messages
from django.urls import path
from django.utils.html import format_html

from collector import admin_views, services
from collector.admin_filters import DisagreementFilter, LabelFilter, ModelVersionFilter
from collector.constants import CHANGELIST_PAGE_SIZE
from collector.labels import LABELS, label_name, label_slug
from collector.models import Drawing

_ID = re.compile(r"[0-9]{1,18}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _status_action(verb: str, status: str):
    @admin.action(description=f"{verb.capitalize()} selected drawings", permissions=["change"])
    def action(model_admin, request, queryset):
        changed = services.drawings_set_status(drawings=queryset, status=status)
        model_admin.message_user(request, f"{changed} drawing(s) {status}.", messages.SUCCESS)

    action.__name__ = verb
    return action


def _relabel_action(label: int):
    name = label_name(label)

    @admin.action(description=f"Relabel as {name} (and verify)", permissions=["change"])
    def action(model_admin, request, queryset):
        changed = services.drawings_relabel(drawings=queryset, label=label)
        model_admin.message_user(request, f"{changed} drawing(s) relabeled as {name} and verified.", messages.SUCCESS)

    action.__name__ = f"relabel_as_{label_slug(label).replace('-', '_')}"
    return action


@admin.register(Drawing)
class DrawingAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "id", "label", "prediction", "confidence", "source", "status", "contributor_name", "created"]
    list_display_links = ["thumbnail", "id"]
    list_filter = [LabelFilter, "status", "source", DisagreementFilter, ModelVersionFilter, "created"]
    list_select_related = ["contributor"]
    list_per_page = CHANGELIST_PAGE_SIZE
    show_full_result_count = False  # Spares a COUNT(*) of the whole table on every page.
    search_fields = ["=id"]
    search_help_text = "Search by drawing id or by the image's SHA-256."
    actions = [_status_action("verify", Drawing.Status.VERIFIED), _status_action("reject", Drawing.Status.REJECTED), *map(_relabel_action, LABELS)]
    fields = ["label", "status", "source", "created", "prediction", "confidence", "model_version", "contributor", "contributor_key", "width", "height", "sha256", "image"]
    readonly_fields = ["source", "created", "prediction", "confidence", "model_version", "contributor", "contributor_key", "width", "height", "sha256", "image"]

    def has_add_permission(self, request):
        return False  # Drawings enter through the services, which re-encode and store the image.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(lambda request: admin_views.review_queue(self, request)), name="collector_drawing_review"),
            path("dataset/", view(lambda request: admin_views.dataset(self, request)), name="collector_drawing_dataset"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().lower()
        if not term:
            return queryset, False
        if _ID.fullmatch(term):
            return queryset.filter(pk=int(term)), False
        if _SHA256.fullmatch(term):
            return queryset.filter(sha256=term), False
        return queryset.none(), False

    @admin.display(description="Image")
    def thumbnail(self, drawing):
        return format_html('<img src="{}" alt="" width="48" height="48" loading="lazy" style="background:#fff;border:1px solid #ccc">', drawing.image.url)

    @admin.display(description="Prediction", ordering="predicted_label")
    def prediction(self, drawing):
        if drawing.predicted_label is None:
            return "–"
        if drawing.disagrees:
            return format_html('<strong style="color:#ba2121" title="The model disagrees with the label">{} ≠ label</strong>', drawing.get_predicted_label_display())
        return drawing.get_predicted_label_display()

    @admin.display(description="Confidence", ordering="prediction_confidence")
    def confidence(self, drawing):
        return "–" if drawing.prediction_confidence is None else f"{drawing.prediction_confidence:.0%}"

    @admin.display(description="Contributor", ordering="contributor")
    def contributor_name(self, drawing):
        if drawing.contributor is not None:
            return drawing.contributor.get_username()
        return f"anonymous {drawing.contributor_key[:8]}" if drawing.contributor_key else "–"
