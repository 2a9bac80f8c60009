import json

from openapi_spec_validator import validate


def test_openapi_description_is_valid_and_covers_the_api(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)
    assert {"/api/predict", "/api/predictions/{prediction_id}/feedback", "/api/drawings"} <= set(spec["paths"])


def test_openapi_documents_not_a_digit_in_answers_and_labels(client, db):
    schemas = json.loads(client.get("/api/openapi.json").content)["components"]["schemas"]
    answer = schemas["Prediction"]
    assert {"accepted", "not_a_digit", "probabilities"} <= set(answer["required"])
    for field in ("accepted", "not_a_digit", "probabilities"):
        assert answer["properties"][field]["description"].endswith(".")
    assert "sum to 1" in answer["properties"]["probabilities"]["description"]
    for body in ("DrawingBody", "FeedbackBody"):
        label = schemas[body]["properties"]["label"]
        assert {"type": "integer", "minimum": 0, "maximum": 10} in label["oneOf"]
        assert {"type": "string", "enum": ["not-a-digit"]} in label["oneOf"]
    assert schemas["DrawingResult"]["properties"]["prediction"]["properties"]["digit"]["maximum"] == 10
