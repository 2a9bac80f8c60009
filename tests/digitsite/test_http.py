import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_csrf_failure_is_json_with_a_code():
    response = Client(enforce_csrf_checks=True).post("/api/drawings", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_page_csrf_failure_keeps_djangos_page():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", data={"username": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
