"""Evidence pages: a matter's register, registering an item, one item with its chain of custody,
and the downloads (original, working copy, bundle). Thin: ``evidence_access``, forms, services.

Opening an original and exporting a bundle are custody events, so they are POSTs (a prefetching
browser or a crawler never adds one); a working copy is a GET download, audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from caseway.legal import access, bundle, evidence, evidence_access
from caseway.legal.forms_evidence import BundleForm, CopyForm, EvidenceForm, OpenForm, TransferForm
from caseway.lib import uploads
from caseway.lib.access import object_scoped
from caseway.lib.forms import add_service_errors, errors_as_messages
from caseway.orgs.permissions import Action

SHOWN = 200  # items on a register page; a matter with more is exported as a bundle


def _transfer_form(request, item, data=None):
    parties = [org for org in evidence.party_organizations(item.matter) if org.pk != item.custodian_id]
    return TransferForm(data, organizations=parties)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_list(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    items = evidence_access.items_of_matter(request.membership, matter).annotate(copy_count=Count("copies"))
    evidence.evidence_read(
        actor=request.user,
        membership=request.membership,
        target=matter,
        fields=["evidence.description"],
        request=request,
    )
    return render(
        request,
        "legal/evidence_list.html",
        {"matter": matter, "items": items[:SHOWN], "shown": SHOWN, "bundle_form": BundleForm()},
    )


@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_add(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            upload = values.pop("file")
            try:
                item = evidence.evidence_register(
                    actor=request.user,
                    membership=request.membership,
                    matter=matter,
                    data=uploads.read_limited(upload) if upload else None,
                    original_name=upload.name if upload else "",
                    request=request,
                    **values,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("legal:evidence_item", pk=item.pk)
        status = 400
    return render(
        request,
        "legal/evidence_add.html",
        {"matter": matter, "form": form, "max_mb": uploads.limit() // (1024 * 1024)},
        status=status,
    )


@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_item(request, pk):
    item = evidence_access.get_item_for_member(request.membership, pk)
    custody = item.custody.select_related("organization", "to_organization", "data_key").order_by("sequence")
    is_custodian = item.custodian_id == request.membership.organization_id
    evidence.evidence_read(
        actor=request.user,
        membership=request.membership,
        target=item,
        fields=["description", "original_name", "physical_location", "custody.place", "custody.reason"],
        request=request,
    )
    context = {
        "item": item,
        "matter": item.matter,
        "custody": custody,
        "copies": item.copies.defer("content").select_related("data_key").order_by("created_at"),
        "is_custodian": is_custodian,
        "open_form": OpenForm(),
        "transfer_form": _transfer_form(request, item) if is_custodian else None,
        "copy_form": CopyForm(),
        "bundle_form": BundleForm(),
    }
    return render(request, "legal/evidence_item.html", context)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_download(request, pk):
    item = evidence_access.get_item_for_member(request.membership, pk)
    form = OpenForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("legal:evidence_item", pk=item.pk)
    opened = evidence.evidence_open(
        actor=request.user, membership=request.membership, item=item, request=request, **form.cleaned_data
    )
    return uploads.download(opened.original, content_type=opened.content_type, filename=evidence.download_name(opened))


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_transfer(request, pk):
    item = evidence_access.get_item_for_member(request.membership, pk)
    if item.custodian_id != request.membership.organization_id:
        raise PermissionDenied
    form = _transfer_form(request, item, request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("legal:evidence_item", pk=item.pk)
    values = form.cleaned_data
    try:
        evidence.evidence_transfer(
            actor=request.user,
            membership=request.membership,
            item=item,
            to_organization=values["to"],
            place=values["place"],
            reason=values["reason"],
            request=request,
        )
    except ValidationError as error:
        errors_as_messages(request, error=error)
    return redirect("legal:evidence_item", pk=item.pk)


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_copy_add(request, pk):
    item = evidence_access.get_item_for_member(request.membership, pk)
    form = CopyForm(request.POST, request.FILES)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("legal:evidence_item", pk=item.pk)
    upload = form.cleaned_data["file"]
    try:
        evidence.evidence_copy_make(
            actor=request.user,
            membership=request.membership,
            item=item,
            kind=form.cleaned_data["kind"],
            data=uploads.read_limited(upload) if upload else None,
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as error:
        errors_as_messages(request, error=error)
    return redirect("legal:evidence_item", pk=item.pk)


@object_scoped(Action.WORK_LEGAL_MATTERS)
def copy_download(request, pk):
    copy = evidence_access.get_copy_for_member(request.membership, pk)
    copy = evidence.evidence_copy_read(actor=request.user, membership=request.membership, copy=copy, request=request)
    return uploads.download(
        copy.content, content_type=copy.content_type, filename=evidence.copy_download_name(copy, copy.item)
    )


def _bundle(request, items, back):
    form = BundleForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return back
    try:
        filename, target = bundle.bundle_export(
            actor=request.user, membership=request.membership, items=items, request=request, **form.cleaned_data
        )
    except ValidationError as error:
        errors_as_messages(request, error=error)
        return back
    response = FileResponse(target, as_attachment=True, filename=filename, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_bundle(request, pk):
    matter = access.get_matter_for_member(request.membership, pk)
    items = list(evidence_access.items_of_matter(request.membership, matter))
    return _bundle(request, items, redirect("legal:evidence_list", pk=matter.pk))


@require_POST
@object_scoped(Action.WORK_LEGAL_MATTERS)
def evidence_item_bundle(request, pk):
    item = evidence_access.get_item_for_member(request.membership, pk)
    return _bundle(request, [item], redirect("legal:evidence_item", pk=item.pk))
