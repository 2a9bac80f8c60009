from django.urls import path

from recognizer import api, retraining_views, views

app_name = "recognizer"
urlpatterns = [
    path("", views.home_page, name="home"),
    path("api/predict", api.predict, name="predict"),
    path("api/predictions/<str:prediction_id>/feedback", api.prediction_feedback, name="feedback"),
    path("api/openapi.json", api.openapi_json, name="openapi"),
    path("api/admin/retrain", retraining_views.retrain_jobs, name="retrain-jobs"),
    path("api/admin/retrain/<int:job_id>", retraining_views.retrain_job, name="retrain-job"),
]
