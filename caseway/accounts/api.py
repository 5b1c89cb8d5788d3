"""``/api/v1/me/``: who the caller is, and which organization and role the request acts as.

Memberships live in ``orgs``, a floor above this app, so nothing here imports it: the view reads
``request.membership`` and ``request.memberships``, which the orgs middleware (sessions) or the
token authentication (tokens) put on the request.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.lib.access import AUTHENTICATED


class MeOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    acronym = serializers.CharField(read_only=True)


class MeMembershipSerializer(serializers.Serializer):
    organization = MeOrganizationSerializer(read_only=True)
    role = serializers.CharField(
        read_only=True, help_text=_("Role code from the role table, for example caseworker or supervisor.")
    )
    role_label = serializers.CharField(
        source="get_role_display", read_only=True, help_text=_("The role's name in the request's language.")
    )


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    membership = MeMembershipSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The organization and role this request acts as; null when the caller has no active membership."),
    )
    memberships = MeMembershipSerializer(
        many=True,
        read_only=True,
        help_text=_("Every active membership of a browser session; for a token, only the token's own membership."),
    )
    token_authenticated = serializers.BooleanField(
        read_only=True, help_text=_("True when the request was authenticated with an API token.")
    )
    token_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("When the token stops working; null for a browser session.")
    )


class MeView(APIView):
    caseway_access = AUTHENTICATED
    serializer_class = MeSerializer

    @extend_schema(
        operation_id="me_retrieve",
        summary=_("Who am I"),
        description=_(
            "The signed-in person, the organization and role this request acts as, and how the request "
            "was authenticated. Call it first to check a token: it shows the token's organization and expiry."
        ),
        responses={200: MeSerializer},
    )
    def get(self, request):
        token = getattr(request, "api_token", None)
        me = {
            "email": request.user.email,
            "display_name": request.user.display_name,
            "membership": getattr(request, "membership", None),
            "memberships": getattr(request, "memberships", []),
            "token_authenticated": token is not None,
            "token_expires_at": token.expires_at if token is not None else None,
        }
        return Response(MeSerializer(me).data)
