"""Reads of the dataset for the pages and the admin: each query aggregates in the database."""

import logging
import random
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from collector.constants import (
    COUNTS_CACHE_SECONDS,
    DATASET_CHART_DAYS,
    DUPLICATE_GROUPS_SHOWN,
    MODEL_VERSIONS_CACHE_SECONDS,
    NOT_A_DIGIT_PROMPT_SHARE,
    PROMPT_PLAN_LENGTH,
    PROMPT_POOL,
    PROMPT_TOLERANCE,
)
from collector.labels import LABELS
from collector.models import Drawing
from ml.constants import DIGITS, NOT_A_DIGIT

logger = logging.getLogger(__name__)


def label_counts() -> dict[int, int]:
    """Drawings per label, rejected ones left out; every label (0-9 and 10, not a digit) is present."""
    rows = Drawing.objects.exclude(status=Drawing.Status.REJECTED).order_by().values_list("label").annotate(count=Count("id"))
    return {**dict.fromkeys(LABELS, 0), **dict(rows)}


def recent_label_counts() -> dict[int, int]:
    """`label_counts()` from the shared cache, recomputed every COUNTS_CACHE_SECONDS.

    `count_new_drawing` adds each new drawing to the cached counts, so contributors see their
    drawings counted at once while the table is scanned at most once per period. Without a
    working cache the counts come straight from the database.
    """
    try:
        cached = cache.get_many(_COUNT_KEYS.values())
    except Exception as exc:  # Each cache backend raises its own error types.
        logger.warning("cache unavailable, counting drawings in the database: %s", exc)
        return label_counts()
    if len(cached) == len(_COUNT_KEYS):
        return {label: cached[key] for label, key in _COUNT_KEYS.items()}
    counts = label_counts()
    cache.set_many({_COUNT_KEYS[label]: count for label, count in counts.items()}, COUNTS_CACHE_SECONDS)
    return counts


def count_new_drawing(drawing: Drawing) -> None:
    """Add a new drawing to the cached count of its label, if the counts are cached."""
    if drawing.status == Drawing.Status.REJECTED:
        return
    try:
        cache.incr(_COUNT_KEYS[drawing.label])
    except ValueError:
        pass  # Not cached: the next read counts it in the database.
    except Exception as exc:  # The drawing is stored; a stale count must not fail the save.
        logger.warning("could not update the cached count of label %s: %s", drawing.label, exc)


_COUNT_KEYS = {label: f"collector:label_count:{label}" for label in LABELS}


def model_versions() -> list[str]:
    """The model versions that predicted drawings, refreshed every MODEL_VERSIONS_CACHE_SECONDS."""
    query = Drawing.objects.exclude(model_version="").order_by("model_version").values_list("model_version", flat=True).distinct()
    return cache.get_or_set("collector:model_versions", lambda: list(query), MODEL_VERSIONS_CACHE_SECONDS)


def prompt_plan(counts: dict[int, int], *, length: int = PROMPT_PLAN_LENGTH, rng: random.Random = random) -> list[int]:
    """The labels to ask for next: NOT_A_DIGIT with the chance NOT_A_DIGIT_PROMPT_SHARE, else a
    digit drawn among the PROMPT_POOL least represented digits.

    Each planned digit counts as drawn for the following picks, so a plan spreads over the
    digits the dataset lacks instead of repeating the rarest one. Ties are broken at random.
    """
    planned = {digit: counts.get(digit, 0) for digit in DIGITS}
    plan = []
    for _ in range(length):
        if rng.random() < NOT_A_DIGIT_PROMPT_SHARE:
            plan.append(NOT_A_DIGIT)
            continue
        lowest = sorted(planned, key=lambda label: (planned[label], rng.random()))[:PROMPT_POOL]
        label = rng.choice([label for label in lowest if planned[label] <= planned[lowest[0]] + PROMPT_TOLERANCE])
        planned[label] += 1
        plan.append(label)
    return plan


def contributor_count(*, user, contributor_key: str) -> int:
    """How many drawings this person gave: by account when signed in, else by session."""
    if user is not None and user.is_authenticated:
        return Drawing.objects.filter(contributor=user).count()
    return Drawing.objects.filter(contributor_key=contributor_key).count() if contributor_key else 0


def label_status_counts() -> dict[int, dict[str, int]]:
    """{label: {status: count}} for every label (0-9, 10: not a digit) and status."""
    table = {label: dict.fromkeys(Drawing.Status.values, 0) for label in LABELS}
    for label, status, count in Drawing.objects.order_by().values_list("label", "status").annotate(count=Count("id")):
        table[label][status] = count
    return table


def daily_contributions(*, days: int = DATASET_CHART_DAYS) -> list[tuple[date, int]]:
    """[(day, count)] for each of the last `days` days, oldest first, days without drawings included."""
    first = timezone.localdate() - timedelta(days=days - 1)
    since = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
    rows = Drawing.objects.filter(created__gte=since).annotate(day=TruncDate("created")).order_by().values_list("day").annotate(count=Count("id"))
    counts = dict(rows)
    return [(day, counts.get(day, 0)) for day in (first + timedelta(days=n) for n in range(days))]


def duplicate_groups(*, limit: int = DUPLICATE_GROUPS_SHOWN) -> list[dict]:
    """The largest groups of drawings with the same image: [{"sha256", "count", "first_id"}]."""
    return list(
        Drawing.objects.order_by()
        .values("sha256")
        .annotate(count=Count("id"), first_id=Min("id"))
        .filter(count__gt=1)
        .order_by("-count", "sha256")[:limit]
    )
