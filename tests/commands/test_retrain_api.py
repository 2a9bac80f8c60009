import pytest

from recognizer.models import RetrainJob

pytestmark = pytest.mark.django_db

URL = "/api/admin/retrain"


def post(client, body: str = "", content_type: str = "application/json"):
    return client.post(URL, body, content_type=content_type)


def test_staff_queue_a_retrain(admin_client, admin_user):
    response = post(admin_client, '{"mode": "from-scratch", "epochs": 2, "activate": "no"}')
    job = RetrainJob.objects.get()
    assert response.status_code == 202
    assert response.json() | {"created": None} == {
        "id": job.pk, "status": "queued", "mode": "from-scratch", "epochs": 2, "activate": "no", "created": None,
        "started_at": None, "finished_at": None, "version": None, "activated": False, "error": "", "log_tail": "",
    }
    assert job.requested_by == admin_user


def test_an_empty_body_queues_a_fine_tune(admin_client):
    assert post(admin_client).status_code == 202
    assert RetrainJob.objects.get().mode == "fine-tune"


def test_staff_follow_a_job(admin_client):
    job = RetrainJob.objects.create(status=RetrainJob.Status.RUNNING, log="12:00:00 reading verified drawings\n")
    body = admin_client.get(f"{URL}/{job.pk}").json()
    assert body["status"] == "running" and body["log_tail"] == "12:00:00 reading verified drawings"


def test_a_second_request_while_one_runs_is_a_conflict(admin_client):
    post(admin_client)
    response = post(admin_client)
    assert response.status_code == 409 and response.json()["error"]["code"] == "retrain_in_progress"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "malformed_json"),
        ("[]", "invalid_json"),
        ('{"mode": "quick"}', "invalid_option"),
        ('{"epochs": "3"}', "invalid_option"),
        ('{"epochs": true}', "invalid_option"),
        ('{"epochs": 1000}', "invalid_option"),
        ('{"activate": "maybe"}', "invalid_option"),
        ('{"seed": 1}', "unknown_option"),
    ],
)
def test_bad_bodies_are_400_with_a_code(admin_client, body, code):
    response = post(admin_client, body)
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert response.json()["error"]["message"].endswith(".")
    assert not RetrainJob.objects.exists()


def test_a_form_body_is_415(admin_client):
    assert post(admin_client, "mode=quick", "application/x-www-form-urlencoded").status_code == 415


def test_anonymous_users_get_401(client):
    response = post(client)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_non_staff_users_get_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    response = post(client)
    assert response.status_code == 403 and response.json()["error"]["code"] == "staff_only"
    assert not RetrainJob.objects.exists()


def test_get_on_the_queue_is_405(admin_client):
    assert admin_client.get(URL).json()["error"]["code"] == "method_not_allowed"


def test_an_unknown_job_is_404(admin_client):
    response = admin_client.get(f"{URL}/999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "job_not_found"
