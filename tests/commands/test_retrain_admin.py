from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from recognizer.models import ModelVersion, RetrainJob
from recognizer.retraining_admin import retrain_now

pytestmark = pytest.mark.django_db


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user, request.session = user, {}
    request._messages = FallbackStorage(request)
    return request


def test_retrain_now_queues_a_job_and_links_to_it(admin_user):
    request = admin_request(admin_user)
    retrain_now(admin.site._registry[ModelVersion], request)
    job = RetrainJob.objects.get()
    message = str(list(get_messages(request))[0])
    assert job.requested_by == admin_user and job.status == "queued"
    assert f'<a href="/admin/recognizer/retrainjob/{job.pk}/change/">#{job.pk}</a> is queued' in message


def test_retrain_now_says_when_a_job_is_already_running(admin_user):
    RetrainJob.objects.create(status=RetrainJob.Status.RUNNING)
    request = admin_request(admin_user)
    retrain_now(admin.site._registry[ModelVersion], request)
    assert str(list(get_messages(request))[0]) == "A retrain is already queued or running; wait for it to finish."
    assert RetrainJob.objects.count() == 1


def test_the_job_list_shows_status_and_version(admin_client):
    version = ModelVersion.objects.first()
    RetrainJob.objects.create(status=RetrainJob.Status.SUCCEEDED, version=version, activated=True)
    page = admin_client.get("/admin/recognizer/retrainjob/").content.decode()
    assert "Succeeded" in page and version.tag in page


def test_the_job_page_shows_the_log_tail(admin_client):
    log = "".join(f"12:00:{i:02d} line {i}\n" for i in range(30))
    job = RetrainJob.objects.create(status=RetrainJob.Status.RUNNING, log=log, error="")
    page = admin_client.get(f"/admin/recognizer/retrainjob/{job.pk}/change/").content.decode()
    assert "line 29" in page and "line 10" in page and "line 9\n" not in page


def test_a_job_left_queued_says_a_worker_is_needed(admin_client):
    waiting = RetrainJob.objects.create(status=RetrainJob.Status.QUEUED, created=timezone.now() - timedelta(minutes=5))
    page = admin_client.get(f"/admin/recognizer/retrainjob/{waiting.pk}/change/").content.decode()
    assert "Queued for 5 min and no worker has taken it: start one with <code>python manage.py db_worker</code>." in page


def test_a_job_just_queued_or_running_shows_its_plain_status(admin_client):
    for status, shown, age in ((RetrainJob.Status.QUEUED, "Queued", timedelta(0)), (RetrainJob.Status.RUNNING, "Running", timedelta(minutes=5))):
        job = RetrainJob.objects.create(status=status, created=timezone.now() - age)
        page = admin_client.get(f"/admin/recognizer/retrainjob/{job.pk}/change/").content.decode()
        assert f'<div class="readonly">{shown}</div>' in page and "no worker" not in page
        job.delete()


def test_non_staff_users_cannot_see_jobs(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get("/admin/recognizer/retrainjob/").status_code == 302


def test_retrain_now_button_on_the_version_list_queues_a_job(admin_client):
    changelist = admin_client.get(reverse("admin:recognizer_modelversion_changelist"))
    assert reverse("admin:recognizer_modelversion_retrain").encode() in changelist.content
    response = admin_client.post(reverse("admin:recognizer_modelversion_retrain"))
    assert response.status_code == 302
    assert RetrainJob.objects.count() == 1
