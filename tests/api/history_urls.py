"""The API's URLs plus one write view, for the history tests of the request's
context until the write API exists: a DRF view that authenticates as every
API view does (in the view, after the middleware) and renames a theme."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from config import urls
from statements.api.permissions import EditorsWrite
from statements.models import Theme


class RenameTheme(APIView):
    permission_classes = [EditorsWrite]

    def post(self, request, slug):
        theme = Theme.objects.get(slug=slug)
        theme.name = request.data["name"]
        theme.save()
        return Response({"name": theme.name})


urlpatterns = [
    path("test-only/themes/<slug:slug>/rename/", RenameTheme.as_view()),
    path("", include(urls)),
]
