import random
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from collector import selectors
from collector.constants import NOT_A_DIGIT_PROMPT_SHARE, PROMPT_POOL, PROMPT_TOLERANCE
from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from tests.collector.builders import drawing, rows

pytestmark = pytest.mark.django_db


def test_label_counts_cover_every_digit_in_one_query(django_assert_num_queries):
    rows(2, label=3)
    rows(1, label=9)
    with django_assert_num_queries(1):
        counts = selectors.label_counts()
    assert counts == {**dict.fromkeys(range(11), 0), 3: 2, 9: 1}


def test_label_counts_include_not_a_digit():
    rows(3, label=NOT_A_DIGIT)
    rows(1, label=NOT_A_DIGIT, status=Drawing.Status.REJECTED)
    assert selectors.label_counts()[NOT_A_DIGIT] == 3
    assert selectors.label_status_counts()[NOT_A_DIGIT] == {"pending": 3, "verified": 0, "rejected": 1}


def test_label_counts_leave_rejected_drawings_out():
    rows(1, label=4, status=Drawing.Status.REJECTED)
    rows(1, label=4, status=Drawing.Status.VERIFIED)
    assert selectors.label_counts()[4] == 1


def first_prompts(counts: dict) -> set[int]:
    """The digits a one-prompt plan asks for, over many seeds (not-a-digit prompts left out)."""
    return {selectors.prompt_plan(counts, length=1, rng=random.Random(seed))[0] for seed in range(200)} - {NOT_A_DIGIT}


def test_recent_label_counts_reuse_one_aggregate_for_a_few_seconds(django_assert_num_queries):
    rows(1, label=2)
    with django_assert_num_queries(1):
        assert selectors.recent_label_counts()[2] == 1
    rows(1, label=2)
    with django_assert_num_queries(0):
        assert selectors.recent_label_counts()[2] == 1


def test_new_drawings_are_added_to_the_cached_counts(django_assert_num_queries):
    selectors.recent_label_counts()
    drawing(label=4)
    drawing(label=4, status=Drawing.Status.REJECTED)
    with django_assert_num_queries(0):
        assert selectors.recent_label_counts()[4] == 1


def test_without_a_working_cache_counts_come_from_the_database():
    rows(1, label=6)
    broken = ConnectionError("cache server down")
    with mock.patch.object(selectors.cache, "get_many", side_effect=broken), mock.patch.object(selectors.cache, "incr", side_effect=broken):
        drawing(label=6)
        assert selectors.recent_label_counts()[6] == 2


def test_model_versions_lists_each_predicting_version_once():
    rows(2, model_version="v2")
    rows(1, model_version="v1")
    rows(1, model_version="")
    assert selectors.model_versions() == ["v1", "v2"]


def test_prompts_come_at_random_from_the_few_least_represented_labels():
    counts = {label: 10 for label in range(10)} | {1: 0, 6: 1, 8: 1, 3: 2}
    assert PROMPT_POOL == 3 and PROMPT_TOLERANCE >= 2
    assert first_prompts(counts) == {1, 6, 8}


def test_labels_well_above_the_rarest_are_not_prompted():
    counts = {label: 50 for label in range(10)} | {1: 0, 6: PROMPT_TOLERANCE, 8: PROMPT_TOLERANCE + 1}
    assert first_prompts(counts) == {1, 6}


def test_a_prompt_plan_spreads_over_the_lacking_labels():
    counts = {label: 100 for label in range(10)} | {0: 0, 5: 0}
    plan = [label for label in selectors.prompt_plan(counts, length=20, rng=random.Random(1)) if label != NOT_A_DIGIT]
    assert sorted(set(plan)) == [0, 5]
    assert abs(plan.count(0) - plan.count(5)) <= 1


def test_about_one_prompt_in_ten_asks_for_something_that_is_not_a_digit():
    assert NOT_A_DIGIT_PROMPT_SHARE == 0.1
    counts = dict.fromkeys(range(11), 0)
    plans = [selectors.prompt_plan(counts, rng=random.Random(seed)) for seed in range(400)]
    prompts = [label for plan in plans for label in plan]
    assert len(prompts) == 4000
    assert prompts.count(NOT_A_DIGIT) / len(prompts) == pytest.approx(NOT_A_DIGIT_PROMPT_SHARE, abs=0.015)
    first = [plan[0] for plan in plans]  # The page shows the first prompt of each fresh plan.
    assert first.count(NOT_A_DIGIT) / len(first) == pytest.approx(NOT_A_DIGIT_PROMPT_SHARE, abs=0.05)


def test_the_not_a_digit_share_holds_however_many_not_a_digit_drawings_there_are():
    for not_a_digit_count in (0, 10_000):
        counts = {**dict.fromkeys(range(10), 50), NOT_A_DIGIT: not_a_digit_count}
        prompts = [label for seed in range(200) for label in selectors.prompt_plan(counts, rng=random.Random(seed))]
        assert prompts.count(NOT_A_DIGIT) / len(prompts) == pytest.approx(NOT_A_DIGIT_PROMPT_SHARE, abs=0.02)
        assert set(prompts) == set(range(11))  # The digits stay balanced among themselves.


def test_a_seeded_plan_repeats():
    counts = dict.fromkeys(range(11), 0)
    assert selectors.prompt_plan(counts, rng=random.Random(7)) == selectors.prompt_plan(counts, rng=random.Random(7))


def test_contributor_count_is_per_session_key_or_per_user(django_user_model):
    user = django_user_model.objects.create_user("ada")
    rows(2, contributor_key="a" * 64)
    rows(1, contributor_key="b" * 64)
    rows(3, contributor=user, contributor_key="c" * 64)
    assert selectors.contributor_count(user=None, contributor_key="a" * 64) == 2
    assert selectors.contributor_count(user=user, contributor_key="a" * 64) == 3
    assert selectors.contributor_count(user=None, contributor_key="") == 0


def test_label_status_counts_fill_the_whole_table_in_one_query(django_assert_num_queries):
    rows(2, label=1, status=Drawing.Status.VERIFIED)
    rows(1, label=1, status=Drawing.Status.REJECTED)
    with django_assert_num_queries(1):
        table = selectors.label_status_counts()
    assert table[1] == {"pending": 0, "verified": 2, "rejected": 1}
    assert table[0] == {"pending": 0, "verified": 0, "rejected": 0}


def test_daily_contributions_include_empty_days_oldest_first():
    now = timezone.now()
    rows(3, created=now)
    rows(1, created=now - timedelta(days=2))
    rows(5, created=now - timedelta(days=40))
    days = selectors.daily_contributions(days=7)
    assert len(days) == 7 and days[-1] == (timezone.localdate(), 3)
    assert [count for _, count in days] == [0, 0, 0, 0, 1, 0, 3]


def test_duplicate_groups_list_shared_images_largest_first():
    rows(1, sha256="a" * 64)
    rows(1, sha256="a" * 64)
    triple = [rows(1, sha256="b" * 64)[0] for _ in range(3)]
    rows(1)
    groups = selectors.duplicate_groups()
    assert [(g["sha256"][0], g["count"]) for g in groups] == [("b", 3), ("a", 2)]
    assert groups[0]["first_id"] == triple[0].pk
