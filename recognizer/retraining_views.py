"""Staff-only JSON API for background retraining: queue a job, then follow it."""

from django.http import JsonResponse

from digitsite.http import ApiError, api_view, read_json
from recognizer.models import RetrainJob
from recognizer.retraining import RetrainBusy, RetrainError, enqueue_retrain

OPTIONS = ("mode", "epochs", "activate")


@api_view
def retrain_jobs(request):
    """POST {"mode": "fine-tune"|"from-scratch", "epochs": N, "activate": "auto"|"yes"|"no"} (all optional) -> 202 job."""
    _require_staff(request)
    if request.method != "POST":
        raise ApiError("method_not_allowed", "Use POST to queue a retrain.", 405, {"Allow": "POST"})
    options = _options(read_json(request) if request.body else {})
    try:
        job = enqueue_retrain(requested_by=request.user, **options)
    except RetrainBusy as exc:
        raise ApiError("retrain_in_progress", str(exc), 409)
    except RetrainError as exc:
        raise ApiError("invalid_option", str(exc))
    return JsonResponse(job_json(job), status=202)


@api_view
def retrain_job(request, job_id: int):
    """GET a job's status, log tail and resulting version."""
    _require_staff(request)
    job = RetrainJob.objects.select_related("version").filter(pk=job_id).first()
    if job is None:
        raise ApiError("job_not_found", f"There is no retrain job {job_id}.", 404)
    return JsonResponse(job_json(job))


def job_json(job: RetrainJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "mode": job.mode,
        "epochs": job.epochs,
        "activate": job.activate,
        "created": job.created.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "version": job.version.tag if job.version else None,
        "activated": job.activated,
        "error": job.error,
        "log_tail": job.log_tail(),
    }


def _options(body: dict) -> dict:
    unknown = sorted(set(body) - set(OPTIONS))
    if unknown:
        raise ApiError("unknown_option", f"Unknown option {unknown[0]!r}; the options are {', '.join(OPTIONS)}.")
    return {key: body[key] for key in OPTIONS if key in body and body[key] is not None}


def _require_staff(request) -> None:
    if not request.user.is_authenticated:
        raise ApiError("not_authenticated", "Log in as a staff user to retrain the model.", 401)
    if not request.user.is_staff:
        raise ApiError("staff_only", "Only staff users may retrain the model.", 403)
