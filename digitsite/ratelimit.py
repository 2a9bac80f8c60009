"""Per-client rate limits on the shared cache (Redis in production), answered with 429.

Fixed windows keyed by client and scope: cheap (one cache add + incr per request) and the
same on every web host when CACHE_URL points at a shared cache.
"""

import functools
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from digitsite.http import json_error


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is read only through TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it saw, so the client is the entry that many
    places from the right. Any entry further left is whatever the client chose to send.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else (forwarded[0] if forwarded else remote)


def is_allowed(key: str, limit: Limit) -> tuple[bool, int]:
    """Count one request for `key`; returns (allowed, seconds until the window resets)."""
    window = int(time.time() // limit.seconds)
    cache_key = f"ratelimit:{key}:{window}"
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # Expired between add and incr: this request opens a new window.
        cache.set(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    retry_after = limit.seconds - int(time.time()) % limit.seconds
    return count <= limit.requests, retry_after


def rate_limited(scope: str):
    """Limit a view per client IP with settings.RATE_LIMITS[scope] = "N/SECONDS"."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = parse_limit(settings.RATE_LIMITS.get(scope))
            if limit is not None:
                client = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
                allowed, retry_after = is_allowed(f"{scope}:{client}", limit)
                if not allowed:
                    message = f"Too many requests; please wait {retry_after} seconds and try again."
                    return json_error("rate_limited", message, 429, {"Retry-After": str(retry_after)})
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def parse_limit(text: str | None) -> Limit | None:
    """ "120/60" -> Limit(120, 60); empty or "off" disables the limit."""
    if not text or text == "off":
        return None
    requests, _, seconds = text.partition("/")
    return Limit(int(requests), int(seconds or 60))
