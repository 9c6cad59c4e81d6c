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
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(f"{name} is a damaged PDF that cannot be read ({error}).") from None
    if pages == 0:
        raise ValidationError(f"{name} has no pages.")
    return pages
