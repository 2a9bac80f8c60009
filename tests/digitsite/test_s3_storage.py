"""Round trips through django-storages' S3Storage against a live S3-protocol server."""

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.support.s3 import BUCKET

pytestmark = pytest.mark.s3


def test_upload_read_back_and_delete(s3_storage):
    name = default_storage.save("probe/hello.txt", ContentFile(b"hello s3"))
    assert s3_storage.head_object(Bucket=BUCKET, Key=name)["ContentLength"] == 8
    with default_storage.open(name) as handle:
        assert handle.read() == b"hello s3"
    default_storage.delete(name)
    assert not default_storage.exists(name)


def test_objects_are_private_and_served_by_presigned_url(s3_storage, s3_server):
    name = default_storage.save("probe/digit.png", ContentFile(b"\x89PNG fake"))
    url = default_storage.url(name)
    assert url.startswith(f"{s3_server.endpoint}/{BUCKET}/probe/")
    assert "X-Amz-Signature=" in url
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == b"\x89PNG fake"
    unsigned = requests.get(url.split("?")[0], timeout=10)
    assert unsigned.status_code == 403


def test_existing_names_are_never_overwritten(s3_storage):
    first = default_storage.save("probe/same.txt", ContentFile(b"one"))
    second = default_storage.save("probe/same.txt", ContentFile(b"two"))
    assert first != second
    with default_storage.open(first) as handle:
        assert handle.read() == b"one"
