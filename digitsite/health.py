"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from recognizer.serving import model_status

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is alive; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Database, storage and model all usable: 200, else 503 naming the failing part."""
    checks = {"database": _check_database, "storage": _check_storage, "model": model_status}
    results, failing = {}, []
    for name, check in checks.items():
        try:
            results[name] = {"ok": True, **check()}
        except Exception as exc:  # A probe reports every failure rather than raising.
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = {"ok": False, "error": str(exc)}
            failing.append(name)
    status = 503 if failing else 200
    return JsonResponse({"status": "ok" if not failing else "unavailable", "failing": failing, "checks": results}, status=status)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _check_storage() -> dict:
    # exists() is one cheap request (a HEAD on S3) that fails when the store is unreachable.
    default_storage.exists("readyz-probe")
    return {"backend": default_storage.__class__.__name__}
