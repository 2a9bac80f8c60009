import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from tests.collector.builders import drawing, rows, strokes

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/collector/drawing/"
REVIEW = CHANGELIST + "review/"
DATASET = CHANGELIST + "dataset/"


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-drawing="(\d+)"', response.content.decode())]


def test_the_changelist_shows_thumbnails_and_marks_disagreements(admin_client):
    disagreeing = drawing(label=1, prediction=(7, 0.95))
    response = admin_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert disagreeing.image.url in html
    assert "7 ≠ label" in html and "95%" in html


def test_the_changelist_makes_no_query_per_row(admin_client, django_user_model):
    user = django_user_model.objects.create_user("ada")
    rows(5, contributor=user, predicted_label=1, prediction_confidence=0.5)
    admin_client.get(CHANGELIST)  # Fills the cached list of model versions.
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    rows(60, contributor=user, predicted_label=1, prediction_confidence=0.5)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200 and "ada" in response.content.decode()
    assert len(many) == len(few)


def test_bulk_verify_changes_the_selected_rows(admin_client):
    chosen, other = drawing(), drawing()
    response = admin_client.post(CHANGELIST, {"action": "verify", "_selected_action": [chosen.pk]}, follow=True)
    assert "1 drawing(s) verified." in response.content.decode()
    assert dict(Drawing.objects.values_list("pk", "status")) == {chosen.pk: "verified", other.pk: "pending"}


def test_bulk_reject_changes_the_selected_rows(admin_client):
    chosen = drawing()
    admin_client.post(CHANGELIST, {"action": "reject", "_selected_action": [chosen.pk]})
    chosen.refresh_from_db()
    assert chosen.status == "rejected"


def test_bulk_relabel_sets_the_label_and_verifies(admin_client):
    first, second, other = drawing(label=1), drawing(label=2), drawing(label=5)
    admin_client.post(CHANGELIST, {"action": "relabel_as_3", "_selected_action": [first.pk, second.pk]})
    labels = dict(Drawing.objects.values_list("pk", "label"))
    assert labels == {first.pk: 3, second.pk: 3, other.pk: 5}
    assert set(Drawing.objects.filter(label=3).values_list("status", flat=True)) == {"verified"}


def test_bulk_relabel_as_not_a_digit_sets_label_10_and_verifies(admin_client):
    chosen, other = drawing(label=1), drawing(label=5)
    page = admin_client.get(CHANGELIST).content.decode()
    assert '<option value="relabel_as_not_a_digit">Relabel as not a digit (and verify)</option>' in page
    assert page.index("Relabel as 9 (and verify)") < page.index("Relabel as not a digit (and verify)")
    response = admin_client.post(CHANGELIST, {"action": "relabel_as_not_a_digit", "_selected_action": [chosen.pk]}, follow=True)
    assert "1 drawing(s) relabeled as not a digit and verified." in response.content.decode()
    assert dict(Drawing.objects.values_list("pk", "label")) == {chosen.pk: NOT_A_DIGIT, other.pk: 5}
    chosen.refresh_from_db()
    assert chosen.status == "verified"


def test_the_changelist_names_label_10_not_a_digit(admin_client):
    drawing(label=NOT_A_DIGIT, prediction=(7, 0.9))
    drawing(label=7, prediction=(NOT_A_DIGIT, 0.8))
    html = admin_client.get(CHANGELIST).content.decode()
    assert '<td class="field-label">not a digit</td>' in html
    assert "not a digit ≠ label" in html
    assert ">10<" not in html


def test_the_label_filter_offers_not_a_digit(admin_client):
    wanted, _ = drawing(label=NOT_A_DIGIT), drawing(label=1)
    html = admin_client.get(CHANGELIST).content.decode()
    assert 'href="?label=10"' in html and ">not a digit</a>" in html
    response = admin_client.get(CHANGELIST, {"label": "10"})
    assert list(response.context["cl"].result_list) == [wanted]
    assert len(admin_client.get(CHANGELIST, {"label": "11"}).context["cl"].result_list) == 2  # Not a label: no filter.


def test_search_finds_a_drawing_by_id_or_sha256(admin_client):
    wanted, _ = drawing(digit="1", label=1), drawing(digit="4", label=4)
    for term in (str(wanted.pk), wanted.sha256, wanted.sha256.upper()):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert list(response.context["cl"].result_list) == [wanted]
    assert list(admin_client.get(CHANGELIST, {"q": "' OR 1=1 --"}).context["cl"].result_list) == []


@pytest.mark.parametrize(("query", "expected"), [({"disagrees": "yes"}, "wrong"), ({"disagrees": "no"}, "right"), ({"label": "4"}, "four")])
def test_filters_narrow_the_list(admin_client, query, expected):
    made = {"wrong": drawing(label=1, prediction=(7, 0.9)), "right": drawing(label=7, prediction=(7, 0.9)), "four": drawing(digit="4", label=4)}
    response = admin_client.get(CHANGELIST, query)
    assert list(response.context["cl"].result_list) == [made[expected]]


def test_the_model_version_filter_offers_the_versions_seen(admin_client):
    drawing(prediction=(7, 0.9))
    response = admin_client.get(CHANGELIST, {"model_version": "test-v1"})
    assert "?model_version=test-v1" in response.content.decode()
    assert len(response.context["cl"].result_list) == 1


def test_the_edit_page_shows_the_large_image_and_the_strokes(admin_client):
    stored = drawing(strokes=strokes(count=2))
    html = admin_client.get(f"{CHANGELIST}{stored.pk}/change/").content.decode()
    assert stored.image.url in html
    assert 'id="stroke-replay"' in html and 'id="drawing-strokes"' in html


def test_drawings_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(CHANGELIST + "add/").status_code == 403


def test_the_review_queue_lists_the_most_confident_contradiction_first(admin_client):
    drawing(label=7, prediction=(7, 0.99))
    doubtful = drawing(label=1, prediction=(7, 0.55))
    mislabeled = drawing(label=1, prediction=(7, 0.99))
    drawing(label=1, prediction=(7, 0.99), status=Drawing.Status.VERIFIED)
    response = admin_client.get(REVIEW)
    assert response.status_code == 200
    assert listed_ids(response) == [mislabeled.pk, doubtful.pk]


def test_a_review_decision_relabels_and_leaves_the_queue(admin_client):
    mislabeled = drawing(label=1, prediction=(7, 0.99))
    response = admin_client.post(REVIEW, {"drawing": mislabeled.pk, "decision": "relabel", "label": 7}, follow=True)
    mislabeled.refresh_from_db()
    assert (mislabeled.label, mislabeled.status) == (7, "verified")
    assert listed_ids(response) == []


def test_the_review_queue_names_not_a_digit_and_relabels_to_it(admin_client):
    called_no_digit = drawing(label=4, prediction=(NOT_A_DIGIT, 0.97))
    html = admin_client.get(REVIEW).content.decode()
    assert '<td class="verdict disagree">not a digit</td>' in html
    assert 'name="label" value="10"><button type="submit" class="button default">Relabel as not a digit</button>' in html
    admin_client.post(REVIEW, {"drawing": called_no_digit.pk, "decision": "relabel", "label": 10})
    called_no_digit.refresh_from_db()
    assert (called_no_digit.label, called_no_digit.status) == (NOT_A_DIGIT, "verified")


def test_a_review_relabel_outside_the_labels_changes_nothing(admin_client):
    mislabeled = drawing(label=1, prediction=(7, 0.99))
    response = admin_client.post(REVIEW, {"drawing": mislabeled.pk, "decision": "relabel", "label": 11}, follow=True)
    assert "Nothing changed" in response.content.decode()
    mislabeled.refresh_from_db()
    assert (mislabeled.label, mislabeled.status) == (1, "pending")


def test_a_malformed_review_decision_changes_nothing_and_says_why(admin_client):
    mislabeled = drawing(label=1, prediction=(7, 0.99))
    response = admin_client.post(REVIEW, {"drawing": mislabeled.pk, "decision": "relabel"}, follow=True)
    assert "Choose the digit" in response.content.decode()
    mislabeled.refresh_from_db()
    assert (mislabeled.label, mislabeled.status) == (1, "pending")


def test_the_dataset_page_counts_labels_by_status_and_lists_duplicates(admin_client):
    rows(2, label=3, status=Drawing.Status.VERIFIED, sha256="d" * 64)
    rows(1, label=3, status=Drawing.Status.REJECTED)
    response = admin_client.get(DATASET)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["rows"][3] == (3, "3", [0, 2, 1], 3)
    assert f"?q={'d' * 64}" in html
    assert html.count('class="day"') == 30


def test_the_dataset_page_counts_not_a_digit_drawings(admin_client):
    rows(2, label=NOT_A_DIGIT, status=Drawing.Status.VERIFIED)
    rows(1, label=NOT_A_DIGIT)
    response = admin_client.get(DATASET)
    html = response.content.decode()
    assert response.context["rows"][NOT_A_DIGIT] == (NOT_A_DIGIT, "not a digit", [1, 2, 0], 3)
    assert '?label=10">not a digit</a>' in html
    assert response.context["grand_total"] == 3
    assert sum(count for _, count, _ in response.context["days"]) == 3  # The chart counts them too.


@pytest.mark.parametrize("url", [CHANGELIST, REVIEW, DATASET])
def test_non_staff_are_sent_to_the_login_page(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_user("visitor"))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [REVIEW, DATASET])
def test_staff_without_drawing_permissions_are_refused(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_user("helper", is_staff=True))
    assert client.get(url).status_code == 403


def test_staff_who_may_only_view_cannot_decide(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_drawing"))
    client.force_login(viewer)
    mislabeled = drawing(label=1, prediction=(7, 0.99))
    assert client.get(REVIEW).status_code == 200
    assert client.post(REVIEW, {"drawing": mislabeled.pk, "decision": "reject"}).status_code == 403
