"""Shared pieces of the JSON APIs: error responses, body parsing, image extraction.

Every API error is `{"error": {"code": "...", "message": "a sentence"}}` with a 4xx status
(or 503 when a part of the system is down); `api_view` guarantees that shape for every
failure a client or the infrastructure can cause.
"""

import functools
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError

from collector.errors import StorageUnavailable
from ml import constants
from ml.errors import InputError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, code: str, message: str, status: int = 400, headers: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.headers = code, message, status, headers or {}


RETRY_LATER = {"Retry-After": "5"}


class ServiceUnavailable(ApiError):
    def __init__(self, code: str, message: str):
        super().__init__(code, message, status=503, headers=RETRY_LATER)


def json_error(code: str, message: str, status: int, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


DATABASE_DOWN = "The database is unavailable, so nothing was saved; please try again in a moment."


def api_view(view):
    """Turn ApiError, ml InputError and an unavailable database or store into JSON errors."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApiError as exc:
            return json_error(exc.code, exc.message, exc.status, exc.headers)
        except InputError as exc:
            return json_error(exc.code, str(exc), exc.status)
        except StorageUnavailable as exc:
            return json_error("storage_unavailable", str(exc), 503, RETRY_LATER)
        except (OperationalError, InterfaceError):
            return json_error("database_unavailable", DATABASE_DOWN, 503, RETRY_LATER)
        except RequestDataTooBig:
            return json_error("body_too_large", f"The request body is over the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB limit.", 413)

    return wrapper


# Far above any real body (a drawing's 20,000 stroke points are 60,000 numbers). Counting
# commas is ~50x faster than parsing, so a body of millions of values is refused cheaply.
MAX_JSON_VALUES = 100_000


def read_json(request) -> dict:
    """The request's JSON object body, or an ApiError that says what is wrong with it.

    Parsed once per request: views and `image_from_request` may both ask for it.
    """
    if not hasattr(request, "_json_body"):
        request._json_body = _parse_json(request)
    return request._json_body


def _parse_json(request) -> dict:
    if request.content_type != "application/json":
        raise ApiError("unsupported_media_type", "Send the body as application/json.", 415)
    if request.body.count(b",") >= MAX_JSON_VALUES:
        raise ApiError("too_many_values", f"The JSON body holds more than {MAX_JSON_VALUES:,} values; send one drawing's worth at a time.", 413)
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nesting deeper than any real body.
        raise ApiError("malformed_json", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError("invalid_json", "The JSON body must be an object, e.g. {\"image\": \"data:image/png;base64,...\"}.")
    return body


def image_from_request(request):
    """The image a client sent, in any accepted form, ready for `ml.preprocess`.

    Multipart: a file field `image`. JSON: `{"image": "<data URL or base64>"}` or
    `{"pixels": [784 numbers 0-255]}`. Returns (source, body) where body is the JSON object
    (or the form fields) so callers can read their other fields.
    """
    if request.content_type == "multipart/form-data":
        return _image_from_form(request)
    body = read_json(request)
    if "image" in body:
        image = body["image"]
        if not isinstance(image, str) or not image:
            raise ApiError("invalid_image", "\"image\" must be a data URL or base64 string of a PNG, JPEG, WebP or GIF.")
        if len(image) > constants.MAX_IMAGE_BYTES * 4 // 3 + 100:
            raise ApiError("image_too_large", f"The image is over the {constants.MAX_IMAGE_BYTES // (1024 * 1024)} MB limit.", 413)
        return image, body
    if "pixels" in body:
        pixels = body["pixels"]
        if not isinstance(pixels, list):
            raise ApiError("invalid_pixels", "\"pixels\" must be a list of 784 numbers from 0 to 255 (28x28, row-major).")
        return pixels, body
    raise ApiError("missing_image", "Send an \"image\" (data URL or base64) or \"pixels\" (784 numbers).")


def _image_from_form(request):
    try:
        upload = request.FILES.get("image")
    except MultiPartParserError:
        raise ApiError("malformed_multipart", "The multipart body could not be parsed.")
    if upload is None:
        raise ApiError("missing_image", "Send the image as a file field named \"image\".")
    if upload.size > constants.MAX_IMAGE_BYTES:
        raise ApiError("image_too_large", f"The image is over the {constants.MAX_IMAGE_BYTES // (1024 * 1024)} MB limit.", 413)
    return upload.read(), request.POST


def csrf_failure(request, reason=""):
    """CSRF rejections: JSON for the API, Django's usual page for everything else."""
    if request.path.startswith("/api/"):
        return json_error("csrf_failed", "The CSRF check failed; reload the page and send the X-CSRFToken header.", 403)
    from django.views.csrf import csrf_failure as default_failure

    return default_failure(request, reason=reason)
