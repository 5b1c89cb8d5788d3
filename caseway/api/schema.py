"""The OpenAPI 3 schema: how our authentication is described, and the error answers every view shares.

The error responses (401, 403, 404, 400/413) are added here from each view's declared access class
rather than written on every view, so the documented contract cannot drift from what
caseway.api.exceptions and the access classes actually do.
"""

import threading
from functools import lru_cache

from django.conf import settings
from django.urls import get_urlconf
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings

from caseway.lib.access import OBJECT, PUBLIC, ROLE

API_DESCRIPTION = _(
    "The Caseway API answers in JSON. Every call needs credentials: a personal API token sent as "
    "`Authorization: Bearer cw_...`, or, from a browser, a session that passed both sign-in steps. "
    "A token acts for exactly one organization and role (the membership it was created for), even "
    "when its owner belongs to several. Tokens are created and revoked only in the web interface, "
    "under My account → API tokens, after signing in again; the secret is shown once, is stored "
    "only as a hash, and expires. There is no API to create tokens. Every authentication failure "
    "answers the same 401. Objects you may not see answer 404, exactly like missing ones."
)

# Spectacular names a choice field's enum after the field ("TypeEnum"), which says nothing to a reader.
SCHEMA_SETTINGS = {"ENUM_NAME_OVERRIDES": {"OrganizationTypeEnum": "caseway.orgs.models.OrganizationType"}}

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "caseway.orgs.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cw_<prefix>_<secret>",
            "description": str(_("A personal API token from My account → API tokens, for one organization.")),
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "caseway.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": str(
                _("The browser session, once both sign-in steps are passed. Changes also need the X-CSRFToken header.")
            ),
        }


class CasewaySchemaGenerator(SchemaGenerator):
    def _get_paths_and_endpoints(self):
        endpoints = super()._get_paths_and_endpoints()
        self.view_classes = {(path, method.lower()): view.__class__ for path, _regex, method, view in endpoints}
        return endpoints

    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        schema["info"]["description"] = str(API_DESCRIPTION)
        _add_error_responses(schema, getattr(self, "view_classes", {}))
        return schema


def _error_response(description, *, authenticate=False):
    response = {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}},
    }
    if authenticate:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string", "enum": ["Bearer"]}}}
    return response


def _add_error_responses(schema, view_classes):
    schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            # An unclassified view is documented as protected: the access matrix refuses it anyway.
            access = getattr(view_classes.get((path, method)), "caseway_access", None)
            responses = operation.setdefault("responses", {})
            if access != PUBLIC:
                responses.setdefault(
                    "401",
                    _error_response(
                        _("No valid credentials (every kind of failure looks the same)."), authenticate=True
                    ),
                )
            if access in {ROLE, OBJECT}:
                responses.setdefault("403", _error_response(_("Your role in this organization may not do this.")))
            if access == OBJECT or "{" in path:
                responses.setdefault("404", _error_response(_("Not found, or not visible to your organization.")))
            if "requestBody" in operation:
                responses.setdefault("400", _error_response(_("The request body is not valid.")))
                responses.setdefault("413", _error_response(_("The request body is too large.")))


# patched_settings changes spectacular's global settings while a schema is built: one build at a time.
_building = threading.Lock()


def get_schema() -> dict:
    """The schema in the active language; built once per language, since it only changes with the code.

    Callers must not modify the returned dict: it is shared.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _schema_for(language, get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=2 * len(settings.LANGUAGES))
def _schema_for(language: str, urlconf: str) -> dict:
    with _building, translation.override(language), patched_settings(SCHEMA_SETTINGS):
        return CasewaySchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
