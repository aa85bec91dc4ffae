"""Routes of the versioned public API (/api/v1/)."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from statements.api import changes, exports, imports, views
from statements.api.quota import QuotaView
from statements.resources import RESOURCES

router = SimpleRouter()
for resource in RESOURCES:
    router.register(
        resource.route, views.VIEWSETS[resource.kind], basename=resource.kind
    )

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("quota/", QuotaView.as_view(), name="quota"),
    *router.urls,
    *exports.urlpatterns,
    path("search/", views.SearchView.as_view(), name="search"),
    path("changes/", changes.ChangeFeedView.as_view(), name="changes"),
    path(
        "imports/preview/",
        imports.ImportPreviewView.as_view(),
        name="imports-preview",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="schema", template_name="statements/redoc.html"
        ),
        name="redoc",
    ),
]
