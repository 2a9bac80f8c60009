from unittest import mock

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_storage_and_model_version(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["failing"] == []
    assert body["checks"]["database"]["vendor"] == connection.vendor
    assert body["checks"]["model"]["version"].startswith("bundled-")


def test_readyz_names_an_unreachable_storage(client):
    with mock.patch("digitsite.health.default_storage.exists", side_effect=ConnectionError("endpoint unreachable")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert "unreachable" in response.json()["checks"]["storage"]["error"]


def test_readyz_names_a_failing_database(client):
    with mock.patch("digitsite.health._check_database", side_effect=RuntimeError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_readyz_names_a_missing_model(client):
    from recognizer.models import ModelVersion

    ModelVersion.objects.update(artifact_prefix="models/nowhere")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["model"]
