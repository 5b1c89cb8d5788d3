"""Clients, consents and assessments over the API: the same services and access helpers as the pages.

A client is reached through the caller's organization's case for them (``access.case_of_client``):
another organization's client answers 404, like a missing one. What a response holds follows
``access``: identity only where ``access.can_see_identity`` allows (masked otherwise: sensitive
cases outside the case team, or a category the client did not consent to share with a referral
or linked organization), contact details only where the contact category is visible under the
same rule, assessments only in visible categories, consent answers only those
``consent.visible_consents`` shows. Reads that reveal an identity are audited.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, parsers, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway import audit
from caseway.clients import access, assessment_services, consent, instruments, services
from caseway.clients.models import (
    AgeBand,
    Assessment,
    Case,
    CaseStatus,
    Consent,
    ConsentPurpose,
    DataCategory,
    DisplacementStatus,
    Sex,
)
from caseway.directory.models import AdminArea
from caseway.lib.access import AUTHENTICATED, OBJECT, ROLE
from caseway.orgs.api import MembershipAllows
from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action

VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=_("The request is not valid: an object naming each field in error with its messages."),
)


def _api_validation_error(error: DjangoValidationError, prefix: str = "") -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {f"{prefix}{name}": [str(message) for message in messages] for name, messages in error}
    else:
        detail = {f"{prefix}non_field_errors" if prefix else "non_field_errors": [str(m) for m in error.messages]}
    return exceptions.ValidationError(detail)


# ---------------------------------------------------------------------------------------------
# What a client looks like to an organization


def client_payload(membership, case: Case, *, page=None) -> dict:
    """The client of ``case`` as ``membership`` may see it (decrypts only what is shown)."""
    client = case.client
    if page is not None:
        categories = page.categories_of(membership, case)
    else:
        categories = access.visible_categories(membership, case)
    shows_identity = access.can_see_identity(membership, case, categories, page=page)
    shows_contact = access.can_see_contact(membership, case, categories, page=page)
    return {
        "id": client.pk,
        "code": client.code,
        "display_name": access.display_name(membership, case, categories=categories, page=page),
        "case": case,
        "sex": client.sex,
        "age_band": client.age_band,
        "admin_area": client.admin_area.pcode,
        "displacement_status": client.displacement_status,
        "has_disability": client.has_disability,
        "disability_domains": client.disability_domains or [],
        "languages": client.languages or [],
        "children_count": client.children_count,
        "children_ages": client.children_ages or [],
        "cares_for_children": client.cares_for_children,
        "cares_for_others": client.cares_for_others,
        "categories": sorted(categories),
        "identity": (
            {
                "given_name": client.given_name,
                "family_name": client.family_name,
                "aliases": client.aliases,
                "birth_date": client.birth_date,
                "birth_date_is_estimated": client.birth_date_is_estimated,
                "nationality": client.nationality,
                "documents_held": client.documents_held,
            }
            if shows_identity
            else None
        ),
        "contact": {"phone": client.phone, "address": client.address} if shows_contact else None,
    }


def _shown_parts(payloads) -> list[str]:
    parts = set()
    for payload in payloads:
        if payload["identity"] is not None:
            parts.add("identity")
        if payload["contact"] is not None:
            parts.add("contact")
    return sorted(parts)


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True, help_text=_("Your organization's case for this client."))
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    origin = serializers.ChoiceField(choices=Case.Origin.choices, read_only=True)
    sensitivity = serializers.ChoiceField(choices=Case.Sensitivity.choices, read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class IdentitySerializer(serializers.Serializer):
    given_name = serializers.CharField(read_only=True, allow_null=True)
    family_name = serializers.CharField(read_only=True, allow_null=True)
    aliases = serializers.JSONField(read_only=True, allow_null=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    birth_date_is_estimated = serializers.BooleanField(read_only=True)
    nationality = serializers.CharField(read_only=True, allow_null=True)
    documents_held = serializers.JSONField(read_only=True, allow_null=True)


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField(read_only=True, allow_null=True)
    address = serializers.CharField(read_only=True, allow_null=True)


class ClientSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True, help_text=_("The client's identifier, used in the client's URLs."))
    code = serializers.CharField(read_only=True, help_text=_("The pseudonymous client code."))
    display_name = serializers.CharField(
        read_only=True, help_text=_("The client's name, or ••• where your organization may not see it.")
    )
    case = CaseSummarySerializer(read_only=True)
    sex = serializers.ChoiceField(choices=Sex.choices, read_only=True)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, read_only=True)
    admin_area = serializers.CharField(read_only=True, help_text=_("P-code of the client's area."))
    displacement_status = serializers.ChoiceField(choices=DisplacementStatus.choices, read_only=True)
    has_disability = serializers.BooleanField(read_only=True, allow_null=True)
    disability_domains = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    children_count = serializers.IntegerField(read_only=True, allow_null=True)
    children_ages = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    cares_for_children = serializers.BooleanField(read_only=True)
    cares_for_others = serializers.BooleanField(read_only=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        read_only=True,
        help_text=_("The categories of this client's data your organization may see."),
    )
    identity = IdentitySerializer(
        read_only=True, allow_null=True, help_text=_("Null where your organization may not see the identity.")
    )
    contact = ContactSerializer(
        read_only=True, allow_null=True, help_text=_("Null where your organization may not see contact details.")
    )


class WordingChoiceSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[(code, code) for code in consent.WORDING_LANGUAGES],
        default=consent.DEFAULT_WORDING_LANGUAGE,
        help_text=_("Language of the wording read out to the client."),
    )
    wording_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        help_text=_(
            "SHA-256 of the exact wording read out (see consent-wordings): proves what was agreed. "
            "It must be the current wording for the purpose and language."
        ),
    )


class AnswerSerializer(WordingChoiceSerializer):
    given_by = serializers.ChoiceField(choices=Consent.GivenBy.choices, default=Consent.GivenBy.CLIENT)
    caregiver_relationship = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    interpreter_language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


def _wording(purpose, data, field_prefix=""):
    try:
        wording = consent.wording_for(purpose, data["language"])
    except KeyError:
        raise exceptions.ValidationError(
            {f"{field_prefix}purpose": [_("No wording is shipped for this purpose.")]}
        ) from None
    if wording.sha256 != data["wording_sha256"]:
        raise exceptions.ValidationError(
            {f"{field_prefix}wording_sha256": [_("This is not the current wording for this purpose and language.")]}
        )
    return wording


def _answer_arguments(data) -> dict:
    return {
        "given_by": data["given_by"],
        "caregiver_relationship": data["caregiver_relationship"],
        "method": data["method"],
        "interpreter_language": data["interpreter_language"].strip().lower(),
    }


class ClientCreateSerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_band = serializers.ChoiceField(
        choices=AgeBand.choices, required=False, help_text=_("Required unless birth_date is given.")
    )
    admin_area = serializers.CharField(max_length=20, help_text=_("P-code of the client's area."))
    displacement_status = serializers.ChoiceField(choices=DisplacementStatus.choices, required=False)
    has_disability = serializers.BooleanField(required=False, allow_null=True)
    languages = serializers.ListField(
        child=serializers.RegexField(consent.LANGUAGE_CODE.pattern, max_length=10), max_length=10, required=False
    )
    children_count = serializers.IntegerField(min_value=0, max_value=30, required=False, allow_null=True)
    children_ages = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=17), max_length=30, required=False
    )
    cares_for_children = serializers.BooleanField(required=False)
    cares_for_others = serializers.BooleanField(required=False)
    given_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), max_length=10, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_date_is_estimated = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=100, required=False, allow_blank=True)
    documents_held = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    sensitivity = serializers.ChoiceField(choices=Case.Sensitivity.choices, default=Case.Sensitivity.STANDARD)
    consent = AnswerSerializer(
        help_text=_("The client's agreement to receive services from your organization, given now.")
    )

    def validate_admin_area(self, value):
        area = AdminArea.objects.filter(pcode=value).first()
        if area is None:
            raise exceptions.ValidationError(_("No area has this P-code."))
        return area

    def validate(self, attrs):
        if not attrs.get("age_band") and not attrs.get("birth_date"):
            raise exceptions.ValidationError({"age_band": [_("Give an age group or a date of birth.")]})
        return attrs


class ConsentWordingSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    language = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class ConsentRecipientSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices, read_only=True)
    granted = serializers.BooleanField(read_only=True)
    status = serializers.ChoiceField(
        choices=[
            (value, value)
            for value in (
                consent.Status.IN_FORCE,
                consent.Status.REFUSED,
                consent.Status.REVOKED,
                consent.Status.EXPIRED,
                consent.Status.REPLACED,
            )
        ],
        read_only=True,
    )
    recipient = ConsentRecipientSerializer(read_only=True, allow_null=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=DataCategory.choices), read_only=True)
    contact_methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.ContactMethod.choices),
        read_only=True,
        help_text=_("Empty where your organization may not see contact details."),
    )
    safe_times = serializers.CharField(read_only=True)
    given_by = serializers.ChoiceField(choices=Consent.GivenBy.choices, read_only=True)
    caregiver_relationship = serializers.CharField(read_only=True)
    method = serializers.ChoiceField(choices=Consent.Method.choices, read_only=True)
    interpreter_language = serializers.CharField(read_only=True)
    recorded_by_your_organization = serializers.BooleanField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    wording = ConsentWordingSerializer(read_only=True)


def consent_payload(membership, answer: Consent, every_answer, *, shows_contact: bool, at) -> dict:
    return {
        "id": answer.pk,
        "purpose": answer.purpose,
        "granted": answer.granted,
        "status": consent.status_of(answer, every_answer, at=at),
        "recipient": {"id": answer.recipient_id, "name": answer.recipient.name} if answer.recipient_id else None,
        "categories": list(answer.categories or []),
        "contact_methods": list(answer.contact_methods or []) if shows_contact else [],
        "safe_times": answer.safe_times if shows_contact else "",
        "given_by": answer.given_by,
        "caregiver_relationship": answer.caregiver_relationship,
        "method": answer.method,
        "interpreter_language": answer.interpreter_language,
        "recorded_by_your_organization": answer.recorded_by_organization_id == membership.organization_id,
        "recorded_at": answer.recorded_at,
        "expires_at": answer.expires_at,
        "revoked_at": answer.revoked_at,
        "wording": answer.wording,
    }


class ConsentCreateSerializer(AnswerSerializer):
    purpose = serializers.ChoiceField(
        choices=ConsentPurpose.choices, help_text=_("Portal use is agreed in the portal enrolment, not here.")
    )
    granted = serializers.BooleanField(help_text=_("true: the client agrees; false: the client refuses."))
    recipient = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=_("For referral and sharing: the id of the organization that receives."),
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), max_length=len(DataCategory.values), required=False
    )
    contact_methods = serializers.ListField(
        child=serializers.ChoiceField(choices=Consent.ContactMethod.choices), max_length=4, required=False
    )
    safe_times = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_purpose(self, value):
        if value == ConsentPurpose.PORTAL:
            raise exceptions.ValidationError(_("Portal use is agreed in the portal enrolment."))
        return value

    def validate_recipient(self, value):
        if value is None:
            return None
        organization = Organization.objects.filter(pk=value, is_active=True).first()
        if organization is None:
            raise exceptions.ValidationError(_("No active organization has this id."))
        return organization


class ConsentRevokeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=_("Do not write names or details.")
    )


class InstrumentRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    category = serializers.CharField(read_only=True, help_text=_("The data category of its results."))


class AssessmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    instrument = InstrumentRefSerializer(read_only=True)
    stage = serializers.ChoiceField(choices=Assessment.Stage.choices, read_only=True)
    assessed_at = serializers.DateTimeField(read_only=True)
    score = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    band = serializers.CharField(read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    answers = serializers.JSONField(read_only=True)
    interpreter_language = serializers.CharField(read_only=True)


def _instrument_choices():
    return [(code, code) for code in sorted({ref.code for ref in instruments.available()})]


class AssessmentCreateSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(
        choices=_instrument_choices(), help_text=_("Code of a shipped instrument; its latest version is used.")
    )
    stage = serializers.ChoiceField(choices=Assessment.Stage.choices, default=Assessment.Stage.BASELINE)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_("Item code → option value or option code, as the instrument defines them."),
    )
    interpreter_language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Views


class ClientApiMixin:
    caseway_action = Action.VIEW_PERSONAL_DATA
    permission_classes = [permissions.IsAuthenticated, MembershipAllows]

    def membership(self):
        return self.request.membership

    def case(self):
        return access.case_of_client(self.request.membership, self.kwargs["pk"])


def _require(membership, action):
    if not membership.allows(action):
        raise PermissionDenied


class ClientList(ClientApiMixin, generics.GenericAPIView):
    caseway_access = ROLE
    serializer_class = ClientSerializer

    def get_queryset(self):
        return (
            access.visible_cases(self.request.membership)
            .select_related("client__admin_area", "client__data_key")
            .order_by("-opened_at", "pk")
        )

    @extend_schema(
        operation_id="clients_list",
        summary=_("List your organization's clients"),
        description=_(
            "Clients your organization has a case for, newest case first. Names and contact details only where "
            "your organization and role may see them; otherwise display_name is masked and identity is null. "
            "Paginated with limit (at most 100) and offset."
        ),
        responses={200: ClientSerializer(many=True)},
    )
    def get(self, request):
        membership = request.membership
        cases = self.paginate_queryset(self.get_queryset())
        page = access.page_access(membership, cases)
        payloads = [client_payload(membership, case, page=page) for case in cases]
        parts = _shown_parts(payloads)
        if parts:
            audit.record(request.user, "clients.clients_listed", None, fields=parts, request=request)
        return self.get_paginated_response(ClientSerializer(payloads, many=True).data)

    @extend_schema(
        operation_id="clients_create",
        summary=_("Register a client"),
        description=_(
            "Registers a client and opens your organization's case, with the client's agreement to receive "
            "services recorded in the same step (nothing is written without it). Only sex, area and an age group "
            "(or a date of birth) are required: services come before data."
        ),
        request=ClientCreateSerializer,
        responses={201: ClientSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request):
        membership = request.membership
        _require(membership, Action.REGISTER_CLIENTS)
        serializer = ClientCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        answer = data.pop("consent")
        sensitivity = data.pop("sensitivity")
        values = {name: value for name, value in data.items() if value not in ("", None)}
        with transaction.atomic():
            wording = _wording(ConsentPurpose.SERVICES, answer, "consent.")
            try:
                case = services.client_register(
                    actor=request.user, membership=membership, values=values, sensitivity=sensitivity, request=request
                )
            except DjangoValidationError as error:
                raise _api_validation_error(error) from None
            try:
                consent.consent_record(
                    actor=request.user,
                    membership=membership,
                    client=case.client,
                    purpose=ConsentPurpose.SERVICES,
                    granted=True,
                    wording=wording,
                    request=request,
                    **_answer_arguments(answer),
                )
            except DjangoValidationError as error:
                raise _api_validation_error(error, "consent.") from None
        case = access.get_case_for_member(membership, case.pk)
        payload = client_payload(membership, case)
        return Response(ClientSerializer(payload).data, status=status.HTTP_201_CREATED)


class ClientDetail(ClientApiMixin, APIView):
    caseway_access = OBJECT

    @extend_schema(
        operation_id="clients_retrieve",
        summary=_("Show a client"),
        description=_(
            "One client of your organization, as your organization and role may see them. Clients of other "
            "organizations answer 404, like missing ones."
        ),
        responses={200: ClientSerializer},
    )
    def get(self, request, pk):
        case = self.case()
        payload = client_payload(request.membership, case)
        parts = _shown_parts([payload])
        if parts:
            audit.record(request.user, "clients.client_viewed", case.client, fields=parts, request=request)
        return Response(ClientSerializer(payload).data)


def consent_payloads(membership, case, answers) -> list[dict]:
    # A status needs every answer to the same question, shown or not (a newer one may replace it).
    every_answer = list(Consent.objects.filter(client_id=case.client_id))
    shows_contact = access.can_see_contact(membership, case)
    now = timezone.now()
    return [
        consent_payload(membership, answer, every_answer, shows_contact=shows_contact, at=now) for answer in answers
    ]


class ConsentList(ClientApiMixin, generics.GenericAPIView):
    caseway_access = OBJECT
    serializer_class = ConsentSerializer

    @extend_schema(
        operation_id="clients_consents_list",
        summary=_("List a client's consent answers"),
        description=_(
            "The client's answers your organization may see: those it recorded or that name it, and the "
            "network-wide ones (statistics, contact), newest first, with the wording each was given to and its "
            "SHA-256. Never answers addressed to a third organization."
        ),
        responses={200: ConsentSerializer(many=True)},
    )
    def get(self, request, pk):
        case = self.case()
        answers = self.paginate_queryset(consent.visible_consents(request.membership, case))
        return self.get_paginated_response(
            ConsentSerializer(consent_payloads(request.membership, case, answers), many=True).data
        )

    @extend_schema(
        operation_id="clients_consents_create",
        summary=_("Record a consent answer"),
        description=_(
            "Records one answer (an agreement or a refusal) of the client, as the consent page does. Referral and "
            "sharing name the receiving organization; sharing names the categories of information. An answer is "
            "never edited: record a new one, or revoke an agreement."
        ),
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        membership = request.membership
        _require(membership, Action.REGISTER_CLIENTS)
        case = self.case()
        serializer = ConsentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        wording = _wording(data["purpose"], data)
        try:
            answer = consent.consent_record(
                actor=request.user,
                membership=membership,
                client=case.client,
                purpose=data["purpose"],
                granted=data["granted"],
                recipient=data.get("recipient"),
                categories=data.get("categories") or (),
                contact_methods=data.get("contact_methods") or (),
                safe_times=data["safe_times"],
                expires_at=data.get("expires_at"),
                wording=wording,
                request=request,
                **_answer_arguments(data),
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(
            ConsentSerializer(consent_payloads(membership, case, [answer])[0]).data, status=status.HTTP_201_CREATED
        )


class ConsentRevoke(ClientApiMixin, APIView):
    caseway_access = OBJECT
    # The body is optional (a note); a plain form post is read too, like the page's withdrawal form.
    parser_classes = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]

    @extend_schema(
        operation_id="clients_consents_revoke",
        summary=_("Withdraw a consent agreement"),
        description=_(
            "Withdraws an agreement at once, everywhere. Withdrawing one already withdrawn changes nothing. "
            "A refusal cannot be withdrawn: record a new answer instead."
        ),
        request={"application/json": ConsentRevokeSerializer},
        responses={200: ConsentSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk, consent_pk):
        membership = request.membership
        _require(membership, Action.REGISTER_CLIENTS)
        case = self.case()
        answer = consent.visible_consents(membership, case).filter(pk=consent_pk).first()
        if answer is None:
            raise exceptions.NotFound()
        serializer = ConsentRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            answer = consent.consent_revoke(
                actor=request.user,
                membership=membership,
                consent=answer,
                note=serializer.validated_data["note"],
                request=request,
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(ConsentSerializer(consent_payloads(membership, case, [answer])[0]).data)


def assessment_payload(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk,
        "instrument": assessment.instrument,
        "stage": assessment.stage,
        "assessed_at": assessment.assessed_at,
        "score": assessment.score,
        "band": assessment.band,
        "flags": assessment.flags or [],
        "answers": assessment.answers,
        "interpreter_language": assessment.interpreter_language,
    }


class AssessmentList(ClientApiMixin, generics.GenericAPIView):
    caseway_access = OBJECT
    serializer_class = AssessmentSerializer

    @extend_schema(
        operation_id="clients_assessments_list",
        summary=_("List a client's assessments"),
        description=_(
            "Your organization's scored assessments of the client, oldest first, in the categories your "
            "organization may see (a referral or linked organization: only those the client consented to share)."
        ),
        responses={200: AssessmentSerializer(many=True)},
    )
    def get(self, request, pk):
        case = self.case()
        categories = access.visible_categories(request.membership, case)
        assessments = (
            Assessment.objects.filter(case=case, instrument__category__in=categories)
            .select_related("instrument", "data_key")
            .order_by("assessed_at", "pk")
        )
        page = self.paginate_queryset(assessments)
        if page:
            audit.record(request.user, "clients.assessments_viewed", case.client, fields=["answers"], request=request)
        return self.get_paginated_response(
            AssessmentSerializer([assessment_payload(item) for item in page], many=True).data
        )

    @extend_schema(
        operation_id="clients_assessments_create",
        summary=_("Record an assessment"),
        description=_(
            "Scores the answers with the instrument's published rules and stores them, as the assessment pages "
            "do, then applies what the result requires: needs, disability, risk level, a required safety plan, "
            "alerts to supervisors and tasks for the caseworker. Only in categories your organization may see. "
            "Refused (400) while the case needs a safety plan after an imminent risk, as on the pages."
        ),
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            assessment = assessment_services.assessment_record(
                actor=request.user,
                membership=request.membership,
                case=case,
                instrument_code=data["instrument"],
                answers=data["answers"],
                stage=data["stage"],
                interpreter_language=data["interpreter_language"].strip().lower(),
                request=request,
            )
        except DjangoValidationError as error:
            raise _api_validation_error(error) from None
        return Response(AssessmentSerializer(assessment_payload(assessment)).data, status=status.HTTP_201_CREATED)


class ConsentWordingList(APIView):
    caseway_access = AUTHENTICATED

    @extend_schema(
        operation_id="consent_wordings_list",
        summary=_("Consent wordings"),
        description=_(
            "The current wording to read out for each consent purpose, in each shipped language, with the SHA-256 "
            "to send back when recording the answer."
        ),
        responses={
            200: inline_serializer(
                "ConsentWordingText",
                {
                    "purpose": serializers.ChoiceField(choices=ConsentPurpose.choices),
                    "language": serializers.CharField(),
                    "text": serializers.CharField(),
                    "sha256": serializers.CharField(),
                },
                many=True,
            )
        },
    )
    def get(self, request):
        rows = []
        for language in consent.WORDING_LANGUAGES:
            for purpose in ConsentPurpose.values:
                text = consent.shipped_text(purpose, language)
                rows.append(
                    {"purpose": purpose, "language": language, "text": text, "sha256": consent.text_digest(text)}
                )
        return Response(rows)
