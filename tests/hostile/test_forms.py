"""The one HTML form that takes input (the admin review queue): bad posts change nothing and say why."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from collector.models import Drawing
from tests.collector.builders import rows

pytestmark = pytest.mark.django_db
REVIEW_URL = "/admin/collector/drawing/review/"
BAD_DECISIONS = {
    "no-fields": {},
    "drawing-not-a-number": {"drawing": "abc", "decision": "verify"},
    "drawing-negative": {"drawing": "-1", "decision": "verify"},
    "drawing-beyond-bigint": {"drawing": str(10**20), "decision": "verify"},
    "unknown-decision": {"drawing": "1", "decision": "delete-everything"},
    "relabel-without-label": {"drawing": "1", "decision": "relabel"},
    "relabel-to-11": {"drawing": "1", "decision": "relabel", "label": "11"},
    "relabel-to-not-a-digit-name": {"drawing": "1", "decision": "relabel", "label": "not-a-digit"},
    "relabel-to-text": {"drawing": "1", "decision": "relabel", "label": "seven"},
}


@pytest.fixture
def staff(admin_client) -> Client:
    return admin_client


@pytest.mark.parametrize("case", BAD_DECISIONS)
def test_bad_review_decision_changes_nothing_and_says_why(staff, case):
    drawing = rows(1, status=Drawing.Status.PENDING)[0]
    fields = {key: (str(drawing.pk) if value == "1" else value) for key, value in BAD_DECISIONS[case].items()}
    response = staff.post(REVIEW_URL, fields)
    assert response.status_code == 302
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert message.startswith(("Nothing changed:", "Drawing")) and message.endswith((".", "exists."))
    drawing.refresh_from_db()
    assert (drawing.status, drawing.label) == (Drawing.Status.PENDING, 7)


def test_review_decision_without_csrf_token_is_refused(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    drawing = rows(1)[0]
    response = browser.post(REVIEW_URL, {"drawing": drawing.pk, "decision": "reject"})
    assert response.status_code == 403
    drawing.refresh_from_db()
    assert drawing.status == Drawing.Status.PENDING
