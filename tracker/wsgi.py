"""WSGI entry point, used by gunicorn: ``gunicorn tracker.wsgi``."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()


def require_collected_static_files() -> None:
    """Refuse to serve when STATIC_MANIFEST is on but ``collectstatic`` has not
    run: every page names its files through the manifest, so each would be a
    500 while /healthz said ok. Checked here, where the site is served, so
    that ``manage.py collectstatic`` itself can still run."""
    if not settings.STATIC_MANIFEST:
        return
    manifest = staticfiles_storage.manifest_name
    if not staticfiles_storage.manifest_storage.exists(manifest):
        raise ImproperlyConfigured(
            f"STATIC_MANIFEST is on but {settings.STATIC_ROOT}/{manifest} is "
            "missing: run `python manage.py collectstatic --noinput` first (or set "
            "STATIC_MANIFEST=false to serve the files unhashed from the apps)"
        )


require_collected_static_files()
