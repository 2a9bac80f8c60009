"""Changelist filters whose choices never need a scan of the drawings table."""

from django.contrib import admin

from collector import selectors
from collector.labels import LABEL_CHOICES

_LABEL_VALUES = {str(label): name for label, name in LABEL_CHOICES}


class LabelFilter(admin.SimpleListFilter):
    title = "label"
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return list(_LABEL_VALUES.items())

    def queryset(self, request, queryset):
        return queryset.filter(label=int(self.value())) if self.value() in _LABEL_VALUES else queryset


class DisagreementFilter(admin.SimpleListFilter):
    title = "model agrees"
    parameter_name = "disagrees"

    def lookups(self, request, model_admin):
        return [("yes", "Disagrees with the label"), ("no", "Agrees with the label"), ("unknown", "No prediction")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.disagreeing()
        if self.value() == "no":
            return queryset.agreeing()
        if self.value() == "unknown":
            return queryset.filter(predicted_label__isnull=True)
        return queryset


class ModelVersionFilter(admin.SimpleListFilter):
    title = "model version"
    parameter_name = "model_version"

    def lookups(self, request, model_admin):
        return [(version, version) for version in selectors.model_versions()]

    def queryset(self, request, queryset):
        return queryset.filter(model_version=self.value()) if self.value() else queryset
