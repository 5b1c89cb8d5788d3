"""lib/uploads.py against real files built here: images with GPS metadata, archives, polyglots."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from caseway.lib import uploads

MAX = 1024 * 1024
GPS_TAG = 0x8825


def a_jpeg_with_gps(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "FictionalCam"  # Make
    exif[0x0132] = "2026:11:01 10:00:00"  # DateTime
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (33.0, 18.0, 0.0), 3: "E", 4: (44.0, 22.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"home address in a comment")
    return out.getvalue()


def a_png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Fictional street 12")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def a_pdf(extra=b"") -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + extra + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def a_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("id.jpg", a_jpeg_with_gps())
    return out.getvalue()


def _refusal(data, max_bytes=MAX) -> str:
    with pytest.raises(ValidationError) as error:
        uploads.check_file(data, max_bytes=max_bytes)
    return error.value.message_dict["file"][0]


def test_it_strips_gps_camera_and_comments_from_a_photo_and_keeps_the_picture():
    original = a_jpeg_with_gps()
    assert b"FictionalCam" in original and b"home address" in original
    checked = uploads.check_file(original, max_bytes=MAX)
    assert checked.content_type == uploads.JPEG and checked.extension == "jpg"
    assert b"FictionalCam" not in checked.content and b"home address" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as kept:
        assert kept.size == (64, 48)
        assert GPS_TAG not in kept.getexif() and len(kept.getexif()) == 0
        red, green, blue = kept.getpixel((10, 10))
        assert red > 150 and green < 80 and blue < 80


def test_it_turns_a_photo_upright_before_dropping_its_orientation_tag():
    image = Image.new("RGB", (40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(uploads.check_file(out.getvalue(), max_bytes=MAX).content)) as kept:
        assert kept.size == (20, 40)


def test_it_drops_text_chunks_from_a_png():
    checked = uploads.check_file(a_png_with_text(), max_bytes=MAX)
    assert checked.content_type == uploads.PNG
    assert b"Fictional street" not in checked.content


def test_it_keeps_a_plain_pdf_as_it_is():
    pdf = a_pdf()
    assert uploads.check_file(pdf, max_bytes=MAX) == uploads.CheckedFile(uploads.PDF, pdf)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"MZ\x90\x00 a program renamed .pdf", "Send a photo (JPEG or PNG) or a PDF. This file is something else."),
        (b"<html><script>alert(1)</script>", "Send a photo (JPEG or PNG) or a PDF. This file is something else."),
        (b"\x1f\x8b\x08\x00 gzip", "Archives (zip and others) cannot be sent. Send each document on its own."),
        (b"Rar!\x1a\x07\x00 rar", "Archives (zip and others) cannot be sent. Send each document on its own."),
    ],
)
def test_it_refuses_what_is_not_a_photo_or_a_pdf_whatever_its_name(data, message):
    assert _refusal(data) == message


def test_it_refuses_a_zip_archive():
    assert _refusal(a_zip()) == "Archives (zip and others) cannot be sent. Send each document on its own."


def test_it_refuses_a_photo_with_a_zip_hidden_inside():
    assert (
        _refusal(a_jpeg_with_gps() + a_zip())
        == "This file has another file hidden inside. Send the document on its own."
    )


def test_it_refuses_a_pdf_with_a_zip_hidden_inside():
    polyglot = a_pdf(extra=a_zip())
    assert _refusal(polyglot) == "This file has another file hidden inside. Send the document on its own."


@pytest.mark.parametrize("marker", [b"/JavaScript", b"/Launch", b"/EmbeddedFile"])
def test_it_refuses_a_pdf_with_a_program_or_attachments(marker):
    assert _refusal(a_pdf(extra=b"2 0 obj << /S " + marker + b" >> endobj\n")).startswith("This PDF contains")


def test_it_refuses_a_truncated_pdf():
    assert _refusal(b"%PDF-1.4\n1 0 obj << >> endobj\n") == "This PDF is damaged or not complete. Send it again."


def test_it_refuses_a_jpeg_header_on_something_else():
    assert _refusal(b"\xff\xd8\xff\xe0 not really a picture") == (
        "This picture cannot be opened. Take the photo again and send it."
    )


def test_it_refuses_what_is_too_big_and_says_the_limit():
    assert _refusal(a_pdf(), max_bytes=10) == "The file is too big. The largest allowed is 10\xa0bytes."


def test_it_refuses_an_image_too_large_to_decode_safely(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    assert _refusal(a_jpeg_with_gps(size=(20, 20))) == "This picture is too large. Send a smaller photo."
