"""Admin pages beyond the changelist: the review queue and the dataset overview."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from collector import selectors, services
from collector.constants import REVIEW_QUEUE_PAGE_SIZE
from collector.forms import ReviewDecisionForm
from collector.labels import label_name
from collector.models import Drawing


def review_queue(model_admin, request):
    """Pending drawings the model contradicts, the most confident contradiction first."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        return _decide(model_admin, request)
    queue = Drawing.objects.review_queue().select_related("contributor")
    page = Paginator(queue, REVIEW_QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**_context(model_admin, request, "Review queue"), "page": page, "can_change": model_admin.has_change_permission(request)}
    return TemplateResponse(request, "admin/collector/drawing/review_queue.html", context)


def _decide(model_admin, request):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(message for field_errors in form.errors.values() for message in field_errors)
        model_admin.message_user(request, f"Nothing changed: {errors}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
    drawing_id, decision = form.cleaned_data["drawing"], form.cleaned_data["decision"]
    drawings = Drawing.objects.filter(pk=drawing_id)
    if decision == ReviewDecisionForm.RELABEL:
        changed = services.drawings_relabel(drawings=drawings, label=form.cleaned_data["label"])
    else:
        status = Drawing.Status.VERIFIED if decision == ReviewDecisionForm.VERIFY else Drawing.Status.REJECTED
        changed = services.drawings_set_status(drawings=drawings, status=status)
    if changed:
        model_admin.message_user(request, f"Drawing {drawing_id}: {decision} done.", messages.SUCCESS)
    else:
        model_admin.message_user(request, f"Drawing {drawing_id} no longer exists.", messages.WARNING)
    return HttpResponseRedirect(request.get_full_path())


def dataset(model_admin, request):
    """Counts per label and status, contributions per day, and duplicate images."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    table = selectors.label_status_counts()
    days = selectors.daily_contributions()
    busiest = max((count for _, count in days), default=0) or 1
    context = {
        **_context(model_admin, request, "Dataset"),
        "statuses": Drawing.Status.choices,
        "rows": [(label, label_name(label), [counts[status] for status in Drawing.Status.values], sum(counts.values())) for label, counts in table.items()],
        "totals": [sum(counts[status] for counts in table.values()) for status in Drawing.Status.values],
        "grand_total": sum(sum(counts.values()) for counts in table.values()),
        "days": [(day, count, round(100 * count / busiest)) for day, count in days],
        "duplicates": selectors.duplicate_groups(),
    }
    return TemplateResponse(request, "admin/collector/drawing/dataset.html", context)


def _context(model_admin, request, title: str) -> dict:
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title}
