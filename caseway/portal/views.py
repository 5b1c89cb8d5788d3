"""The portal's pages: thin, each through ``services`` / ``messaging.thread_services``.

Every page works without JavaScript, shows only neutral words in its title and address, and is
never cached (middleware). A signed-in client reaches only their own rows, through
``request.portal_account``.
"""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.clients import consent, export
from caseway.directory.access import public_services
from caseway.directory.models import Language, Location
from caseway.lib import uploads
from caseway.lib.access import portal_client, public
from caseway.lib.forms import add_service_errors
from caseway.messaging import texts, thread_services
from caseway.messaging.forms import send_from_form
from caseway.portal import access, document_services, request_services, services, session
from caseway.portal.forms import (
    AppointmentChangeForm,
    AppointmentRequestForm,
    CodeForm,
    DocumentForm,
    MessageForm,
    SignInForm,
    StartForm,
)
from caseway.portal.models import AppointmentRequest

NUMBER_COOKIE_DAYS = 90
HISTORY_SHOWN = 20


def _address(request) -> str:
    # REMOTE_ADDR, as the audit log reads it: a trusted proxy rewrites it (the deployment's job).
    return request.META.get("REMOTE_ADDR", "")


def _remember_number(response, request, account, shared_device):
    if shared_device:
        response.delete_cookie(session.NUMBER_COOKIE, path="/portal/")
    else:
        response.set_cookie(
            session.NUMBER_COOKIE,
            account.number,
            max_age=NUMBER_COOKIE_DAYS * 86400,
            path="/portal/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


@public
def sign_in(request):
    if getattr(request, "portal_account", None) is not None:
        return redirect("portal:home")
    expired = request.session.pop(session.EXPIRED, False)
    if request.method == "POST":
        form = SignInForm(request.POST)
        if form.is_valid():
            shared = form.cleaned_data["shared_device"]
            address = _address(request)
            try:
                services.check_address(address)
                account = services.sign_in(
                    number=form.cleaned_data["number"],
                    pin=form.cleaned_data["pin"],
                    device=session.device_of(request),
                    shared_device=shared,
                )
            except services.SignInRefused as refusal:
                services.note_address_failure(address)
                form.add_error(None, refusal.message)
            else:
                if getattr(account, "needs_code", False):
                    session.wait_for_code(request, account, shared_device=shared)
                    return redirect("portal:login_code")
                session.start(request, account, shared_device=shared)
                return _remember_number(redirect("portal:home"), request, account, shared)
    else:
        remembered = request.COOKIES.get(session.NUMBER_COOKIE, "")
        form = SignInForm(initial={"number": services.format_number(remembered) if remembered.isdigit() else ""})
    return render(request, "portal/sign_in.html", {"form": form, "expired": expired})


@public
def sign_in_code(request):
    """The second step, for a client who added the second lock: the code their app shows."""
    waiting = session.pending(request)
    if waiting is None:
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = _address(request)
        try:
            services.check_address(address)
            account = services.sign_in_code(
                account_pk=waiting["account"],
                code=form.cleaned_data["code"],
                device=session.device_of(request),
                shared_device=waiting["shared"],
            )
        except services.SignInRefused as refusal:
            services.note_address_failure(address)
            form.add_error(None, refusal.message)
        else:
            session.start(request, account, shared_device=waiting["shared"])
            return _remember_number(redirect("portal:home"), request, account, waiting["shared"])
    return render(request, "portal/sign_in_code.html", {"form": form})


@public
def start(request):
    """First visit (or a new code): the invitation code, then the PIN the client chooses."""
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            shared = form.cleaned_data["shared_device"]
            address = _address(request)
            try:
                services.check_address(address)
                account = services.invitation_redeem(
                    code=form.cleaned_data["code"],
                    pin=form.cleaned_data["pin"],
                    pin_again=form.cleaned_data["pin_again"],
                    device=session.device_of(request),
                    shared_device=shared,
                )
            except services.SignInRefused as refusal:
                form.add_error(None, refusal.message)
            except ValidationError as error:
                if "code" in getattr(error, "error_dict", {}):
                    services.note_address_failure(address)
                add_service_errors(form, error)
            else:
                session.start(request, account, shared_device=shared)
                return _remember_number(redirect("portal:welcome"), request, account, shared)
    else:
        form = StartForm()
    return render(request, "portal/start.html", {"form": form})


@portal_client
def welcome(request):
    return render(request, "portal/welcome.html", {"number": services.format_number(request.portal_account.number)})


@portal_client
def home(request):
    unread = thread_services.unread_for_client(request.portal_account)
    return render(request, "portal/home.html", {"unread": unread})


@portal_client
def messages(request):
    account = request.portal_account
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid() and send_from_form(form, thread_services.message_from_client, account=account):
            return redirect(f"{request.path}?sent=1#last")
    else:
        form = MessageForm()
    shown = thread_services.thread_read_by_client(account=account)
    return render(
        request, "portal/messages.html", {"form": form, "shown": shown, "sent": request.GET.get("sent") == "1"}
    )


@portal_client
def attachment(request, pk):
    return file_response(thread_services.attachment_for_client(account=request.portal_account, pk=pk))


def _safety_page(request, *, remove_form=None, status=200):
    return render(
        request,
        "portal/safety.html",
        {
            "history": access.my_sign_ins(request.portal_account)[:HISTORY_SHOWN],
            "shared_device": session.is_shared_device(request),
            "has_second_lock": bool(request.portal_account.second_factor),
            "changed": request.GET.get("changed") == "1",
            "remove_form": remove_form or CodeForm(),
        },
        status=status,
    )


@portal_client
def safety(request):
    return _safety_page(request)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    buffer = io.BytesIO()
    image.save(buffer)
    # Inline in the page: without the XML declaration a file would start with.
    return buffer.getvalue().decode().split("?>", 1)[-1].strip()


@portal_client
def second_factor_add(request):
    account = request.portal_account
    if account.second_factor:
        return redirect("portal:safety")
    secret = request.session.get(session.NEW_SECOND_LOCK) or services.second_factor_new_secret()
    request.session[session.NEW_SECOND_LOCK] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_add(account=account, secret=secret, code=form.cleaned_data["code"]):
            request.session.pop(session.NEW_SECOND_LOCK, None)
            return redirect(f"{reverse('portal:safety')}?changed=1")
        form.add_error("code", _("This code is not right. Look at the app and type the new code."))
    return render(
        request,
        "portal/second_factor.html",
        {
            "form": form,
            "qr": mark_safe(_qr_svg(services.second_factor_uri(account, secret))),  # noqa: S308 - our own SVG
            "secret": " ".join(secret[index : index + 4] for index in range(0, len(secret), 4)),
        },
    )


@require_POST
@portal_client
def second_factor_remove(request):
    form = CodeForm(request.POST)
    if form.is_valid() and services.second_factor_remove(
        account=request.portal_account, code=form.cleaned_data["code"]
    ):
        return redirect(f"{reverse('portal:safety')}?changed=1")
    form.add_error("code", _("This code is not right. Look at the app and type the new code."))
    return _safety_page(request, remove_form=form, status=400)


@require_POST
@portal_client
def lock(request):
    services.account_lock(account=request.portal_account)
    session.end(request)
    response = render(request, "portal/locked.html")
    response.delete_cookie(session.NUMBER_COOKIE, path="/portal/")
    return response


@require_POST
@public
def sign_out(request):
    shared = session.is_shared_device(request)
    session.end(request)
    response = redirect("portal:login")
    if shared:
        response.delete_cookie(session.NUMBER_COOKIE, path="/portal/")
        response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@portal_client
def appointments(request):
    account = request.portal_account
    return render(
        request,
        "portal/appointments.html",
        {
            "appointments": access.my_appointments(account)[:20],
            "requests": access.my_requests(account).filter(status=AppointmentRequest.Status.OPEN)[:20],
            "asked": request.GET.get("asked") == "1",
        },
    )


def _ask(request, form, *, kind, appointment=None):
    try:
        request_services.request_create(
            account=request.portal_account,
            kind=kind,
            appointment_pk=appointment.pk if appointment else None,
            preferred_times=form.cleaned_data["preferred_times"],
            childcare_needed=form.cleaned_data["childcare_needed"],
            transport_needed=form.cleaned_data["transport_needed"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return redirect(f"{reverse('portal:appointments')}?asked=1")


@portal_client
def appointment_new(request):
    form = AppointmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _ask(request, form, kind=AppointmentRequest.Kind.NEW)
        if done is not None:
            return done
    return render(request, "portal/appointment_new.html", {"form": form})


@portal_client
def appointment_change(request, pk):
    appointment = access.get_my_upcoming_appointment(request.portal_account, pk)
    form = AppointmentChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _ask(request, form, kind=form.cleaned_data["kind"], appointment=appointment)
        if done is not None:
            return done
    return render(request, "portal/appointment_change.html", {"form": form, "appointment": appointment})


def file_response(kept):
    """A document or an attachment as a download (``lib/uploads.download``)."""
    return uploads.download(kept.content, content_type=kept.content_type, filename=kept.download_name)


@portal_client
def documents(request):
    account = request.portal_account
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = uploads.read_limited(upload)
        try:
            document_services.document_upload(account=account, kind=form.cleaned_data["kind"], data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{request.path}?sent=1")
    return render(
        request,
        "portal/documents.html",
        {
            "form": form,
            "documents": document_services.my_documents(account)[:50],
            "sent": request.GET.get("sent") == "1",
            "max_mb": document_services.max_bytes() // (1024 * 1024),
        },
    )


@portal_client
def document_download(request, pk):
    return file_response(document_services.get_my_document(request.portal_account, pk))


@portal_client
def consents(request):
    answers = list(access.my_consents(request.portal_account))
    for answer in answers:
        answer.status_now = consent.status_of(answer, answers)
    return render(request, "portal/consents.html", {"answers": answers, "withdrawn": request.GET.get("withdrawn")})


@portal_client
def consent_withdraw(request, pk):
    answer = access.get_my_agreement(request.portal_account, pk)
    if request.method == "POST":
        account = services.consent_withdraw(account=request.portal_account, consent_pk=answer.pk)
        if account.status == account.Status.CLOSED:
            session.end(request)
            response = render(request, "portal/closed.html")
            response.delete_cookie(session.NUMBER_COOKIE, path="/portal/")
            return response
        return redirect(f"{reverse('portal:consents')}?withdrawn=1")
    return render(request, "portal/consent_withdraw.html", {"answer": answer})


@portal_client
def my_data(request):
    """What the case team holds about the client, as a file; not on a device that is not theirs."""
    shared = session.is_shared_device(request)
    if request.method == "POST" and not shared:
        account = request.portal_account
        data = export.own_data(case=account.case, actor_label=services.CLIENT_LABEL)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
        return response
    return render(request, "portal/my_data.html", {"shared_device": shared})


RESOURCES_SHOWN = 12


@portal_client
def resources(request):
    """Help by phone or online, from the public directory: first what speaks the client's language."""
    language = translation.get_language()
    speaks = Language.objects.filter(
        service=OuterRef("pk"), code__in=[language, texts.THREE_LETTER_OF.get(language, "")]
    )
    helplines = (
        public_services()
        .filter(service_at_locations__location__location_type=Location.LocationType.VIRTUAL)
        .annotate(in_my_language=Exists(speaks))
        .prefetch_related("phones")
        .distinct()
        .order_by("-in_my_language", "name", "pk")[:RESOURCES_SHOWN]
    )
    return render(request, "portal/resources.html", {"helplines": helplines})


@portal_client
def journey(request):
    account = request.portal_account
    return render(
        request,
        "portal/journey.html",
        {
            "milestones": access.my_milestones(account)[:30],
            "referrals": access.my_referrals(account),
            "legal_matters": access.my_legal_matters(account),
        },
    )
