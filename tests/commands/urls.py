"""The project's URLs plus the staff retrain API, until the lead wires it into recognizer.urls."""

from django.urls import path

from digitsite.urls import urlpatterns as project_urls
from recognizer import retraining_views

urlpatterns = [
    path("api/admin/retrain", retraining_views.retrain_jobs, name="retrain-jobs"),
    path("api/admin/retrain/<int:job_id>", retraining_views.retrain_job, name="retrain-job"),
    *project_urls,
]
