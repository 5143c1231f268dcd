from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from deployments.feeds import StatusChangesFeed
from tracker.health import healthz

admin.site.site_header = "Troop-deployment tracker"
admin.site.site_title = "Troop tracker admin"
admin.site.index_title = "Deployments, statements and sources"

handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("deployments.api.urls")),
    path("feeds/status.atom", StatusChangesFeed(), name="status-feed"),
    path("healthz", healthz, name="healthz"),
    path("", include("deployments.urls")),
]
