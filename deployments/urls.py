from __future__ import annotations

from django.urls import path

from deployments import views

urlpatterns = [
    path("", views.status_page, name="status"),
    path("status.csv", views.status_csv, name="status-csv"),
    path("nations/<str:code>/", views.nation_page, name="nation"),
]
