"""The database down: a clear 503 from every API and the readiness probe, recovery, nothing stored."""

import contextlib
from unittest import mock

import pytest
from django.db import OperationalError, connection

from collector.models import Drawing
from recognizer.models import Prediction
from tests.collector.builders import local_objects
from tests.faults.test_storage import assert_unavailable
from tests.hostile.endpoints import DRAWINGS, PREDICT, feedback_url, send
from tests.hostile.inputs import digit_data_url

# Autocommit, as in production: no test transaction for a failed query to poison.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("warm")]
SUBMISSION = {"image": digit_data_url(), "label": 3, "correct": False}


@contextlib.contextmanager
def database_down():
    """Every new query fails as it does when PostgreSQL is stopped or unreachable."""
    lost = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
    with mock.patch.object(connection, "cursor", side_effect=lost):
        yield


@pytest.mark.parametrize("kind", ["predict", "drawings", "feedback"])
def test_database_down_answers_503_then_recovers(client, kind, prediction_id, own_media):
    url = {"predict": PREDICT, "drawings": DRAWINGS, "feedback": feedback_url(prediction_id)}[kind]
    with database_down():
        assert_unavailable(send(client, url, SUBMISSION), "database_unavailable")
    assert not Drawing.objects.exists() and local_objects(own_media) == []
    assert Prediction.objects.get(pk=prediction_id).feedback_at is None
    assert send(client, url, SUBMISSION).status == (200 if kind == "predict" else 201)
    assert local_objects(own_media) == sorted(Drawing.objects.values_list("image", flat=True))


def test_readiness_probe_reports_the_database(client):
    with database_down():
        assert client.get("/readyz").status_code == 503
    assert client.get("/readyz").status_code == 200
