import json

import pytest
from django.http import JsonResponse
from django.test import RequestFactory

from digitsite.ratelimit import Limit, client_ip, is_allowed, parse_limit, rate_limited


def make_request(remote="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/api/predict", **extra)


@rate_limited("test")
def ok_view(request):
    return JsonResponse({"ok": True})


def test_client_ip_ignores_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(make_request(forwarded="1.2.3.4")) == "203.0.113.7"


def test_client_ip_takes_the_address_seen_by_the_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "1.2.3.4"; our proxy appended the real address it saw.
    assert client_ip(make_request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_client_ip_with_two_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(make_request(remote="10.0.0.3", forwarded="1.2.3.4, 198.51.100.9, 10.0.0.2")) == "198.51.100.9"


def test_requests_over_the_limit_get_429_with_retry_after(settings):
    settings.RATE_LIMITS = {"test": "3/60"}
    statuses = [ok_view(make_request()).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = ok_view(make_request())
    assert 1 <= int(response["Retry-After"]) <= 60
    assert json.loads(response.content)["error"]["code"] == "rate_limited"


def test_limits_are_counted_per_client(settings):
    settings.RATE_LIMITS = {"test": "1/60"}
    assert ok_view(make_request(remote="203.0.113.1")).status_code == 200
    assert ok_view(make_request(remote="203.0.113.2")).status_code == 200
    assert ok_view(make_request(remote="203.0.113.1")).status_code == 429


def test_off_disables_the_limit(settings):
    settings.RATE_LIMITS = {"test": "off"}
    assert all(ok_view(make_request()).status_code == 200 for _ in range(5))


@pytest.mark.parametrize("text, expected", [("120/60", Limit(120, 60)), ("5", Limit(5, 60)), ("off", None), ("", None)])
def test_parse_limit(text, expected):
    assert parse_limit(text) == expected


def test_is_allowed_counts_within_one_window():
    assert is_allowed("unit", Limit(2, 3600))[0] is True
    assert is_allowed("unit", Limit(2, 3600))[0] is True
    assert is_allowed("unit", Limit(2, 3600))[0] is False


def test_limits_are_shared_through_redis(settings):
    """Two web hosts with CACHE_URL=redis://... count one client's requests together."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}}
    settings.RATE_LIMITS = {"test": "2/60"}
    caches["default"].clear()
    try:
        assert [ok_view(make_request()).status_code for _ in range(3)] == [200, 200, 429]
        caches["default"].clear()  # What another host sees after a reset: a fresh window.
        assert ok_view(make_request()).status_code == 200
    finally:
        caches["default"].clear()
