"""Who may call what: CSRF on browser POSTs, staff-only pages and APIs, headers, rate limits."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.hostile.endpoints import DRAWINGS, PREDICT, feedback_url, send
from tests.hostile.inputs import digit_data_url

pytestmark = pytest.mark.django_db
LIMITED = {"predict": PREDICT, "submit": DRAWINGS, "feedback": "feedback"}


def csrf_browser() -> Client:
    """A browser that has loaded /collect/ and holds the CSRF cookie, but sends no token."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/collect/")
    return browser


@pytest.mark.parametrize("kind", ["drawings", "feedback"])
def test_browser_post_without_csrf_token_is_refused(kind, prediction_id):
    url = DRAWINGS if kind == "drawings" else feedback_url(prediction_id)
    answer = send(csrf_browser(), url, {"image": digit_data_url(), "label": 3, "correct": False})
    assert (answer.status, answer.body["error"]["code"]) == (403, "csrf_failed")


@pytest.mark.parametrize("kind", ["drawings", "feedback"])
def test_browser_post_with_csrf_token_is_accepted(kind, prediction_id):
    browser = csrf_browser()
    url = DRAWINGS if kind == "drawings" else feedback_url(prediction_id)
    answer = send(browser, url, {"image": digit_data_url(), "label": 3, "correct": False}, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert answer.status == 201, answer.body


def test_predict_needs_no_csrf_token_and_sets_no_cookie():
    answer = send(Client(enforce_csrf_checks=True), PREDICT, {"image": digit_data_url()})
    assert answer.status == 200
    assert "Set-Cookie" not in answer.headers


def test_predict_ignores_the_session_cookie(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    session_key = client.cookies["sessionid"].value
    answer = send(client, PREDICT, {"image": digit_data_url()})
    assert answer.status == 200 and "Set-Cookie" not in answer.headers
    assert client.cookies["sessionid"].value == session_key


@pytest.mark.parametrize("url", ["/admin/", "/admin/collector/drawing/", "/admin/recognizer/modelversion/"])
def test_admin_requires_staff(client, url):
    client.force_login(User.objects.create_user("visitor", password="x"))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("staff", "status", "code"), [(None, 401, "not_authenticated"), (False, 403, "staff_only")])
def test_retrain_api_requires_staff(client, staff, status, code):
    if staff is not None:
        client.force_login(User.objects.create_user("visitor", password="x", is_staff=staff))
    answer = send(client, "/api/admin/retrain", {})
    assert (answer.status, answer.body["error"]["code"]) == (status, code)


@pytest.mark.parametrize("url", ["/", "/collect/", "/admin/login/", "/api/openapi.json"])
def test_pages_carry_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert (response["X-Content-Type-Options"], response["Referrer-Policy"], response["X-Frame-Options"]) == ("nosniff", "same-origin", "DENY")
    assert "camera=()" in response["Permissions-Policy"]


def test_api_errors_carry_security_headers(client):
    response = client.post(PREDICT, b"{", content_type="application/json")
    assert response.status_code == 400
    assert response["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in response


@pytest.mark.parametrize("scope", LIMITED)
def test_rate_limit_answers_429_with_retry_after(client, settings, scope, prediction_id):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: "2/60"}
    url = feedback_url(prediction_id) if scope == "feedback" else LIMITED[scope]
    answers = [send(client, url, b"{", content_type="application/json") for _ in range(3)]
    assert [a.status for a in answers] == [400, 400, 429]
    assert answers[-1].body["error"]["code"] == "rate_limited"
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_forged_forwarded_for_does_not_escape_the_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "predict": "2/60"}
    answers = [send(client, PREDICT, b"{", content_type="application/json", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}") for i in range(3)]
    assert answers[-1].status == 429


def test_forwarded_for_from_a_trusted_proxy_separates_clients(client, settings):
    settings.RATE_LIMITS, settings.TRUSTED_PROXY_COUNT = {**settings.RATE_LIMITS, "predict": "2/60"}, 1
    answers = [send(client, PREDICT, b"{", content_type="application/json", HTTP_X_FORWARDED_FOR=f"1.2.3.4, 10.0.0.{i}") for i in range(3)]
    assert [a.status for a in answers] == [400, 400, 400]
    spoofed = [send(client, PREDICT, b"{", content_type="application/json", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 10.0.0.7") for i in range(3)]
    assert spoofed[-1].status == 429
