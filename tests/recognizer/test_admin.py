import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from recognizer.admin import ModelVersionAdmin
from recognizer.models import ModelVersion
from tests.recognizer.builders import active_version, broken_version, copy_of_bundled, prediction

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:recognizer_modelversion_changelist")


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("curator", password="x", is_staff=True, is_superuser=True))
    return client


def change_url(version) -> str:
    return reverse("admin:recognizer_modelversion_change", args=[version.pk])


def run_action(client, action: str, *versions):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [v.pk for v in versions]}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("url", [CHANGELIST, reverse("admin:recognizer_prediction_changelist")])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_non_staff_users_are_sent_to_login(client):
    client.force_login(User.objects.create_user("visitor", password="x"))
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_non_staff_users_cannot_activate(client):
    version = copy_of_bundled()
    client.force_login(User.objects.create_user("visitor", password="x"))
    client.post(reverse("admin:recognizer_modelversion_activate", args=[version.pk]))
    assert not ModelVersion.objects.get(pk=version.pk).is_active


def test_changelist_shows_mnist_accuracy_and_live_accuracy_from_feedback(staff):
    version = active_version()
    for correct in (True, True, False):
        prediction(feedback_correct=correct)
    prediction()  # No feedback: not counted.
    html = staff.get(CHANGELIST).content.decode()
    assert f"{version.metric('mnist_test', 'accuracy'):.1%}" in html
    assert "66.7%" in html


def test_detail_shows_the_plots_from_storage(staff):
    version = active_version()
    html = staff.get(change_url(version)).content.decode()
    for name in ("training_curves.png", "confusion_matrix.png"):
        key = version.artifact_path(name)
        assert f'src="{default_storage.url(key)}"' in html
        assert default_storage.exists(key)


def test_detail_shows_the_acceptance_threshold_as_a_percentage(staff):
    version = active_version()
    html = staff.get(change_url(version)).content.decode()
    threshold = version.metadata["threshold"]
    assert f"<th>Accepted from confidence</th><td>{threshold:.1%}</td>" in html
    assert str(threshold) not in html


def test_activate_action_switches_the_active_version(staff):
    old, new = active_version(), copy_of_bundled()
    response = run_action(staff, "activate_selected", new)
    assert f"{new.tag} is active" in " ".join(messages_of(response))
    assert ModelVersion.objects.active().get() == new
    assert not ModelVersion.objects.get(pk=old.pk).is_active


def test_activate_action_needs_exactly_one_version(staff):
    old = active_version()
    response = run_action(staff, "activate_selected", old, copy_of_bundled())
    assert "exactly one" in " ".join(messages_of(response))
    assert ModelVersion.objects.active().get() == old


def test_version_failing_validation_is_reported_and_never_active(staff):
    old, broken = active_version(), broken_version()
    response = run_action(staff, "activate_selected", broken)
    assert "failed validation and was not activated" in " ".join(messages_of(response))
    assert ModelVersion.objects.active().get() == old


def test_roll_back_action_reactivates_the_previous_version(staff):
    old = active_version()
    run_action(staff, "activate_selected", copy_of_bundled())
    response = run_action(staff, "roll_back", old)
    assert "Rolled back" in " ".join(messages_of(response))
    assert ModelVersion.objects.active().get() == old


def test_roll_back_without_history_says_so(staff):
    response = staff.post(reverse("admin:recognizer_modelversion_rollback"), follow=True)
    assert "no earlier active version" in " ".join(messages_of(response))


def test_activate_button_posts_and_returns_to_the_version(staff):
    new = copy_of_bundled()
    response = staff.post(reverse("admin:recognizer_modelversion_activate", args=[new.pk]))
    assert response.status_code == 302 and response["Location"] == change_url(new)
    assert ModelVersion.objects.active().get() == new


def test_activate_button_refuses_get(staff):
    new = copy_of_bundled()
    assert staff.get(reverse("admin:recognizer_modelversion_activate", args=[new.pk])).status_code == 403
    assert not ModelVersion.objects.get(pk=new.pk).is_active


def test_inactive_version_page_offers_the_activate_button(staff):
    new = copy_of_bundled()
    assert reverse("admin:recognizer_modelversion_activate", args=[new.pk]) in staff.get(change_url(new)).content.decode()
    assert "Activate this version" not in staff.get(change_url(active_version())).content.decode()


def test_versions_cannot_be_added_or_deleted_in_the_admin(staff):
    assert staff.get(reverse("admin:recognizer_modelversion_add")).status_code == 403
    assert staff.get(reverse("admin:recognizer_modelversion_delete", args=[active_version().pk])).status_code == 403


def test_prediction_log_is_read_only(staff):
    row = prediction(digit=3)
    url = reverse("admin:recognizer_prediction_change", args=[row.pk])
    assert staff.get(url).status_code == 200
    staff.post(url, {"digit": 5})
    row.refresh_from_db()
    assert row.digit == 3
    assert staff.get(reverse("admin:recognizer_prediction_add")).status_code == 403


def test_prediction_log_filters_by_feedback(staff):
    right, wrong = prediction(digit=1, feedback_correct=True), prediction(digit=2, feedback_correct=False)
    response = staff.get(reverse("admin:recognizer_prediction_changelist"), {"feedback_correct__exact": "1"})
    shown = list(response.context["cl"].result_list)
    assert shown == [right] and wrong not in shown


def test_prediction_search_with_a_non_uuid_does_not_fail(staff):
    assert staff.get(reverse("admin:recognizer_prediction_changelist"), {"q": "not-a-uuid"}).status_code == 200


def test_changelist_sorts_by_live_accuracy(staff):
    good, poor = active_version(), copy_of_bundled()
    for version, correct in ((good, True), (poor, False)):
        prediction(model_version=version, feedback_correct=correct)
    column = ModelVersionAdmin.list_display.index("live_accuracy") + 1
    shown = list(staff.get(CHANGELIST, {"o": f"-{column}"}).context["cl"].result_list)
    assert shown.index(good) < shown.index(poor)


def test_prediction_log_names_feedback_label_10_not_a_digit(staff):
    prediction(digit=3, feedback_correct=False, feedback_label=10, not_a_digit=0.91)
    html = staff.get(reverse("admin:recognizer_prediction_changelist")).content.decode()
    assert '<td class="field-feedback_label">not a digit</td>' in html
