from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from digitsite import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("collector.urls")),
    path("", include("recognizer.urls")),
]
# Local media (admin plots, drawing thumbnails) in development; S3 serves presigned URLs itself.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
