"""Object-scoped URLs of the legal evidence pages (see caseway/tests/object_urls.py): org A's matter
and its evidence; the other organization's legal officer gets 404. Also the files the evidence
tests register (fictional, made here)."""

import io

from caseway.casework.tests.appointment_helpers import member
from caseway.legal.tests.object_urls_legal import a_matter

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + bytes(400)
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(200)
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(300)
TRANSCRIPT = "Q: Where were you on the night of 3 March?\nA: At home, in the fictional village of Northfield.\n"
GPS_TAG = 0x8825  # EXIF pointer to the GPS block


def a_photo_with_gps() -> bytes:
    """A small JPEG carrying EXIF with a (fictional) GPS position and a camera model."""
    from PIL import Image

    image = Image.new("RGB", (32, 24), (120, 80, 40))
    exif = Image.Exif()
    exif[0x0110] = "Fictional Camera 1"  # Model
    exif[GPS_TAG] = {1: "N", 2: (12.0, 30.0, 0.0), 3: "E", 4: (44.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def an_item(personas, *, matter=None, user=None, kind="document", data=PDF, **values):
    from caseway.legal import evidence

    user = user or personas.legal_officer_a
    return evidence.evidence_register(
        actor=user,
        membership=member(user),
        matter=matter or a_matter(personas),
        kind=kind,
        data=data,
        original_name=values.pop("original_name", "statement.pdf"),
        description=values.pop("description", "Signed statement of a fictional witness."),
        place=values.pop("place", "Office of Alpha Relief, Northfield"),
        reason=values.pop("reason", "Given to us by the client's family"),
        **values,
    )


def a_copy(personas):
    from caseway.legal import evidence

    item = an_item(personas, kind="photo", data=a_photo_with_gps(), original_name="photo.jpg")
    return evidence.evidence_copy_make(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        item=item,
        kind="metadata_stripped",
    )


def _object_case(*args, **kwargs):
    from caseway.tests.object_urls import ObjectCase

    return ObjectCase(*args, **kwargs)


def _on_item(name_data=None, method="get", **item_values):
    def build(personas):
        return _object_case(
            personas.legal_officer_a,
            personas.legal_officer_b,
            {"pk": an_item(personas, **item_values).pk},
            method=method,
            data=dict(name_data or {}),
        )

    return build


def _on_matter(data=None, method="get", with_item=False):
    def build(personas):
        matter = a_matter(personas)
        if with_item:
            an_item(personas, matter=matter)
        return _object_case(
            personas.legal_officer_a,
            personas.legal_officer_b,
            {"pk": matter.pk},
            method=method,
            data=dict(data or {}),
        )

    return build


def _copy_add(personas):
    return _object_case(
        personas.legal_officer_a,
        personas.legal_officer_b,
        {"pk": an_item(personas, kind="photo", data=a_photo_with_gps(), original_name="photo.jpg").pk},
        method="post",
        data={"kind": "metadata_stripped"},
    )


OBJECT_URLS = {
    "legal:evidence_list": _on_matter(with_item=True),
    "legal:evidence_add": _on_matter(),
    "legal:evidence_bundle": _on_matter({"purpose": "copy"}, method="post", with_item=True),
    "legal:evidence_item": _on_item(),
    "legal:evidence_download": _on_item({"reason": "Preparing the hearing"}, method="post"),
    "legal:evidence_transfer": _on_item({"to": "forum", "reason": "Filed with the application"}, method="post"),
    "legal:evidence_copy_add": _copy_add,
    "legal:evidence_item_bundle": _on_item({"purpose": "submission"}, method="post"),
    "legal:copy_download": lambda personas: _object_case(
        personas.legal_officer_a, personas.legal_officer_b, {"pk": a_copy(personas).pk}
    ),
}
