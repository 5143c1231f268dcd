from __future__ import annotations

from django.contrib import admin
from django.urls import path

admin.site.site_header = "Troop-deployment tracker"
admin.site.site_title = "Troop tracker admin"
admin.site.index_title = "Deployments, statements and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
]
