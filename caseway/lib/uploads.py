"""What an uploaded file really is, and a copy of it that is safe to keep and show.

Used for the documents a client uploads on the portal (and next for message attachments):

- the type comes from the content (magic bytes), never from the name or the browser's word: a
  PDF, a JPEG or a PNG; anything else is refused, whatever its extension;
- archives are refused (zip, rar, 7z, gzip, tar), and so are files that are two things at once
  (a ZIP hidden in an image or a PDF: "polyglots"), PDFs with scripts, launch actions or attached
  files, and images too large to decode safely;
- an image is decoded fully, turned upright, and written again from its pixels only: EXIF (GPS
  position, camera, time), XMP and comments are gone from the copy that is kept.

Errors are ``ValidationError`` on the ``file`` field, in plain words, in the user's language.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; beyond, decoding could exhaust a small server
JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", PDF: "pdf"}
ARCHIVE_SIGNATURES = (
    (0, b"PK\x03\x04"),
    (0, b"PK\x05\x06"),
    (0, b"Rar!\x1a\x07"),
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"\x1f\x8b"),
    (257, b"ustar"),
)
# A ZIP's local header or end record anywhere: an archive riding inside another file.
HIDDEN_ARCHIVE = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02")
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    content: bytes  # what may be kept: for images, the clean copy

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def limit() -> int:
    """The largest file accepted, in bytes (``UPLOAD_MAX_MB``)."""
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def read_limited(upload) -> bytes:
    """An uploaded file's bytes, up to one more than the limit: enough to say "too big", no more read."""
    return upload.read(limit() + 1)


def _refuse(message) -> ValidationError:
    return ValidationError({"file": message})


def _kind_of(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def _is_archive(data: bytes) -> bool:
    return any(data[offset : offset + len(signature)] == signature for offset, signature in ARCHIVE_SIGNATURES)


def _clean_image(data: bytes, content_type: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(_("This picture is too large. Send a smaller photo."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            if content_type == JPEG and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            pixels = Image.new(upright.mode, upright.size)
            pixels.paste(upright)
            if upright.mode == "P" and upright.getpalette():
                pixels.putpalette(upright.getpalette())
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError):
        raise _refuse(_("This picture cannot be opened. Take the photo again and send it.")) from None
    out = io.BytesIO()
    if content_type == JPEG:
        pixels.save(out, format="JPEG", quality=90, optimize=True)
    else:
        pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_file(data: bytes, *, max_bytes: int) -> CheckedFile:
    """The file as it may be kept, or ValidationError saying why not."""
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > max_bytes:
        raise _refuse(_("The file is too big. The largest allowed is %(size)s.") % {"size": filesizeformat(max_bytes)})
    if _is_archive(data):
        raise _refuse(_("Archives (zip and others) cannot be sent. Send each document on its own."))
    content_type = _kind_of(data)
    if content_type is None:
        raise _refuse(_("Send a photo (JPEG or PNG) or a PDF. This file is something else."))
    if any(marker in data for marker in HIDDEN_ARCHIVE):
        raise _refuse(_("This file has another file hidden inside. Send the document on its own."))
    if content_type == PDF:
        if any(marker in data for marker in PDF_ACTIVE):
            raise _refuse(_("This PDF contains a program or attached files. Send a plain PDF or a photo."))
        if b"%%EOF" not in data[-1024:]:
            raise _refuse(_("This PDF is damaged or not complete. Send it again."))
        return CheckedFile(PDF, data)
    return CheckedFile(content_type, _clean_image(data, content_type))


def download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A kept file as a download, never shown inline: a file is never a page of this site."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
