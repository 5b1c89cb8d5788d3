"""Read-only organizations API: the network's directory of member organizations.

There is deliberately no API for API tokens: they are created and revoked only in the web
interface, after re-authentication, so a stolen token cannot mint or extend others.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers

from caseway import audit
from caseway.lib.access import ROLE
from caseway.orgs.access import visible_organizations
from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action


class MembershipAllows(permissions.BasePermission):
    """The acting membership's role allows the view's ``caseway_action``: the role table decides.

    Refusals are audited, like the HTML 403 page does.
    """

    def has_permission(self, request, view):
        membership = getattr(request, "membership", None)
        if membership is not None and membership.allows(view.caseway_action):
            return True
        if request.user.is_authenticated:
            audit.record(
                request.user, "access.permission_denied", None, fields=[str(view.caseway_action)], request=request
            )
        return False


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "acronym", "type", "country"]
        read_only_fields = fields


class OrganizationApiMixin:
    caseway_access = ROLE
    caseway_action = Action.VIEW_ORGANIZATIONS
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]
    serializer_class = OrganizationSerializer

    def get_queryset(self):
        # pk breaks ties so that pages never overlap or skip a row.
        return visible_organizations(self.request.user).order_by("name", "pk")


class OrganizationList(OrganizationApiMixin, generics.ListAPIView):
    @extend_schema(
        summary=_("List organizations"),
        description=_(
            "The active organizations of the network, by name. Paginated with limit (at most 100) and offset."
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrganizationDetail(OrganizationApiMixin, generics.RetrieveAPIView):
    @extend_schema(
        summary=_("Show an organization"),
        description=_("One active organization of the network. Inactive or unknown ones answer 404."),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
