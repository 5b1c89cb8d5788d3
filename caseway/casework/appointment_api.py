"""The casework appointment API (wired by casework/api_urls.py into /api/v1/).

The same access helpers and services as the pages: a case through ``casework.access``, an
appointment through ``appointment_access`` (another organization's: 404, like a missing one).
A change the appointment's status or the clock does not allow answers 409; a refused value 400,
naming the field. The place is returned only to whoever may see the client's contact details.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.casework import access, appointment_access, appointment_services
from caseway.casework.models import Appointment
from caseway.clients import access as client_access
from caseway.lib.access import OBJECT
from caseway.lib.drf import api_validation_error
from caseway.orgs.api import MembershipAllows
from caseway.orgs.permissions import Action

FORM_PARSERS = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]
LIST_LIMIT = 200
VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description=_("The request is not valid: an object naming each field with its messages.")
)
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_("The appointment's status or time does not allow this now (for example, already cancelled)."),
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The appointment's status does not allow this now.")
    default_code = "not_now"


class AppointmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    case = serializers.UUIDField(read_only=True)
    client_code = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices, read_only=True)
    mode = serializers.ChoiceField(choices=Appointment.Mode.choices, read_only=True)
    status = serializers.ChoiceField(choices=Appointment.Status.choices, read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    staff = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("The staff member's user id."))
    place = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Null where you may not see the client's contact details.")
    )
    interpreter_language = serializers.CharField(read_only=True)
    childcare_needed = serializers.BooleanField(read_only=True)
    childcare_provided = serializers.BooleanField(read_only=True)
    transport_needed = serializers.BooleanField(read_only=True)
    transport_support = serializers.CharField(read_only=True, help_text=_("stipend, voucher or empty."))
    transport_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    transport_currency = serializers.CharField(read_only=True)
    cancel_reason = serializers.CharField(read_only=True)
    rescheduled_from = serializers.UUIDField(read_only=True, allow_null=True)


def appointment_payload(appointment, *, show_place: bool) -> dict:
    return {
        "id": appointment.pk,
        "case": appointment.case_id,
        "client_code": appointment.case.client.code,
        "kind": appointment.kind,
        "mode": appointment.mode,
        "status": appointment.status,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "staff": appointment.staff_id,
        "place": (appointment.place or "") if show_place else None,
        "interpreter_language": appointment.interpreter_language,
        "childcare_needed": appointment.childcare_needed,
        "childcare_provided": appointment.childcare_provided,
        "transport_needed": appointment.transport_needed,
        "transport_support": appointment.transport_support,
        "transport_amount": appointment.transport_amount,
        "transport_currency": appointment.transport_currency,
        "cancel_reason": appointment.cancel_reason,
        "rescheduled_from": appointment.rescheduled_from_id,
    }


class WhenSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("With a time zone offset; without one, the site's clock."))
    ends_at = serializers.DateTimeField()
    staff = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=_("User id of a staff member of the case's organization; by default you (or, moving, the same)."),
    )


class AppointmentCreateSerializer(WhenSerializer):
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices)
    mode = serializers.ChoiceField(choices=Appointment.Mode.choices, default=Appointment.Mode.IN_PERSON)
    place = serializers.CharField(
        max_length=appointment_services.PLACE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    interpreter_language = serializers.CharField(
        max_length=appointment_services.LANGUAGE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    childcare_needed = serializers.BooleanField(required=False, default=False)
    childcare_provided = serializers.BooleanField(required=False, default=False)
    childcare_where = serializers.CharField(
        max_length=appointment_services.PLACE_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    transport_needed = serializers.BooleanField(required=False, default=False)
    transport_support = serializers.ChoiceField(
        choices=Appointment.TransportSupport.choices, required=False, allow_blank=True, default=""
    )
    transport_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    transport_currency = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=list(appointment_services.CANCEL_REASONS.items()))


class AttendedSerializer(serializers.Serializer):
    childcare_provided = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Null: unchanged.")
    )
    transport_given = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_("Whether the planned stipend or voucher was given (then recorded as a support payment)."),
    )


class EmptySerializer(serializers.Serializer):
    pass


def _staff(data):
    if not data.get("staff"):
        return None
    staff = get_user_model().objects.filter(pk=data["staff"]).first()
    if staff is None:
        raise exceptions.ValidationError({"staff": [_("No staff member has this id.")]})
    return staff


class CaseworkApiMixin:
    caseway_access = OBJECT
    caseway_action = Action.VIEW_PERSONAL_DATA
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]
    parser_classes = FORM_PARSERS


def _answer(request, appointment, code=status.HTTP_200_OK):
    membership = request.membership
    appointment = appointment_access.get_appointment(membership, appointment.pk)
    show_place = client_access.can_see_contact(membership, appointment.case)
    return Response(AppointmentSerializer(appointment_payload(appointment, show_place=show_place)).data, status=code)


class CaseAppointments(CaseworkApiMixin, APIView):
    @extend_schema(
        operation_id="case_appointments_list",
        summary=_("List a case's appointments"),
        description=_("The appointments of one of your organization's cases, latest first (at most 200)."),
        responses={200: AppointmentSerializer(many=True)},
    )
    def get(self, request, pk):
        membership = request.membership
        case = access.get_case(membership, pk)
        show_place = client_access.can_see_contact(membership, case)
        rows = case.appointments.order_by("-starts_at", "pk")[:LIST_LIMIT]
        for row in rows:
            row.case = case
        payload = [appointment_payload(row, show_place=show_place) for row in rows]
        return Response(AppointmentSerializer(payload, many=True).data)

    @extend_schema(
        operation_id="case_appointments_create",
        summary=_("Book an appointment"),
        description=_(
            "With the client of one of your organization's cases: kind, time, mode, place, interpreter, "
            "childcare and transport support."
        ),
        request=AppointmentCreateSerializer,
        responses={201: AppointmentSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        membership = request.membership
        case = access.get_case(membership, pk)
        serializer = AppointmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        details = {name: data[name] for name in appointment_services.DETAIL_FIELDS}
        try:
            appointment = appointment_services.appointment_book(
                actor=request.user,
                membership=membership,
                case=case,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                staff=_staff(data),
                request=request,
                **details,
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return _answer(request, appointment, status.HTTP_201_CREATED)


class AppointmentAction(CaseworkApiMixin, APIView):
    """One change of an appointment: validate the body, call the service, answer the appointment."""

    body = EmptySerializer
    service = None

    def arguments(self, data) -> dict:
        return {}

    def post(self, request, pk):
        membership = request.membership
        appointment = appointment_access.get_appointment(membership, pk)
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = self.service(
                actor=request.user,
                membership=membership,
                appointment=appointment,
                request=request,
                **self.arguments(serializer.validated_data),
            )
        except appointment_services.NotNow as error:
            raise Conflict(" ".join(error.messages)) from None
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return _answer(request, result)


def _action_schema(operation_id, summary, description, body=None):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        request={"application/json": body} if body else None,
        responses={200: AppointmentSerializer, 400: VALIDATION_ERROR, 409: CONFLICT},
    )


class AppointmentReschedule(AppointmentAction):
    body = WhenSerializer
    service = staticmethod(appointment_services.appointment_reschedule)

    def arguments(self, data):
        return {"starts_at": data["starts_at"], "ends_at": data["ends_at"], "staff": _staff(data)}

    @_action_schema(
        "appointments_reschedule",
        _("Move an appointment"),
        _("A new appointment takes the scheduled one's place at the new time; the old one is kept as rescheduled."),
        WhenSerializer,
    )
    def post(self, request, pk):
        return super().post(request, pk)


class AppointmentCancel(AppointmentAction):
    body = CancelSerializer
    service = staticmethod(appointment_services.appointment_cancel)

    def arguments(self, data):
        return {"reason": data["reason"]}

    @_action_schema("appointments_cancel", _("Cancel an appointment"), _("With a coded reason."), CancelSerializer)
    def post(self, request, pk):
        return super().post(request, pk)


class AppointmentAttended(AppointmentAction):
    body = AttendedSerializer
    service = staticmethod(appointment_services.appointment_attended)

    def arguments(self, data):
        return {"childcare_provided": data["childcare_provided"], "transport_given": data["transport_given"]}

    @_action_schema(
        "appointments_attended",
        _("Record that the client came"),
        _(
            "Once the appointment has started. A planned transport stipend or voucher is recorded as a support "
            "payment at the same time, unless transport_given is false."
        ),
        AttendedSerializer,
    )
    def post(self, request, pk):
        return super().post(request, pk)


class AppointmentNoShow(AppointmentAction):
    service = staticmethod(appointment_services.appointment_no_show)

    @_action_schema(
        "appointments_no_show", _("Record that the client did not come"), _("Once the appointment has started.")
    )
    def post(self, request, pk):
        return super().post(request, pk)


urlpatterns = [
    path("cases/<uuid:pk>/appointments/", CaseAppointments.as_view(), name="case_appointments"),
    path("appointments/<uuid:pk>/reschedule/", AppointmentReschedule.as_view(), name="appointment_reschedule"),
    path("appointments/<uuid:pk>/cancel/", AppointmentCancel.as_view(), name="appointment_cancel"),
    path("appointments/<uuid:pk>/attended/", AppointmentAttended.as_view(), name="appointment_attended"),
    path("appointments/<uuid:pk>/no-show/", AppointmentNoShow.as_view(), name="appointment_no_show"),
]
