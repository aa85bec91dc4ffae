"""Routes of the versioned public API (/api/v1/)."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from statements.api import changes, exports, views
from statements.api.quota import QuotaView

router = SimpleRouter()
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("events", views.EventViewSet, basename="event")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register(
    "stakeholder-groups", views.StakeholderGroupViewSet, basename="stakeholdergroup"
)

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("quota/", QuotaView.as_view(), name="quota"),
    *router.urls,
    *exports.urlpatterns,
    path("search/", views.SearchView.as_view(), name="search"),
    path("changes/", changes.ChangeFeedView.as_view(), name="changes"),
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
