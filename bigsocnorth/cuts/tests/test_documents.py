"""Evidence documents: checked by content, refused when unsafe, kept without who sent them."""

import io
import re
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

from bigsocnorth.cuts import documents
from bigsocnorth.cuts.documents import (
    MAX_DOCUMENT_BYTES,
    CleanDocument,
    evidence_document_clean,
)

UPLOADER = "Jane Uploader"
NOT_ACCEPTED = "Upload a PDF or a picture (JPEG, PNG, WebP or GIF)."
DAMAGED = "This PDF is damaged or incomplete"
ACTIVE = (
    "This PDF contains scripts or embedded files, which we do not accept. "
    "Print it to a new PDF and upload that."
)
SCRIPT = String("app.alert('hello')")


def _upload(data: bytes, name: str = "minutes.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _pdf_bytes(pdf: pikepdf.Pdf, **save) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **save)
    return buffer.getvalue()


def _blank_pdf(pages: int = 1) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for _page in range(pages):
        pdf.add_blank_page()
    return pdf


def _minutes_with_metadata() -> pikepdf.Pdf:
    """Three pages of minutes carrying the uploader's name in every usual place."""
    pdf = _blank_pdf(3)
    pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Minutes) Tj ET")
    pdf.docinfo["/Author"] = UPLOADER
    pdf.docinfo["/Creator"] = "Writer on Jane's laptop"
    pdf.docinfo["/Producer"] = "LibreOffice 24.2"
    pdf.docinfo["/Title"] = "Notes by Jane Uploader"
    pdf.docinfo["/CreationDate"] = "D:20260301120000Z"
    pdf.docinfo["/ModDate"] = "D:20260302120000Z"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:creator"] = [UPLOADER]
        xmp["xmp:CreatorTool"] = "Writer"
    pdf.pages[1].obj.PieceInfo = Dictionary(Editor=Dictionary(Private=String(UPLOADER)))
    pdf.pages[2].obj.Metadata = pdf.make_stream(
        f"<x:xmpmeta>{UPLOADER}</x:xmpmeta>".encode(), Type=Name.Metadata, Subtype=Name.XML
    )
    return pdf


def _refusal(upload) -> str:
    with pytest.raises(ValidationError) as caught:
        evidence_document_clean(upload=upload)
    return " ".join(caught.value.messages)


def _uncompressed(data: bytes) -> bytes:
    """The same PDF written with every stream and object in the clear, to search it."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return _pdf_bytes(
            pdf,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            stream_decode_level=pikepdf.StreamDecodeLevel.all,
        )


# Accepted PDFs


def test_a_clean_pdf_keeps_its_pages_and_loses_who_made_it():
    data = _pdf_bytes(_minutes_with_metadata())
    with pikepdf.open(io.BytesIO(data)) as original:
        original_id = bytes(original.trailer.ID[0])
        assert "/Metadata" in original.Root  # the upload really carries XMP
    assert UPLOADER.encode() in data

    document = evidence_document_clean(upload=_upload(data))

    assert isinstance(document, CleanDocument)
    assert (document.content_type, document.extension) == ("application/pdf", "pdf")
    cleaned = document.content.read()
    assert document.size == len(cleaned)
    assert cleaned.startswith(b"%PDF-")
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert len(result.pages) == 3
        assert b"(Minutes)" in result.pages[0].Contents.read_bytes()
        assert "/Info" not in result.trailer
        for key in ("/Author", "/Creator", "/Producer", "/Title", "/CreationDate", "/ModDate"):
            assert key not in result.docinfo  # (reading docinfo makes an empty one)
        assert "/Metadata" not in result.Root
        for page in result.pages:
            assert "/Metadata" not in page.obj
            assert "/PieceInfo" not in page.obj
        assert bytes(result.trailer.ID[0]) != original_id
    assert UPLOADER.encode() not in cleaned
    assert b"Jane" not in _uncompressed(cleaned)
    assert b"LibreOffice" not in _uncompressed(cleaned)


def test_comments_keep_their_text_but_lose_their_author():
    pdf = _blank_pdf()
    comment = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Text,
        Rect=Array([0, 0, 20, 20]),
        Contents=String("Cut confirmed on page 4"),
        T=String(UPLOADER),
        M=String("D:20260302120000Z"),
        CreationDate=String("D:20260302120000Z"),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([comment]))
    cleaned = evidence_document_clean(upload=_upload(_pdf_bytes(pdf))).content.read()
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        (annotation,) = result.pages[0].obj.Annots
        assert str(annotation.Contents) == "Cut confirmed on page 4"
        for key in ("/T", "/M", "/CreationDate"):
            assert key not in annotation
    assert b"Jane" not in _uncompressed(cleaned)


def test_each_cleaning_gives_the_file_a_new_identifier():
    data = _pdf_bytes(_blank_pdf())
    first = evidence_document_clean(upload=_upload(data)).content.read()
    second = evidence_document_clean(upload=_upload(data)).content.read()
    with pikepdf.open(io.BytesIO(first)) as one, pikepdf.open(io.BytesIO(second)) as two:
        assert bytes(one.trailer.ID[0]) != bytes(two.trailer.ID[0])


def test_an_earlier_revision_of_the_pdf_is_not_kept():
    """A PDF edited after saving still holds its first version; only the last is kept."""
    pdf = _blank_pdf()
    pdf.docinfo["/Author"] = UPLOADER
    first = _pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    size = int(re.search(rb"/Size (\d+)", first).group(1))
    root = int(re.search(rb"/Root (\d+) 0 R", first).group(1))
    previous_xref = int(re.findall(rb"startxref\s+(\d+)", first)[-1])
    new_info = f"{size} 0 obj\n<< /Producer (Editor) >>\nendobj\n".encode()
    xref_at = len(first) + len(new_info)
    update = (
        f"xref\n{size} 1\n{len(first):010d} 00000 n \n"
        f"trailer\n<< /Size {size + 1} /Root {root} 0 R /Info {size} 0 R "
        f"/Prev {previous_xref} >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    edited = first + new_info + update
    assert UPLOADER.encode() in edited

    cleaned = evidence_document_clean(upload=_upload(edited)).content.read()

    assert b"Jane" not in _uncompressed(cleaned)
    assert b"Editor" not in _uncompressed(cleaned)


def test_a_linearized_pdf_is_accepted():
    data = _pdf_bytes(_minutes_with_metadata(), linearize=True)
    cleaned = evidence_document_clean(upload=_upload(data)).content.read()
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert len(result.pages) == 3


def test_a_pdf_with_only_an_owner_password_is_kept_without_its_encryption():
    """Opens without asking for a password, so nothing is hidden: the lock is simply dropped."""
    pdf = _minutes_with_metadata()
    data = _pdf_bytes(pdf, encryption=pikepdf.Encryption(owner="council", user=""))
    cleaned = evidence_document_clean(upload=_upload(data)).content.read()
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert not result.is_encrypted
        assert len(result.pages) == 3
        assert "/Author" not in result.docinfo
    assert b"Jane" not in _uncompressed(cleaned)


def test_a_pdf_with_ordinary_links_is_accepted():
    pdf = _blank_pdf(2)
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 20]),
        A=Dictionary(S=Name.URI, URI=String("https://example.org/budget")),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([link]))
    pdf.Root.OpenAction = Array([pdf.pages[1].obj, Name.Fit])
    document = evidence_document_clean(upload=_upload(_pdf_bytes(pdf)))
    assert b"example.org/budget" in _uncompressed(document.content.read())


# Refused PDFs


def test_a_pdf_locked_with_a_password_is_refused():
    pdf = _blank_pdf()
    data = _pdf_bytes(pdf, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    assert "Remove the password" in _refusal(_upload(data))


def _open_action_script(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=SCRIPT))


def _annotation_script(pdf):
    annotation = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 20]),
        AA=Dictionary(E=Dictionary(S=Name.JavaScript, JS=SCRIPT)),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([annotation]))


def _names_tree_script(pdf):
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=SCRIPT))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("hello"), script])))


def _document_close_script(pdf):
    pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=SCRIPT))


def _page_open_script(pdf):
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=SCRIPT))


def _launch_action(pdf):
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 20]),
        A=Dictionary(S=Name.Launch, F=String("calc.exe")),
    )
    pdf.pages[0].obj.Annots = Array([link])


def _embedded_file(pdf):
    pdf.attachments["payload.txt"] = pikepdf.AttachedFileSpec(pdf, b"hidden", filename="x.txt")


def _file_attachment_annotation(pdf):
    attached = pikepdf.AttachedFileSpec(pdf, b"hidden", filename="x.txt")
    annotation = Dictionary(
        Type=Name.Annot,
        Subtype=Name.FileAttachment,
        Rect=Array([0, 0, 20, 20]),
        FS=attached.obj,
    )
    pdf.pages[0].obj.Annots = Array([annotation])


@pytest.mark.parametrize(
    "add_active_content",
    [
        _open_action_script,
        _annotation_script,
        _names_tree_script,
        _document_close_script,
        _page_open_script,
        _launch_action,
        _embedded_file,
        _file_attachment_annotation,
    ],
)
@pytest.mark.parametrize(
    "object_streams", [pikepdf.ObjectStreamMode.disable, pikepdf.ObjectStreamMode.generate]
)
def test_a_pdf_with_scripts_or_embedded_files_is_refused(add_active_content, object_streams):
    pdf = _blank_pdf(2)
    add_active_content(pdf)
    data = _pdf_bytes(pdf, object_stream_mode=object_streams)
    assert _refusal(_upload(data)) == ACTIVE


def test_a_script_behind_an_escaped_name_is_still_found():
    """/J#53 is another way to write /JS; it must not slip through."""
    pdf = _blank_pdf()
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("alert(1)")))
    data = _pdf_bytes(pdf, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    plain = b"/JS (alert\\(1\\))"
    assert plain in data
    disguised = b"/J#53 (alert(1))"  # same length, so the file's offsets stay right
    assert len(disguised) == len(plain)
    assert _refusal(_upload(data.replace(plain, disguised))) == ACTIVE


def test_a_script_tucked_deep_inside_an_object_is_still_found():
    pdf = _blank_pdf()
    hidden = Dictionary(S=Name.JavaScript, JS=SCRIPT)
    pdf.Root.Custom = Dictionary(Deeper=Array([Dictionary(Deepest=Array([hidden]))]))
    assert _refusal(_upload(_pdf_bytes(pdf))) == ACTIVE


def test_a_form_field_keeps_its_name():
    """/T on a form field is the field's name, not a person's: only comments lose it."""
    pdf = _blank_pdf()
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("meeting_date"),
            Rect=Array([0, 0, 100, 20]),
        )
    )
    pdf.pages[0].obj.Annots = Array([field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    cleaned = evidence_document_clean(upload=_upload(_pdf_bytes(pdf))).content.read()
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert str(result.Root.AcroForm.Fields[0].T) == "meeting_date"


def test_a_pdf_with_too_many_pages_is_refused():
    data = _pdf_bytes(_blank_pdf(2001))
    assert "This PDF has 2,001 pages; a document can have at most 2,000 pages." in _refusal(
        _upload(data)
    )


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.98])
def test_a_cut_off_pdf_is_refused_not_half_read(keep):
    data = _pdf_bytes(_minutes_with_metadata())
    end = keep if keep < 0 else int(len(data) * keep)
    assert DAMAGED in _refusal(_upload(data[:end]))


def test_a_pdf_with_a_wrong_stream_length_is_refused():
    pdf = _blank_pdf()
    pdf.pages[0].obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Minutes) Tj ET")
    data = _pdf_bytes(
        pdf, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False
    )
    assert b"/Length 38" in data
    assert DAMAGED in _refusal(_upload(data.replace(b"/Length 38", b"/Length 30")))


def test_a_pdf_header_on_garbage_is_refused():
    assert DAMAGED in _refusal(_upload(b"%PDF-1.7\nnot really a pdf at all"))


def test_a_pdf_with_too_many_objects_is_refused():
    data = _pdf_bytes(_blank_pdf(), object_stream_mode=pikepdf.ObjectStreamMode.disable)
    size = re.search(rb"/Size \d+", data).group(0)
    # The trailer comes after the cross-reference table, so no offset moves.
    data = data.replace(size, b"/Size 600000")
    assert "too complex" in _refusal(_upload(data))


def test_a_pdf_too_intricate_to_check_in_reasonable_time_is_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_PDF_NODES", 5)
    data = _pdf_bytes(_minutes_with_metadata())
    assert "too complex" in _refusal(_upload(data))


def _pdf_unpacking_to(unpacked_bytes: int) -> bytes:
    """A PDF whose one compressed object stream unpacks to about this many bytes."""
    header = b"3 0 "
    compressor = zlib.compressobj(9)
    packed = compressor.compress(header + b"<< /Filler true >>")
    chunk = b" " * 1_048_576
    for _chunk in range(unpacked_bytes // len(chunk)):
        packed += compressor.compress(chunk)
    packed += compressor.flush()
    parts = [b"%PDF-1.7\n"]
    offsets = {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = sum(map(len, parts))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    add(1, b"<< /Type /Catalog /Pages 2 0 R /Filler 3 0 R >>")
    add(2, b"<< /Type /Pages /Kids [] /Count 0 >>")
    add(
        4,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream" % (len(header), len(packed), packed),
    )
    xref_at = sum(map(len, parts))

    def row(kind: int, second: int, third: int) -> bytes:
        return bytes([kind]) + second.to_bytes(4, "big") + third.to_bytes(2, "big")

    table = b"".join(
        [
            row(0, 0, 65535),
            row(1, offsets[1], 0),
            row(1, offsets[2], 0),
            row(2, 4, 0),  # object 3 is the first inside object stream 4
            row(1, offsets[4], 0),
            row(1, xref_at, 0),
        ]
    )
    parts.append(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n" % (len(table), table)
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return b"".join(parts)


def test_a_small_pdf_that_unpacks_to_a_huge_one_is_refused():
    assert evidence_document_clean(upload=_upload(_pdf_unpacking_to(1_000_000)))
    bomb = _pdf_unpacking_to(documents.PDF_UNPACK_MAX_BYTES + 8 * 1_048_576)
    assert len(bomb) < 200_000
    assert DAMAGED in _refusal(_upload(bomb))


# Not a PDF, not a picture


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused():
    upload = _upload(b"Minutes of the meeting held on Tuesday", name="minutes.pdf")
    assert _refusal(upload) == NOT_ACCEPTED


def test_a_pdf_after_some_other_bytes_is_refused():
    data = b"<html>" + _pdf_bytes(_blank_pdf())
    assert _refusal(_upload(data)) == NOT_ACCEPTED


def test_an_empty_file_is_refused():
    assert "The file is empty" in _refusal(_upload(b""))


# Size


class _UnreadableUpload(SimpleUploadedFile):
    def read(self, *args, **kwargs):
        raise AssertionError("the file was read")


def test_a_file_too_big_is_refused_before_it_is_read():
    upload = _UnreadableUpload("huge.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    upload.size = 200 * 1024 * 1024
    assert _refusal(upload) == "The file is 200.0 MB; a document can be at most 20 MB."


def test_a_file_bigger_than_it_claims_is_refused():
    upload = _upload(b"%PDF-1.7\n" + b"0" * MAX_DOCUMENT_BYTES)
    upload.size = 1000
    assert _refusal(upload) == "The file is more than 20 MB; a document can be at most 20 MB."


# Pictures


def _photo_with_gps(fmt: str, name: str) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x013B] = UPLOADER  # artist
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (53.0, 22.0, 51.0)
    gps[3] = "W"
    gps[4] = (1.0, 28.0, 12.0)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "orange").save(buffer, format=fmt, exif=exif)
    return _upload(buffer.getvalue(), name=name, content_type="application/pdf")


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", "jpg"),
        ("WEBP", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
    ],
)
def test_a_photo_comes_back_without_its_exif_or_location(fmt, content_type, extension):
    upload = _photo_with_gps(fmt, name="notice.pdf")  # the name and declared type are ignored
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload really carries GPS

    document = evidence_document_clean(upload=upload)

    assert (document.content_type, document.extension) == (content_type, extension)
    cleaned = document.content.read()
    assert document.size == len(cleaned)
    assert UPLOADER.encode() not in cleaned
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == ("PNG" if extension == "png" else "JPEG")
        assert result.size == (300, 200)
        assert not result.getexif()
        assert "exif" not in result.info


def test_a_large_photo_is_made_smaller():
    buffer = io.BytesIO()
    Image.new("RGB", (4800, 1200), "white").save(buffer, format="JPEG")
    document = evidence_document_clean(upload=_upload(buffer.getvalue(), name="notice.jpg"))
    with Image.open(io.BytesIO(document.content.read())) as result:
        assert result.size == (2400, 600)


def test_a_damaged_picture_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "blue").save(buffer, format="PNG")
    data = buffer.getvalue()
    message = _refusal(_upload(data[: len(data) // 3], name="notice.png"))
    assert re.search("damaged or incomplete|not an image", message)


def test_a_picture_format_we_do_not_take_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="BMP")
    assert _refusal(_upload(buffer.getvalue(), name="notice.png")) == NOT_ACCEPTED
