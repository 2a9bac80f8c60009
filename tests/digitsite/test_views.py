from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "head"])
def test_favicon_ico_redirects_to_the_sites_icon(client, method, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = getattr(client, method)("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == f"{settings.STATIC_URL}favicon.svg"
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").is_file()


def test_favicon_ico_refuses_a_post(client):
    assert client.post("/favicon.ico").status_code == 405
