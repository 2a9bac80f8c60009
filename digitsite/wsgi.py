"""WSGI entry point for gunicorn: `gunicorn digitsite.wsgi` (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
application = get_wsgi_application()
