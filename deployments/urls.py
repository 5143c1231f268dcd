from __future__ import annotations

from django.urls import path, register_converter

from deployments import views
from deployments.models import NATION_CODE


class NationCodeConverter:
    """Only well-formed codes reach the view; anything else is a 404."""

    regex = NATION_CODE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NationCodeConverter, "nation_code")

urlpatterns = [
    path("", views.status_page, name="status"),
    path("status.csv", views.status_csv, name="status-csv"),
    path("nations/<nation_code:code>/", views.nation_page, name="nation"),
]
