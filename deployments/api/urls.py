from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from deployments.api import views
from deployments.api.history import ChangesView

router = DefaultRouter()
router.register("nations", views.NationViewSet, basename="nation")
router.register("sources", views.SourceViewSet, basename="source")
router.register("troop-counts", views.TroopCountViewSet, basename="troop-count")
router.register("intentions", views.IntentionViewSet, basename="intention")

urlpatterns = [
    path("status/", views.StatusView.as_view(), name="api-status"),
    path("changes/", ChangesView.as_view(), name="api-changes"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own,
    # so the page needs no inline script under the content security policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
