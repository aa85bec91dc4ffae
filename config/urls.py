"""Root URLs: operational endpoints, the explorer, the admin and the versioned API."""

import os

from django.contrib import admin
from django.urls import include, path

from statements import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("explore/", views.explore, name="explore"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("statements.api.urls")),
]
if os.environ.get("BENCH_FLOORS") == "1":  # make bench only (docs/performance.md)
    urlpatterns.append(path("bench/", include("bench.urls")))

handler400 = "statements.views.bad_request"
handler403 = "statements.views.permission_denied"
handler404 = "statements.views.page_not_found"
handler500 = "statements.views.server_error"
