"""Test-only API views: a body parser (no write endpoint ships yet) and a view that fails."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.lib.access import AUTHENTICATED


class Echo(APIView):
    """Parses the body with the parsers the settings configure, as every API view will."""

    caseway_access = AUTHENTICATED
    schema = None

    def post(self, request):
        return Response({"keys": sorted(request.data)})

    put = post


class Boom(APIView):
    caseway_access = AUTHENTICATED
    schema = None

    def get(self, request):
        raise RuntimeError("a bug")


urlpatterns = [
    path("echo/", Echo.as_view()),
    path("boom/", Boom.as_view()),
    path("api/v1/", include("caseway.api.urls")),
]

handler500 = "caseway.views.server_error"  # the project's own, which renders with the shell context
