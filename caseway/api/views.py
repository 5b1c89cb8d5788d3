"""The schema and its documentation page: public, so integrators can read them before they have a token."""

from django.shortcuts import render
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.accounts.middleware import second_factor_exempt
from caseway.api.docs import describe
from caseway.api.schema import get_schema
from caseway.lib.access import AUTHENTICATED, PUBLIC, public


class SchemaView(SpectacularAPIView):
    """OpenAPI 3 schema, YAML by default, JSON with ``Accept: application/vnd.oai.openapi+json`` or ``?format=json``."""

    caseway_access = PUBLIC
    # No authentication at all: a stale or bad token must not make the public schema answer 401.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # Spectacular's own get() honours ?lang= with any value, and Django keeps a translation
        # object per language code it is asked for: on a public URL that is unbounded memory.
        # The language here comes from LocaleMiddleware, which only picks configured languages.
        filename = self._get_filename(request, None)
        return Response(get_schema(), headers={"Content-Disposition": f'inline; filename="{filename}"'})


@public
@second_factor_exempt
def docs(request):
    """The operations; their schemas are on a page of their own (each page within the 2G budget)."""
    return render(request, "api/docs.html", describe(get_schema()))


@public
@second_factor_exempt
def docs_schemas(request):
    return render(request, "api/docs_schemas.html", describe(get_schema()))


class NotFoundView(APIView):
    """Any other path under the API: a JSON 404 (Django's is an HTML page), after authentication.

    Authenticating first means anonymous callers get the same 401 everywhere and cannot map
    which paths exist.
    """

    caseway_access = AUTHENTICATED
    schema = None  # not an operation: leave it out of the OpenAPI document

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
