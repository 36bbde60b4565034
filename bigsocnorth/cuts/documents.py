"""Evidence documents made safe to keep: nothing that identifies the uploader survives.

A document backing up a reported cut (council minutes as a PDF, a photo of a
notice on a library door) is trusted for nothing. Its size is checked before
a byte is read, and no more than the limit is ever read. Its type comes from
its first bytes, never from its name or the type the browser declared.

Pictures are re-encoded by `bigsocnorth.core.images`, which keeps only the
pixels, so EXIF, GPS and comments are gone.

PDFs are opened with pikepdf and refused when damaged, locked with a
password, carrying scripts, launch actions or embedded files, or too long.
An accepted PDF loses its document information (author, creator, producer,
dates, title), every XMP metadata stream, every application's private data
(/PieceInfo), the author's name and dates on comments and highlights, its old
revisions and unused objects, and its file identifier, which is made new.
Any failure while doing this refuses the file: a PDF we could not check
completely is never kept.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

import pikepdf
import pikepdf.settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from bigsocnorth.core.images import ImageRules, image_clean

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 2000
# Checking a PDF visits every dictionary and array in it; a file built to
# make that endless is refused once this many have been looked at.
MAX_PDF_NODES = 1_000_000
MAX_PDF_OBJECTS = 500_000

PICTURE_RULES = ImageRules(
    max_bytes=MAX_DOCUMENT_BYTES, max_side=8000, output_side=2400, output_format="JPEG"
)
# Pictures sent without loss (screenshots, mostly) stay that way so small print stays sharp.
LOSSLESS_PICTURE_RULES = ImageRules(
    max_bytes=MAX_DOCUMENT_BYTES, max_side=8000, output_side=2400, output_format="PNG"
)

# A small PDF can unpack to gigabytes. qpdf unpacks only the file's own
# structure here (object and cross-reference streams; page content is copied
# as it is) and gives up on any one stream past this size, which real files
# come nowhere near. The setting is for the whole process; nothing else here
# reads PDFs.
PDF_UNPACK_MAX_BYTES = 64 * 1024 * 1024
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=PDF_UNPACK_MAX_BYTES,
    png_max_memory=PDF_UNPACK_MAX_BYTES,
    run_length_max_memory=PDF_UNPACK_MAX_BYTES,
)

# Actions that run something or open something other than the document itself.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/RichMediaExecute"}
)
# Keys that only appear where a PDF carries scripts, forms that run code, or other files.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# Kinds of dictionary (by /Type or /Subtype) that are other files or players for them.
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia"})
_KIND_KEYS = frozenset({"/S", "/Type", "/Subtype"})
# Keys holding who made the file, with what, and when.
_PRIVATE_KEYS = frozenset({"/Metadata", "/PieceInfo"})
# Comments, highlights and stamps are signed with their author's name (/T) and dated.
_MARKUP_ANNOTATIONS = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Caret",
        "/Stamp",
        "/Ink",
        "/Sound",
        "/Redact",
    }
)
_MARKUP_PRIVATE_KEYS = frozenset({"/T", "/M", "/CreationDate"})


@dataclass(frozen=True)
class CleanDocument:
    content: ContentFile  # the cleaned bytes
    content_type: str  # "application/pdf", "image/png" or "image/jpeg"
    extension: str  # "pdf", "png" or "jpg"
    size: int


def evidence_document_clean(*, upload) -> CleanDocument:
    """A cleaned copy of an uploaded PDF or picture, or ValidationError saying what is wrong."""
    data = _document_read(upload)
    if data.startswith(b"%PDF-"):
        cleaned = _pdf_clean(data)
        return CleanDocument(
            content=ContentFile(cleaned),
            content_type="application/pdf",
            extension="pdf",
            size=len(cleaned),
        )
    picture_format = _picture_format(data)
    if picture_format is None:
        raise ValidationError(_("Upload a PDF or a picture (JPEG, PNG, WebP or GIF)."))
    return _picture_clean(data, picture_format)


def _document_read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; a document can be at most %(max)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "max": _megabytes(MAX_DOCUMENT_BYTES)}
        )
    upload.seek(0)
    # The declared size may be wrong: one byte past the limit is enough to know.
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is more than %(max)s MB; a document can be at most %(max)s MB.")
            % {"max": _megabytes(MAX_DOCUMENT_BYTES)}
        )
    if not data:
        raise ValidationError(_("The file is empty. Choose the document again and upload it."))
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.0f}"


def _picture_format(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _picture_clean(data: bytes, picture_format: str) -> CleanDocument:
    lossless = picture_format in ("PNG", "GIF")
    rules = LOSSLESS_PICTURE_RULES if lossless else PICTURE_RULES
    try:
        content = image_clean(upload=ContentFile(data), rules=rules)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(
            _("This picture is damaged or incomplete. Try saving it again and re-uploading.")
        ) from None
    cleaned = content.read()
    return CleanDocument(
        content=ContentFile(cleaned),
        content_type="image/png" if lossless else "image/jpeg",
        extension="png" if lossless else "jpg",
        size=len(cleaned),
    )


def _pdf_clean(data: bytes) -> bytes:
    try:
        return _pdf_rewrite(data)
    except ValidationError:
        raise
    except pikepdf.PasswordError:
        raise ValidationError(
            _(
                "This PDF is protected by a password. Remove the password, save the PDF "
                "and upload it again."
            )
        ) from None
    except Exception:
        # Whatever went wrong, a PDF we could not check completely is not kept.
        raise ValidationError(_pdf_damaged_message()) from None


def _pdf_damaged_message() -> str:
    return _("This PDF is damaged or incomplete. Open it, print it to a new PDF and upload that.")


def _pdf_rewrite(data: bytes) -> bytes:
    # No repairs: a cut-off or broken file is refused rather than half-read.
    with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
        object_count = pdf.trailer.get("/Size")
        if not isinstance(object_count, int) or object_count > MAX_PDF_OBJECTS:
            raise ValidationError(_pdf_too_complex_message())
        page_count = len(pdf.pages)
        if page_count > MAX_PDF_PAGES:
            raise ValidationError(
                _("This PDF has %(count)s pages; a document can have at most %(max)s pages.")
                % {"count": f"{page_count:,}", "max": f"{MAX_PDF_PAGES:,}"}
            )
        _pdf_check_and_strip(pdf)
        # The document information: Author, Creator, Producer, Title, dates.
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        # The writer keeps the first half of the identifier it finds and
        # would otherwise derive one from the clock: give it a random one.
        fresh_id = pikepdf.String(secrets.token_bytes(16))
        pdf.trailer.ID = pikepdf.Array([fresh_id, fresh_id])
        output = io.BytesIO()
        # Only objects still in use are written, so old revisions and the
        # removed metadata are left behind. Streams are copied, never
        # decompressed. Encryption (only ever an owner password here) is dropped.
        pdf.save(
            output,
            deterministic_id=False,
            static_id=False,
            fix_metadata_version=False,
            preserve_pdfa=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            encryption=False,
        )
        if pdf.get_warnings():
            # The reader had to guess somewhere: the copy may not be faithful.
            raise ValidationError(_pdf_damaged_message())
    return output.getvalue()


def _pdf_check_and_strip(pdf: pikepdf.Pdf) -> None:
    """Refuse active content anywhere in the file; drop metadata wherever it is kept.

    Every object in the file is visited, whether or not anything points to it,
    with the dictionaries and arrays written inside it. Objects referred to by
    number are visited in their own turn, so nothing is looked at twice.
    """
    budget = MAX_PDF_NODES
    for top in pdf.objects:
        pending = [top]
        while pending:
            budget -= 1
            if budget < 0:
                raise ValidationError(_pdf_too_complex_message())
            node = pending.pop()
            if isinstance(node, pikepdf.Array):
                children = list(node)
            elif isinstance(node, (pikepdf.Dictionary, pikepdf.Stream)):
                children = _pdf_dictionary_check_and_strip(node)
            else:
                continue
            pending.extend(
                child
                for child in children
                if isinstance(child, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream))
                and not child.is_indirect
            )


def _pdf_dictionary_check_and_strip(node: pikepdf.Object) -> list:
    """The values left in a dictionary or stream, once it is known to be harmless and stripped."""
    values = []
    private = []
    comment = False
    for key, value in node.items():
        if key in _ACTIVE_KEYS:
            raise ValidationError(_pdf_active_message())
        if key in _KIND_KEYS and isinstance(value, pikepdf.Name):
            kind = str(value)
            if kind in (_ACTIVE_ACTIONS if key == "/S" else _ACTIVE_TYPES):
                raise ValidationError(_pdf_active_message())
            comment = comment or (key == "/Subtype" and kind in _MARKUP_ANNOTATIONS)
        if key in _PRIVATE_KEYS or key in _MARKUP_PRIVATE_KEYS:
            private.append((key, value))
        else:
            values.append(value)
    for key, value in private:
        # /T names a comment's author, but a form field: that one stays.
        if key in _PRIVATE_KEYS or comment:
            del node[key]
        else:
            values.append(value)
    return values


def _pdf_active_message() -> str:
    return _(
        "This PDF contains scripts or embedded files, which we do not accept. "
        "Print it to a new PDF and upload that."
    )


def _pdf_too_complex_message() -> str:
    return _("This PDF is too complex for us to check. Print it to a new PDF and upload that.")
