"""Messages over the API (wired into /api/v1/ by caseway/api/urls.py): the same access helpers and
services as the pages. For integrations of the organizations on a case or a referral (a case
management system, a hotline's tool); nothing is reachable without access to the case or the
referral (404). Attachments are listed but read on the pages only.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.casework.plan_api import VALIDATION_ERROR
from caseway.lib.access import OBJECT
from caseway.lib.drf import api_validation_error
from caseway.messaging import access, thread_services
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    sent_at = serializers.DateTimeField(read_only=True)
    from_client = serializers.BooleanField(read_only=True)
    sender = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The member of staff who wrote it."))
    sender_organization = serializers.IntegerField(read_only=True, allow_null=True)
    body = serializers.CharField(read_only=True)
    read_by_other = serializers.BooleanField(read_only=True, help_text=_("Read by the other side."))
    attachments = AttachmentSerializer(many=True, read_only=True)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=thread_services.BODY_MAX_LENGTH)


def _payload(message) -> dict:
    return {
        "id": message.pk,
        "sent_at": message.sent_at,
        "from_client": message.from_client,
        "sender": message.sender_id,
        "sender_organization": message.sender_organization_id,
        "body": message.body,
        "read_by_other": bool(getattr(message, "read_by_other", False)),
        "attachments": [
            {"id": item.pk, "content_type": item.content_type, "size": item.size} for item in message.attachments.all()
        ],
    }


class ThreadApi(APIView):
    caseway_access = OBJECT
    caseway_action = Action.VIEW_PERSONAL_DATA
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]

    def send(self, service, **values):
        serializer = MessageCreateSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        try:
            message = service(
                actor=self.request.user,
                membership=self.request.membership,
                body=serializer.validated_data["body"],
                request=self.request,
                **values,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        message.read_by_other = False
        return Response(MessageSerializer(_payload(message)).data, status=status.HTTP_201_CREATED)


class CaseMessages(ThreadApi):
    @extend_schema(
        operation_id="messaging_case_messages_list",
        summary=_("Read the messages with a case's client"),
        description=_(
            "The thread between the case team and the client (portal), oldest first. Reading marks the "
            "client's messages read by you, and is audited."
        ),
        responses={200: MessageSerializer(many=True)},
    )
    def get(self, request, pk):
        case = access.get_case_for_messages(request.membership, pk)
        shown = thread_services.thread_read_by_staff(
            actor=request.user, membership=request.membership, case=case, request=request
        )
        return Response(MessageSerializer([_payload(message) for message in shown], many=True).data)

    @extend_schema(
        operation_id="messaging_case_messages_create",
        summary=_("Write to a case's client"),
        description=_("The client is told only that there is a new message, by a channel they agreed to."),
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = access.get_case_for_messages(request.membership, pk)
        return self.send(thread_services.message_to_client, case=case)


class ReferralMessages(ThreadApi):
    @extend_schema(
        operation_id="messaging_referral_messages_list",
        summary=_("Read the messages between the organizations of a referral"),
        description=_("Oldest first; only the sending and the receiving organization. Reading is audited."),
        responses={200: MessageSerializer(many=True)},
    )
    def get(self, request, pk):
        referral = access.get_referral_for_messages(request.membership, pk)
        shown = thread_services.referral_thread_read(
            actor=request.user, membership=request.membership, referral=referral, request=request
        )
        return Response(MessageSerializer([_payload(message) for message in shown], many=True).data)

    @extend_schema(
        operation_id="messaging_referral_messages_create",
        summary=_("Write to the other organization of a referral"),
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        referral = access.get_referral_for_messages(request.membership, pk)
        return self.send(thread_services.message_on_referral, referral=referral)
