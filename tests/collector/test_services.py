import json
from unittest import mock

import pytest
from django.db import IntegrityError, transaction

from collector import services
from collector.images import encode_png
from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from ml.errors import BlankImage
from tests.collector.builders import blank_url, digit_url, drawing, local_objects, rows
from tests.support.s3 import BUCKET

pytestmark = pytest.mark.django_db


def s3_keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def submit(**fields) -> services.Submission:
    return services.drawing_submit(**{"image": digit_url(), "label": 7, "strokes": None, **fields})


def test_a_blank_drawing_is_refused_before_anything_is_stored(own_media):
    with pytest.raises(BlankImage):
        submit(image=blank_url())
    assert not Drawing.objects.exists() and local_objects(own_media) == []


def test_a_submission_stores_the_image_the_preprocessing_sees():
    submission = submit(image=digit_url("1"))
    with submission.drawing.image.open("rb") as handle:
        assert handle.read() == encode_png(digit_url("1")).png
    assert submission.drawing.sha256 == encode_png(digit_url("1")).sha256


def test_a_failing_row_insert_deletes_the_uploaded_object(own_media):
    with mock.patch.object(Drawing.objects, "create", side_effect=IntegrityError("constraint")):
        with pytest.raises(IntegrityError):
            submit()
    assert local_objects(own_media) == []


def test_verify_and_reject_change_only_the_given_drawings():
    kept, rejected, untouched = drawing(), drawing(), drawing()
    assert services.drawings_set_status(drawings=Drawing.objects.filter(pk=kept.pk), status=Drawing.Status.VERIFIED) == 1
    services.drawings_set_status(drawings=Drawing.objects.filter(pk=rejected.pk), status=Drawing.Status.REJECTED)
    statuses = dict(Drawing.objects.values_list("pk", "status"))
    assert statuses == {kept.pk: "verified", rejected.pk: "rejected", untouched.pk: "pending"}


def test_relabeling_sets_the_label_and_verifies():
    mislabeled = drawing(label=1)
    assert services.drawings_relabel(drawings=Drawing.objects.filter(pk=mislabeled.pk), label=7) == 1
    mislabeled.refresh_from_db()
    assert (mislabeled.label, mislabeled.status) == (7, "verified")


def test_relabeling_as_not_a_digit_sets_label_10():
    mislabeled = drawing(label=1)
    assert services.drawings_relabel(drawings=Drawing.objects.filter(pk=mislabeled.pk), label=NOT_A_DIGIT) == 1
    mislabeled.refresh_from_db()
    assert (mislabeled.label, mislabeled.status, mislabeled.get_label_display()) == (10, "verified", "not a digit")


@pytest.mark.parametrize("field", ["label", "predicted_label"])
def test_the_database_takes_labels_0_to_10_and_refuses_11(field):
    rows(1, **{field: NOT_A_DIGIT})
    with pytest.raises(IntegrityError), transaction.atomic():
        Drawing.objects.update(**{field: 11})
    assert getattr(Drawing.objects.get(), field) == NOT_A_DIGIT


@pytest.mark.parametrize(
    ("digit", "confidence", "not_a_digit", "recorded"),
    [
        (3, 0.9, 0.05, (3, 0.9)),  # Accepted: the digit.
        (3, 0.3, 0.1, (3, 0.3)),  # Rejected for a low confidence: still the top digit.
        (3, 0.02, 0.97, (NOT_A_DIGIT, 0.97)),  # Rejected because "not a digit" wins: 10.
        (3, 0.4, None, (3, 0.4)),  # Logged before "not a digit" was recorded: the digit stands.
    ],
)
def test_the_models_opinion_is_its_most_likely_class(digit, confidence, not_a_digit, recorded):
    opinion = services.SubmittedPrediction.of(digit=digit, confidence=confidence, not_a_digit=not_a_digit, model_version="v")
    assert (opinion.digit, opinion.confidence, opinion.model_version) == (*recorded, "v")


@pytest.mark.parametrize(("service", "argument"), [(services.drawings_set_status, {"status": "lost"}), (services.drawings_relabel, {"label": 11}), (services.drawings_relabel, {"label": "not-a-digit"})])
def test_curation_refuses_unknown_values(service, argument):
    with pytest.raises(ValueError):
        service(drawings=Drawing.objects.all(), **argument)


@pytest.mark.s3
def test_on_s3_the_object_is_a_png_that_reads_back(s3_storage):
    stored = submit().drawing
    head = s3_storage.head_object(Bucket=BUCKET, Key=stored.image.name)
    assert head["ContentType"] == "image/png"
    body = s3_storage.get_object(Bucket=BUCKET, Key=stored.image.name)["Body"].read()
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and len(body) == head["ContentLength"]
    with stored.image.open("rb") as handle:
        assert handle.read() == body


@pytest.mark.s3
def test_on_s3_a_failing_row_insert_leaves_no_orphan(s3_storage):
    with mock.patch.object(Drawing.objects, "create", side_effect=IntegrityError("constraint")):
        with pytest.raises(IntegrityError):
            submit()
    assert s3_keys(s3_storage) == []


@pytest.mark.s3
def test_on_s3_a_server_stopped_mid_request_gives_503_and_no_row(s3_storage, s3_server, client):
    real_encode = services.encode_png

    def encode_then_lose_storage(source):
        encoded = real_encode(source)
        s3_server.stop()
        return encoded

    with mock.patch("collector.services.encode_png", side_effect=encode_then_lose_storage):
        response = client.post("/api/drawings", json.dumps({"image": digit_url(), "label": 7}), content_type="application/json")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable" and "try again" in error["message"]
    assert not Drawing.objects.exists()
