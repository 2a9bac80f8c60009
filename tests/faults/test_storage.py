"""The image store unreachable, stalled or failing: a clear 503, nothing half-written, recovery."""

import socket
from unittest import mock

import pytest
from botocore.exceptions import ClientError
from django.db import OperationalError

from collector.models import Drawing
from recognizer.models import Prediction
from tests.hostile.endpoints import DRAWINGS, feedback_url, send
from tests.hostile.inputs import digit_data_url

pytestmark = [pytest.mark.s3, pytest.mark.usefixtures("warm")]
SUBMISSION = {"image": digit_data_url(), "label": 3, "correct": False}


def assert_unavailable(answer, code: str) -> None:
    assert (answer.status, answer.body["error"]["code"]) == (503, code), answer.body
    assert answer.headers["Retry-After"].isdigit()
    assert answer.body["error"]["message"].endswith(".")


def objects(s3) -> list[str]:
    from tests.support.s3 import BUCKET

    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def assert_consistent(s3) -> None:
    """Every row has its object and every object its row."""
    assert sorted(objects(s3)) == sorted(Drawing.objects.values_list("image", flat=True))


@pytest.fixture
def stalled_endpoint():
    """A loopback port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_unreachable_store_answers_503_then_recovers(client, s3_server, s3_storage):
    s3_server.stop()
    try:
        assert_unavailable(send(client, DRAWINGS, SUBMISSION), "storage_unavailable")
        assert not Drawing.objects.exists()
    finally:
        s3_server.start()
    s3_storage.create_bucket(Bucket="digitsite-test")  # A restarted moto server starts empty.
    assert send(client, DRAWINGS, SUBMISSION).status == 201
    assert_consistent(s3_storage)


def test_stalled_store_times_out_with_503(client, settings, s3_storage, stalled_endpoint):
    from botocore.config import Config

    options = settings.STORAGES["default"]["OPTIONS"]
    stalled = {**options, "endpoint_url": stalled_endpoint, "client_config": Config(connect_timeout=0.5, read_timeout=0.5, retries={"max_attempts": 1})}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": stalled}}
    assert_unavailable(send(client, DRAWINGS, SUBMISSION), "storage_unavailable")
    assert not Drawing.objects.exists()
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
    assert send(client, DRAWINGS, SUBMISSION).status == 201
    assert_consistent(s3_storage)


def failing_put(*args, **kwargs):
    raise ClientError({"Error": {"Code": "InternalError", "Message": "We encountered an internal error."}, "ResponseMetadata": {"HTTPStatusCode": 500}}, "PutObject")


@pytest.mark.parametrize("kind", ["drawings", "feedback"])
def test_store_errors_answer_503_and_leave_feedback_open(client, s3_storage, kind, prediction_id):
    url = DRAWINGS if kind == "drawings" else feedback_url(prediction_id)
    with mock.patch("storages.backends.s3.S3Storage._save", side_effect=failing_put):
        assert_unavailable(send(client, url, SUBMISSION), "storage_unavailable")
    assert not Drawing.objects.exists()
    assert Prediction.objects.get(pk=prediction_id).feedback_at is None
    assert send(client, url, SUBMISSION).status == 201
    assert_consistent(s3_storage)


def test_row_failing_after_upload_deletes_the_object(client, s3_storage):
    with mock.patch.object(Drawing.objects, "create", side_effect=OperationalError("the database system is shutting down")):
        assert_unavailable(send(client, DRAWINGS, SUBMISSION), "database_unavailable")
    assert objects(s3_storage) == [] and not Drawing.objects.exists()
