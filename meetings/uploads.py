"""Checks on an uploaded appendix PDF: by its content, not its name."""

import io

from django.core.exceptions import ValidationError

from meetings.models import MAX_UPLOAD_BYTES

# The longest appendix a committee reads (a statement of accounts, an inspection report)
# runs to a few hundred pages; each page is laid out and drawn into the pack, so 20,000
# pages would tie up the worker for hours.
MAX_PAGES = 500
# Objects walked looking for active content: far more than a 500-page document holds.
MAX_OBJECTS = 500_000


def check_pdf(data: bytes, *, name: str = "The file") -> int:
    """The number of pages of a PDF the pack can include, or a ValidationError saying why
    not: not a PDF, encrypted, over 20 MB, damaged, or empty."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(data) > MAX_UPLOAD_BYTES:
        megabytes = len(data) / 1024 / 1024
        raise ValidationError(f"{name} is {megabytes:.1f} MB; appendices can be at most 20 MB.")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError(f"{name} is not a PDF file.")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                f"{name} is encrypted (password protected); upload a copy without a password."
            )
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise ValidationError(
                f"{name} has {pages:,} pages; an appendix can have at most {MAX_PAGES}. "
                "Upload the pages the committee needs, or split it into appendices."
            )
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading each page's size proves it is readable
        active = active_content(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(f"{name} is a damaged PDF that cannot be read ({error}).") from None
    if pages == 0:
        raise ValidationError(f"{name} has no pages.")
    if active:
        raise ValidationError(
            f"{name} contains {active}, which the agenda pack must not carry to its "
            "readers; print it to PDF again (or export it without scripts) and upload that."
        )
    return pages


# Actions a PDF reader runs, or that open another file or send the form somewhere: the pack
# copies each uploaded page's links into the council's own PDF.
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/RichMediaExecute",
    "/GoToR",
    "/GoToE",
    "/Movie",
    "/Sound",
    "/Rendition",
}
_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")


def active_content(reader) -> str:
    """What in the PDF would run a script or a program, open or carry another file, or
    follow a link other than http, https or mailto; '' when there is nothing. Walks every
    object reachable from the trailer, resolving indirect objects wherever they stand."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    def resolved(value):
        return value.get_object() if isinstance(value, IndirectObject) else value

    seen, todo, visited = set(), [reader.trailer], 0
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "more objects than any appendix holds"
        if isinstance(node, DictionaryObject):
            keys = set(node.keys())
            if keys & {"/JS", "/JavaScript"}:
                return "JavaScript (or another action a PDF reader would run)"
            if keys & {"/EmbeddedFiles", "/EF"}:
                return "an embedded file"
            if "/AA" in keys:
                return "an action run when a page or field is opened or closed"
            if "/XFA" in keys:
                return "an XFA form (which can carry scripts)"
            action = resolved(node.get("/S"))
            if action in _ACTIVE_ACTIONS:
                return f"a {str(action)[1:]} action (which a PDF reader would run or follow)"
            if resolved(node.get("/Subtype")) in _ACTIVE_ANNOTATIONS:
                return f"a {str(resolved(node['/Subtype']))[1:]} annotation"
            if action == "/URI":
                uri = str(resolved(node.get("/URI", ""))).strip().lower()
                if not uri.startswith(_LINK_SCHEMES):
                    return f'a link to "{uri[:40]}"'
            todo.extend(node.values())
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return ""


def clean_copy(data: bytes) -> bytes:
    """A new PDF of the checked upload's pages only (their text, images and web links):
    no document-level actions, names, forms or outlines, no page actions and no
    annotation but a link to an http, https or mailto address. This is what is stored and
    served, so the uploaded bytes never reach a reader."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    for page in writer.pages:
        if "/AA" in page:
            del page["/AA"]
        links = ArrayObject()
        for annotation in page.get("/Annots") or []:
            annotation_object = annotation.get_object()
            target = annotation_object.get("/A")
            target = target.get_object() if target is not None else None
            if (
                annotation_object.get("/Subtype") == "/Link"
                and target is not None
                and target.get("/S") == "/URI"
                and str(target.get("/URI", "")).strip().lower().startswith(_LINK_SCHEMES)
            ):
                links.append(annotation)
        if "/Annots" in page:
            page[NameObject("/Annots")] = links
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
