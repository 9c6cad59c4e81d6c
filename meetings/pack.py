"""The agenda pack: one PDF with the front sheet, then every report and its appendices,
paginated continuously.

The body (reports, minutes, appendices) is laid out first; each item starts on a new page
and carries an anchor, so the pages each item occupies are read from the layout itself.
The front sheet is then laid out with those real page ranges, and the two are joined: the
front sheet is unnumbered and the body counts from page 1, as council packs do. Uploaded PDF
appendices take placeholder pages in the body (so they get the running header and page
number) and their pages are drawn onto them afterwards.

Each item can also be cut out as a PDF of its own (`papers`): the same laid-out pages,
written again, so its pages and their numbers are the pack's."""

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string

from meetings.models import AgendaItem, Appendix, AppendixKind, Meeting
from scorecard.pdf import lay_out, write_tagged

ProgressCallback = Callable[[str], None]

# Inside the placeholder page's margins (A4 portrait, see pack.css), in PDF points.
_MM = 72 / 25.4
# The top 10 mm stay free for the caption naming the appendix.
_BOX = (14 * _MM, 16 * _MM, (210 - 14) * _MM, (297 - 20 - 10) * _MM)


@dataclass
class RenderedPack:
    pdf: bytes
    ranges: dict[str, list[int]] = field(default_factory=dict)  # item number -> [first, last]
    pages: int = 0
    front_pages: int = 0
    papers: dict[str, bytes] = field(default_factory=dict)  # item number -> its own PDF


def item_anchor(item: AgendaItem) -> str:
    return f"item-{item.number}"


def _body_ranges(document, items: list[AgendaItem]) -> dict[str, list[int]]:
    starts = {}
    for index, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor.startswith("item-"):
                starts.setdefault(anchor, index)
    ordered = sorted(
        (starts[item_anchor(i)], str(i.number)) for i in items if item_anchor(i) in starts
    )
    ranges = {}
    for position, (first, number) in enumerate(ordered):
        last = ordered[position + 1][0] - 1 if position + 1 < len(ordered) else len(document.pages)
        ranges[number] = [first, last]
    return ranges


def _upload_pages(document) -> dict[str, int]:
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("upload-"):
                found.setdefault(anchor, index)
    return found


def pack_context(meeting: Meeting, items: list[AgendaItem], *, full: bool, supplement=False):
    return {
        "meeting": meeting,
        "items": items,
        "with_pages": [item for item in items if item.has_pages],
        "full": full,
        "supplement": supplement,
        "council_name": settings.COUNCIL_NAME,
    }


def pack_body_html(context: dict) -> str:
    """The reports, minutes and appendices of the pack as one HTML document."""
    return render_to_string("meetings/pack_body.html", context)


def render_pack(
    meeting: Meeting,
    items: list[AgendaItem],
    *,
    full: bool,
    supplement: bool = False,
    progress: ProgressCallback | None = None,
    papers_for: set[int] = frozenset(),
) -> RenderedPack:
    """Lay out the pack for `items` (already filtered to what its readers may see).

    Generated appendices carry their HTML (frozen, or about to be frozen) as `pack_html`;
    `progress` is told each stage; the items numbered in `papers_for` are also written as
    PDFs of their own."""

    say = progress or (lambda stage: None)
    context = pack_context(meeting, items, full=full, supplement=supplement)
    with_pages = context["with_pages"]
    say("Laying out the reports and appendices")
    body_pages, ranges, uploads = [], {}, {}
    if with_pages:
        body_html = pack_body_html(context)
        body = lay_out(body_html)
        body_pages, ranges, uploads = (
            body.pages,
            _body_ranges(body, with_pages),
            _upload_pages(body),
        )
    say("Laying out the front sheet")
    front_html = render_to_string("meetings/pack_front.html", {**context, "ranges": ranges})
    front = lay_out(front_html)
    say("Writing the PDF")
    pdf = write_tagged(front.copy(front.pages + body_pages))
    if uploads:
        say("Adding uploaded appendices")
        pdf = _draw_uploads(pdf, uploads, len(front.pages), items)
    papers = {}
    if papers_for and with_pages:
        say("Writing each item's own PDF")
        chosen = [item for item in with_pages if item.number in papers_for]
        papers = _papers(meeting, body, ranges, uploads, chosen)
    return RenderedPack(
        pdf=pdf,
        ranges=ranges,
        pages=len(body_pages),
        front_pages=len(front.pages),
        papers=papers,
    )


def _papers(meeting, body, ranges, uploads, items: list[AgendaItem]) -> dict[str, bytes]:
    """Each item's pages of the laid-out body as a tagged PDF titled with the item."""
    papers = {}
    for item in items:
        first, last = ranges[str(item.number)]
        part = body.copy(body.pages[first - 1 : last])
        part.metadata = copy.copy(body.metadata)
        part.metadata.title = f"{meeting}: item {item.number}, {item.title}"
        pdf = write_tagged(part)
        own = {
            anchor: index - (first - 1)
            for anchor, index in uploads.items()
            if first - 1 <= index < last
        }
        papers[str(item.number)] = _draw_uploads(pdf, own, 0, [item]) if own else pdf
    return papers


def _draw_uploads(pdf: bytes, uploads: dict[str, int], offset: int, items) -> bytes:
    """Scale each page of each uploaded appendix into its placeholder page's margins."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    appendices = {
        a.pk: a
        for item in items
        if item.kind == "report" and hasattr(item, "report")
        for a in item.report.appendices.all()
        if a.kind == AppendixKind.UPLOAD
    }
    for appendix_id, appendix in appendices.items():
        with appendix.file.open("rb") as handle:
            source = PdfReader(io.BytesIO(handle.read()))
        for number, page in enumerate(source.pages):
            target_index = uploads.get(f"upload-{appendix_id}-{number}")
            if target_index is None:
                continue
            target = writer.pages[offset + target_index]
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            left, bottom, right, top = _BOX
            scale = min((right - left) / width, (top - bottom) / height)
            dx = left + ((right - left) - width * scale) / 2 - float(page.mediabox.left) * scale
            dy = (
                bottom + ((top - bottom) - height * scale) / 2 - float(page.mediabox.bottom) * scale
            )
            target.merge_transformed_page(
                page, Transformation().scale(scale, scale).translate(dx, dy), over=True
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload_page_numbers(appendix: Appendix) -> range:
    return range(appendix.page_count or 0)
