"""How the service makes a PDF: what WeasyPrint may reach while it lays one out, the address
links resolve against, and the tagging that makes every PDF PDF/UA-1.

The PDF templates carry their styles and images inline, so the renderer needs nothing from
outside: refusing every URL but data: means no text in a report can make the server fetch
an internal address or read one of its own files into a published paper.

Every PDF is written as PDF/UA-1 (a structure tree, the template's lang and <title>, shown
as the window's title), and `complete_tags` adds what WeasyPrint 70 leaves out of the
tagging: the Scope of header cells, and an LBody around block content in list items."""

import re

import pydyf
from django.conf import settings
from weasyprint.urls import URLFetcher

VARIANT = "pdf/ua-1"


class InlineOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"A PDF of this service loads nothing from outside: {url}")
        return super().fetch(url, headers)


def site_url() -> str:
    """The public address of the service: SITE_URL, else the first host it serves. Relative
    links in reports resolve against it, so a link in a PDF leads to the service."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + "/"
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost'}/"


# Whitespace between two tags of a table's structure (a row and its cells, a group and its
# rows), as templates indent them. It is never drawn, but WeasyPrint parses each run, builds
# a text box for it and drops it only when it builds the table: in a 200-row register that is
# thousands of boxes. Whitespace inside a cell (after <td> or <th>) is content and is kept.
_STRUCTURE = r"(?:tr|td|th|thead|tbody|tfoot|caption|colgroup|col)"
_CLOSED = r"</(?:td|th|tr|thead|tbody|tfoot|caption|colgroup)>"
_OPENED = r"<(?:tr|thead|tbody|tfoot|table|colgroup|col)\b[^>]*>"
_BETWEEN_TABLE_TAGS = re.compile(rf"({_CLOSED}|{_OPENED})\s+(?=</?{_STRUCTURE}\b|</table>)")


def without_table_indentation(html: str) -> str:
    return _BETWEEN_TABLE_TAGS.sub(r"\1", html)


def html_for_pdf(html: str, *, base_url: str | None = None):
    from weasyprint import HTML

    return HTML(
        string=without_table_indentation(html),
        base_url=base_url or site_url(),
        url_fetcher=InlineOnlyFetcher(),
    )


def lay_out(html: str, *, base_url: str | None = None):
    """The laid-out document, for callers that read or join its pages before writing."""
    return html_for_pdf(html, base_url=base_url).render(pdf_variant=VARIANT)


def write_tagged(document) -> bytes:
    """A laid-out document as tagged PDF/UA-1."""
    return document.write_pdf(pdf_variant=VARIANT, finisher=complete_tags)


def tagged_pdf(html: str, *, base_url: str | None = None) -> bytes:
    return write_tagged(lay_out(html, base_url=base_url))


# Scope as PDF names it, for each value of the scope attribute of a <th>.
_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def complete_tags(document, pdf: pydyf.PDF) -> None:
    """Run by WeasyPrint once it has built the structure tree, before the file is written."""
    _scope_header_cells(document)
    _wrap_list_item_bodies(pdf)


def _scope_header_cells(document) -> None:
    """WeasyPrint 70 links data cells to their headers (Headers and IDs) but writes no Scope
    on a TH (Kozea/WeasyPrint#2508), which PDF/UA checkers and some screen readers read.
    While tagging, it leaves each cell's structure element on the cell's box as `mark`."""
    for page in document.pages:
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "mark", None)
            if element is None or box.element_tag != "th":
                continue
            scope = _SCOPES.get(box.element.get("scope", "").lower())
            if scope:
                element["A"]["Scope"] = scope


def _wrap_list_item_bodies(pdf: pydyf.PDF) -> None:
    """WeasyPrint tags a list item's inline content as its LBody, but its block children as
    children of the LI itself: a Markdown list with blank lines between the items (each item
    a <p>) comes out as LI > Lbl, P, which PDF/UA does not allow. A stylesheet could only
    avoid it by changing the layout (display: inline runs an item's paragraphs together,
    inline-block keeps a paragraph from breaking across pages), so the body is wrapped here.

    Only structure elements move: the marked content stays with the elements that own it,
    so the parent tree that maps content to elements is unchanged."""
    for element in list(pdf.objects):
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/LI":
            continue
        if not all(isinstance(kid, bytes) for kid in element["K"]):
            continue  # marked content of its own: nothing WeasyPrint writes, left alone
        kids = [pdf.objects[int(kid.split()[0])] for kid in element["K"]]
        body = [kid for kid in kids if kid.get("S") != "/Lbl"]
        if [kid.get("S") for kid in body] in ([], ["/LBody"]):
            continue
        wrapper = pydyf.Dictionary(
            {
                "Type": "/StructElem",
                "S": "/LBody",
                "K": pydyf.Array([kid.reference for kid in body]),
                "Pg": element["Pg"],
                "P": element.reference,
            }
        )
        pdf.add_object(wrapper)
        for kid in body:
            kid["P"] = wrapper.reference
            if kid.get("S") == "/LBody":
                # An item's text beside its paragraphs: part of the one body now.
                kid["S"] = "/NonStruct"
        labels = [kid.reference for kid in kids if kid.get("S") == "/Lbl"]
        element["K"] = pydyf.Array([*labels, wrapper.reference])
