from __future__ import annotations

from typing import Any

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from deployments.api import conflicts, intake, views
from deployments.api.history import ChangesView


class TrackerRouter(DefaultRouter):
    """The API root links every entry point, not only the four record types."""

    root_entries = {
        "status": "api-status",
        "conflicts": "api-conflicts",
        "articles": "api-articles",
        "changes": "api-changes",
        "schema": "api-schema",
        "docs": "api-docs",
    }

    def get_api_root_view(self, api_urls: Any = None) -> Any:
        list_name = self.routes[0].name
        api_root_dict = {
            prefix: list_name.format(basename=basename)
            for prefix, _viewset, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict=api_root_dict | self.root_entries)


router = TrackerRouter()
router.register("nations", views.NationViewSet, basename="nation")
router.register("sources", views.SourceViewSet, basename="source")
router.register("deployments", views.DeploymentViewSet, basename="deployment")
router.register("troop-counts", views.TroopCountViewSet, basename="troop-count")
router.register("intentions", views.IntentionViewSet, basename="intention")
router.register("proposals", intake.ProposalViewSet, basename="proposal")

urlpatterns = [
    path("status/", views.StatusView.as_view(), name="api-status"),
    path("conflicts/", conflicts.ConflictListView.as_view(), name="api-conflicts"),
    path("articles/", intake.ArticleView.as_view(), name="api-articles"),
    path("changes/", ChangesView.as_view(), name="api-changes"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own,
    # so the page needs no inline script under the content security policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    # Log in and out links for the browsable API (the admin's session).
    path("auth/", include("rest_framework.urls")),
    path("", include(router.urls)),
]
