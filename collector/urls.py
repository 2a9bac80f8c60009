from django.urls import path

from collector import views

app_name = "collector"
urlpatterns = [
    path("collect/", views.collect_page, name="collect"),
    path("api/drawings", views.drawings_api, name="api-drawings"),
]
