"""Checks on an uploaded appendix PDF: by its content, not its name."""

import io

from django.core.exceptions import ValidationError

from meetings.models import MAX_UPLOAD_BYTES


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


# Actions a PDF reader runs or follows that are not plain links: the pack copies each
# uploaded page's links into the council's own PDF, and the file is served as uploaded.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")


def active_content(reader) -> str:
    """What in the PDF would run a script or a program, or follow a link other than http,
    https or mailto; '' when there is nothing."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen, todo = set(), [reader.trailer["/Root"]]
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if "/JS" in node or node.get("/S") in _ACTIVE_ACTIONS:
                return "JavaScript (or another action a PDF reader would run)"
            if node.get("/S") == "/URI":
                uri = str(node.get("/URI", "")).strip().lower()
                if not uri.startswith(_LINK_SCHEMES):
                    return f'a link to "{uri[:40]}"'
            todo.extend(node.values())
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return ""
