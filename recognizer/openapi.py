"""The OpenAPI 3 description of the public JSON API, served at /api/openapi.json."""

from ml import constants

_DIGIT = {"type": "integer", "minimum": 0, "maximum": 9}
_NOT_A_DIGIT_SLUG = constants.CLASS_NAMES[constants.NOT_A_DIGIT]
# A stored label: the model's class index, a digit or 10 for "not a digit".
_STORED_LABEL = {
    "type": "integer",
    "minimum": 0,
    "maximum": constants.NOT_A_DIGIT,
    "description": f"0-9: the digit; {constants.NOT_A_DIGIT}: not a digit (a letter, a symbol, a doodle).",
}
_LABEL = {
    "oneOf": [
        {"type": "integer", "minimum": 0, "maximum": constants.NOT_A_DIGIT},
        {"type": "string", "enum": [_NOT_A_DIGIT_SLUG]},
    ],
    "description": f"What was drawn: an integer 0-9 for a digit, or {constants.NOT_A_DIGIT} (or the string "
    f"\"{_NOT_A_DIGIT_SLUG}\", the same) for something that is not a digit. Anything else, including \"7\", 7.0, "
    "true and null, is refused with invalid_label.",
}
_PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
_IMAGE = {
    "type": "string",
    "description": f"A data URL (data:image/png;base64,...) or bare base64 of a PNG, JPEG, WebP or GIF; "
    f"at most {constants.MAX_IMAGE_BYTES // (1024 * 1024)} MB and {constants.MAX_IMAGE_PIXELS:,} pixels.",
}
_STROKES = {
    "type": "array",
    "description": "Quick, Draw! format: one [[x...], [y...], [t ms since the first point...]] per stroke, CSS pixels.",
    "items": {"type": "array", "minItems": 3, "maxItems": 3, "items": {"type": "array", "items": {"type": "number"}}},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(**statuses: str) -> dict:
    """Error responses by status; each value lists the error codes that status can carry."""
    return {status.lstrip("_"): {"description": f"Codes: {codes}.", **_json(_ref("Error"))} for status, codes in statuses.items()}


_IMAGE_ERRORS = {
    "_400": "missing_image, invalid_image, undecodable_image, invalid_pixels, malformed_json, invalid_json, malformed_multipart",
    "_413": "image_too_large, body_too_large",
    "_415": "unsupported_media_type (not JSON or multipart, or not a PNG/JPEG/WebP/GIF image)",
    "_422": "blank (the image has no visible ink)",
}

_PREDICT = {
    "post": {
        "operationId": "predict",
        "summary": "Predict the digit in an image",
        "description": "Needs no CSRF token or session. Each prediction is logged (id, time, model version, digit, "
        "confidence, accepted, not_a_digit) without the image.",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"oneOf": [_ref("ImageBody"), _ref("PixelsBody")]}},
                "multipart/form-data": {"schema": {"type": "object", "required": ["image"], "properties": {"image": {"type": "string", "format": "binary"}}}},
            },
        },
        "responses": {
            "200": {"description": "The prediction.", **_json(_ref("Prediction"))},
            **_errors(**_IMAGE_ERRORS, _405="method_not_allowed", _503="model_unavailable, database_unavailable"),
        },
    }
}

_FEEDBACK = {
    "post": {
        "operationId": "giveFeedback",
        "summary": "Say whether a prediction was right, and keep the drawing as training data",
        "description": "The client re-sends the image it had predicted: the server keeps no image before the "
        "visitor consents by giving feedback. Stores a pending Drawing (source \"feedback\") with the true "
        "label, linked to the prediction. Each prediction takes one feedback. Browser sessions send the CSRF "
        "token in X-CSRFToken.",
        "parameters": [{"name": "prediction_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "requestBody": {"required": True, **_json(_ref("FeedbackBody"))},
        "responses": {
            "201": {"description": "The drawing was stored for review.", **_json(_ref("FeedbackResult"))},
            **_errors(
                _400=_IMAGE_ERRORS["_400"] + ", invalid_correct, invalid_label, missing_label (correct is false), "
                "label_conflict (label contradicts correct), invalid_strokes",
                _403="CSRF check failed (browser sessions)",
                _404="prediction_not_found",
                _405="method_not_allowed",
                _409="feedback_exists",
                _413=_IMAGE_ERRORS["_413"] + ", strokes_too_large",
                _415=_IMAGE_ERRORS["_415"],
                _422=_IMAGE_ERRORS["_422"],
                _503="storage_unavailable, database_unavailable (nothing was stored)",
            ),
        },
    }
}

_DRAWINGS = {
    "post": {
        "operationId": "submitDrawing",
        "summary": "Contribute a labeled drawing to the dataset",
        "description": "Stores the drawing (status pending) with the active model's prediction when a model is "
        "available. Needs the CSRF token in X-CSRFToken.",
        "requestBody": {"required": True, **_json(_ref("DrawingBody"))},
        "responses": {
            "201": {"description": "The drawing was stored.", **_json(_ref("DrawingResult"))},
            **_errors(
                _400=_IMAGE_ERRORS["_400"] + ", invalid_label, invalid_strokes",
                _403="CSRF check failed",
                _405="method_not_allowed",
                _413=_IMAGE_ERRORS["_413"] + ", strokes_too_large",
                _415=_IMAGE_ERRORS["_415"],
                _422=_IMAGE_ERRORS["_422"],
                _503="storage_unavailable, database_unavailable (nothing was stored)",
            ),
        },
    }
}

_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string", "description": "A sentence for people."}},
            }
        },
    },
    "ImageBody": {"type": "object", "required": ["image"], "properties": {"image": _IMAGE}},
    "PixelsBody": {
        "type": "object",
        "required": ["pixels"],
        "properties": {
            "pixels": {
                "type": "array",
                "description": "28x28 values, row-major, MNIST style: ink high (255) on black (0).",
                "minItems": constants.IMAGE_SIDE**2,
                "maxItems": constants.IMAGE_SIDE**2,
                "items": {"type": "number", "minimum": 0, "maximum": 255},
            }
        },
    },
    "Prediction": {
        "type": "object",
        "required": ["digit", "confidence", "probabilities", "top", "accepted", "not_a_digit", "model_version", "input_image", "prediction_id"],
        "properties": {
            "digit": {**_DIGIT, "description": "The most likely digit, if the image shows one (whether it does: `accepted`)."},
            "confidence": {**_PROBABILITY, "description": "Probability of `digit` among all eleven classes (the ten digits and 'not a digit'); `accepted` compares it with the model's threshold."},
            "probabilities": {
                "type": "array",
                "minItems": 10,
                "maxItems": 10,
                "items": _PROBABILITY,
                "description": "Index = digit. Which digit it would be if it is a digit: ten values that always sum to 1, "
                "a softmax over the digit scores alone, so they stay meaningful when 'not a digit' takes nearly all of "
                "`not_a_digit`'s probability. They say nothing about whether the image is a digit.",
            },
            "top": {
                "type": "array",
                "minItems": 3,
                "maxItems": 3,
                "description": "The three largest of `probabilities`, most likely first; the first is `digit`.",
                "items": {"type": "object", "required": ["digit", "probability"], "properties": {"digit": _DIGIT, "probability": _PROBABILITY}},
            },
            "accepted": {
                "type": "boolean",
                "description": "True when the model says the image shows `digit`: `confidence` reaches the model's threshold and "
                "beats `not_a_digit`. False means 'not sure': not a digit, or no digit clearly enough.",
            },
            "not_a_digit": {**_PROBABILITY, "description": "Probability (among all eleven classes) that the image is not a digit at all: a letter, a symbol, a doodle."},
            "model_version": {"type": "string", "description": "Tag of the model version that answered."},
            "input_image": {"type": "string", "description": "data:image/png;base64 of the 28x28 image the model saw."},
            "prediction_id": {"type": "string", "format": "uuid"},
        },
    },
    "FeedbackBody": {
        "type": "object",
        "required": ["correct", "image"],
        "properties": {
            "correct": {"type": "boolean", "description": "Whether the predicted `digit` was right. A drawing that was not a digit is correct: false with label 10 or \"not-a-digit\"."},
            "label": {**_LABEL, "description": _LABEL["description"] + " Required when correct is false; when correct is true it may repeat the digit, or be left out."},
            "image": _IMAGE,
            "strokes": {**_STROKES, "description": "The strokes of the drawing that was predicted, kept with it."},
        },
    },
    "FeedbackResult": {
        "type": "object",
        "properties": {"drawing_id": {"type": "integer"}, "label": _STORED_LABEL, "status": {"type": "string", "enum": ["pending"]}},
    },
    "DrawingBody": {"type": "object", "required": ["image", "label"], "properties": {"image": _IMAGE, "label": _LABEL, "strokes": _STROKES}},
    "DrawingResult": {
        "type": "object",
        "required": ["id", "label", "prediction"],
        "properties": {
            "id": {"type": "integer"},
            "label": _STORED_LABEL,
            "prediction": {
                "nullable": True,
                "type": "object",
                "description": "The model's most likely class for the drawing; null when no model was available.",
                "properties": {
                    "digit": {
                        **_STORED_LABEL,
                        "description": f"The most likely digit, or {constants.NOT_A_DIGIT} when 'not a digit' was more likely than any digit.",
                    },
                    "confidence": {**_PROBABILITY, "description": "That class's probability among all eleven."},
                    "model_version": {"type": "string"},
                },
            },
            "duplicate": {"type": "boolean", "description": "Another drawing has the same image (stored all the same)."},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Drawings per label, \"0\"-\"9\" and \"10\" (not a digit)."},
            "contributor_count": {"type": "integer"},
            "prompts": {"type": "array", "items": _STORED_LABEL, "description": "The labels to ask for next; 10 asks for something that is not a digit."},
        },
    },
}

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "digitsite API",
        "version": "1",
        "description": "Handwritten digit recognition and collection. Every error is "
        "{\"error\": {\"code\": \"...\", \"message\": \"a sentence\"}}.",
    },
    "paths": {"/api/predict": _PREDICT, "/api/predictions/{prediction_id}/feedback": _FEEDBACK, "/api/drawings": _DRAWINGS},
    "components": {"schemas": _SCHEMAS},
}
