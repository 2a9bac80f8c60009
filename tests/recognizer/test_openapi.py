import json

from openapi_spec_validator import validate


def test_openapi_description_is_valid_and_covers_the_api(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)
    assert {"/api/predict", "/api/predictions/{prediction_id}/feedback", "/api/drawings"} <= set(spec["paths"])
