"""Case notes over the API (wired by casework/api_urls.py into /api/v1/): the same access helpers
and services as the pages.

The list gives kind, date, author and readers, never the text; a note's text is read one note at
a time, and that read is audited. A note the caller may not read (a supervision note for a
caseworker, say) answers 404, like one that does not exist. A correction is a new note naming
the one it corrects (``corrects``); nothing is edited or deleted.
"""

from django.db.models import Exists, OuterRef
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from caseway.casework import access, note_services
from caseway.casework.models import CaseNote
from caseway.casework.plan_api import VALIDATION_ERROR, CaseApiMixin


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices, read_only=True)
    confidentiality = serializers.ChoiceField(choices=CaseNote.Confidentiality.choices, read_only=True)
    author = serializers.IntegerField(read_only=True, allow_null=True)
    written_at = serializers.DateTimeField(read_only=True)
    corrects = serializers.UUIDField(read_only=True, allow_null=True, help_text=_("The note this one corrects."))
    corrected = serializers.BooleanField(read_only=True, help_text=_("A newer note corrects this one."))


class NoteDetailSerializer(NoteSerializer):
    text = serializers.CharField(read_only=True)


class NoteCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=CaseNote.Kind.choices,
        required=False,
        help_text=_("Required for a new note; a correction keeps the kind of the note it corrects."),
    )
    confidentiality = serializers.ChoiceField(
        choices=CaseNote.Confidentiality.choices,
        required=False,
        default=CaseNote.Confidentiality.CASE_TEAM,
        help_text=_(
            "Who may read it. Only supervisors write supervision notes and notes for supervisors only; "
            "supervision notes are always for supervisors only."
        ),
    )
    text = serializers.CharField(max_length=note_services.TEXT_MAX_LENGTH)
    corrects = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text=_("To correct a note: its id (same kind and readers).")
    )

    def validate(self, attrs):
        if attrs.get("corrects") is None and not attrs.get("kind"):
            raise serializers.ValidationError({"kind": [_("Choose a kind of note from the list.")]})
        return attrs


def note_payload(note, *, text=False) -> dict:
    payload = {
        "id": note.pk,
        "kind": note.kind,
        "confidentiality": note.confidentiality,
        "author": note.author_id,
        "written_at": note.written_at,
        "corrects": note.corrects_id,
        "corrected": bool(getattr(note, "is_corrected", False)),
    }
    if text:
        payload["text"] = note.text
    return payload


def _with_corrected(notes):
    return notes.annotate(is_corrected=Exists(CaseNote.objects.filter(corrects=OuterRef("pk"))))


class NoteList(CaseApiMixin, generics.GenericAPIView):
    serializer_class = NoteSerializer

    @extend_schema(
        operation_id="casework_notes_list",
        summary=_("List a case's notes"),
        description=_("The notes you may read, newest first, without their text (read a note for it)."),
        responses={200: NoteSerializer(many=True)},
    )
    def get(self, request, pk):
        case = self.case()
        notes = _with_corrected(access.visible_notes(request.membership, case).defer("text")).order_by(
            "-written_at", "-pk"
        )
        page = self.paginate_queryset(notes)
        return self.get_paginated_response(NoteSerializer([note_payload(note) for note in page], many=True).data)

    @extend_schema(
        operation_id="casework_notes_create",
        summary=_("Write or correct a note"),
        description=_(
            "A new note, or with corrects a correction of a note you may read (the original stays, marked "
            "corrected; only its newest version can be corrected). Notes are never edited or deleted."
        ),
        request=NoteCreateSerializer,
        responses={201: NoteDetailSerializer, 400: VALIDATION_ERROR},
    )
    def post(self, request, pk):
        case = self.case()
        serializer = NoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["corrects"] is not None:
            original = access.get_note(request.membership, case, data["corrects"])
            note = self.call(note_services.note_correct, case, note=original, text=data["text"])
        else:
            note = self.call(
                note_services.note_write,
                case,
                kind=data["kind"],
                confidentiality=data["confidentiality"],
                text=data["text"],
            )
        return Response(NoteDetailSerializer(note_payload(note, text=True)).data, status=status.HTTP_201_CREATED)


class NoteDetail(CaseApiMixin, APIView):
    @extend_schema(
        operation_id="casework_notes_retrieve",
        summary=_("Read a note"),
        description=_("One note you may read, with its text. The read is audited."),
        responses={200: NoteDetailSerializer},
    )
    def get(self, request, pk, note_pk):
        membership = request.membership
        case = self.case()
        access.get_note(membership, case, note_pk)  # 404 first, whatever the query below
        note = _with_corrected(access.visible_notes(membership, case).select_related("data_key")).get(pk=note_pk)
        note_services.note_read(actor=request.user, membership=membership, notes=[note], request=request)
        return Response(NoteDetailSerializer(note_payload(note, text=True)).data)


urlpatterns = [
    path("cases/<uuid:pk>/notes/", NoteList.as_view(), name="casework_notes"),
    path("cases/<uuid:pk>/notes/<uuid:note_pk>/", NoteDetail.as_view(), name="casework_note"),
]
