"""The HSDS upload page for coordinators (hsds_import does the work, as for the command line)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from caseway.directory.hsds_import import max_import_bytes, package_import, size_text
from caseway.directory.import_forms import HsdsUploadForm
from caseway.lib.access import role_required
from caseway.orgs.permissions import Action

TEMPLATE = "directory/hsds/import.html"
# Room for the multipart framing and the other form fields around the file.
MULTIPART_ALLOWANCE = 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, whatever its headers said."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(request):
    form = HsdsUploadForm()
    return render(
        request, TEMPLATE, {"form": form, "too_large": True, "limit": size_text(max_import_bytes())}, status=413
    )


@role_required(Action.CURATE_DIRECTORY)
@csrf_exempt  # checked by _upload below, once the size is known to be acceptable
def upload(request):
    if request.method == "POST":
        # Refuse what announces itself too large before reading a byte of it: the CSRF check
        # would otherwise parse (and store) the whole body first.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_import_bytes() + MULTIPART_ALLOWANCE:
            return _too_large(request)
        request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, max_import_bytes() + MULTIPART_ALLOWANCE))
    return _upload(request)


@csrf_protect
def _upload(request):
    form = HsdsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        return _too_large(request)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        upload.seek(0)
        report = package_import(
            actor=request.user,
            source=upload,
            name=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            request=request,
        )
    context = {"form": form, "report": report, "limit": size_text(max_import_bytes())}
    return render(request, TEMPLATE, context, status=200)
