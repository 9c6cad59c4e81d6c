"""Every PDF the service serves is tagged PDF/UA-1: a structure tree, the language, a title
shown as the window's title, embedded fonts, bookmarks, list items made of a label and a
body, and header cells that say whether they head a row or a column.

Each '.pdf' route has an entry in PDF_ROUTES and pdf_urls (or in AS_UPLOADED, with the
reason); a route added without one fails the suite, so no PDF reaches a screen-reader user
unchecked."""

import hashlib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from meetings import selectors
from tests.factories import agenda

# Not made by the service: a clerk's uploaded appendix, its pages copied as they came (see
# tests/test_appendix_uploads.py), so its tagging is its author's.
AS_UPLOADED = {"meetings:appendix_file": "a clerk's uploaded appendix"}

# The routes pdf_urls gives addresses for, named here so that checking the routes needs no
# database.
PDF_ROUTES = (
    "risks:report_pdf",
    "recovery_plans:pdf",
    "meetings:pack",
    "meetings:pack_full",
    "meetings:issue_file",
    "meetings:item_paper",
)

# A published issue's files, by the name its address gives them.
ISSUE_FILES = {
    "pack": "public_pack",
    "pack-full": "full_pack",
    "supplement": "public_supplement",
    "supplement-full": "full_supplement",
}


def pdf_urls(world) -> dict[str, list[str]]:
    """Each PDF route with the addresses that exercise it on the demo council."""
    issue_files = [
        reverse("meetings:issue_file", args=[issue.meeting_id, issue.number, which])
        for issue in world["issues"]
        for which, field in ISSUE_FILES.items()
        if getattr(issue, field)
    ]
    return {
        "risks:report_pdf": [reverse("risks:report_pdf")],
        "recovery_plans:pdf": [reverse("recovery_plans:pdf", args=[p.pk]) for p in world["plans"]],
        "meetings:pack": [reverse("meetings:pack", args=[m.pk]) for m in world["published"]],
        "meetings:pack_full": [
            reverse("meetings:pack_full", args=[m.pk]) for m in world["published"]
        ],
        "meetings:issue_file": issue_files,
        "meetings:item_paper": [
            reverse("meetings:item_paper", args=[m.pk, number])
            for m in world["published"]
            for number in selectors.papers_of(selectors.current_issue(m))
        ],
    }


def _pdf_route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".pdf"):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_pdf_route_has_an_entry():
    routes = _pdf_route_names()
    assert routes, "no '.pdf' route found: the walk of the URL patterns is broken"
    entries = set(PDF_ROUTES) | set(AS_UPLOADED)
    assert routes - entries == set(), "add the new PDF route to PDF_ROUTES and pdf_urls"
    assert entries - routes == set()


# What a PDF must hold ---------------------------------------------------------------------

HEADINGS = {f"/H{level}" for level in range(1, 7)}


def _resolve(node):
    return node.get_object() if isinstance(node, IndirectObject) else node


def _kids(element) -> list:
    kids = _resolve(element.get("/K"))
    if kids is None:
        return []
    return [_resolve(k) for k in (kids if isinstance(kids, ArrayObject) else [kids])]


def _elements(root) -> list[DictionaryObject]:
    found, stack = [], list(_kids(root))
    while stack:
        node = stack.pop()
        if isinstance(node, DictionaryObject) and "/S" in node:
            found.append(node)
            stack.extend(_kids(node))
    return found


def _true(value) -> bool:
    return value == True  # noqa: E712 - pypdf's BooleanObject is an object, always truthy


def _fonts(resources, seen=None):
    """Every font a page draws with, including those of its form XObjects."""
    seen = set() if seen is None else seen
    resources = _resolve(resources) or {}
    for font in (_resolve(resources.get("/Font")) or {}).values():
        yield _resolve(font)
    for xobject in (_resolve(resources.get("/XObject")) or {}).values():
        if isinstance(xobject, IndirectObject):
            if xobject.idnum in seen:
                continue
            seen.add(xobject.idnum)
        xobject = _resolve(xobject)
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            yield from _fonts(xobject["/Resources"], seen)


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":  # drawn by its own glyph procedures
        return True
    if font.get("/Subtype") == "/Type0":
        font = _resolve(_resolve(font["/DescendantFonts"])[0])
    descriptor = _resolve(font.get("/FontDescriptor")) or {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_problems(content: bytes) -> list[str]:
    """What keeps this PDF from being tagged PDF/UA-1 as the service promises."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    problems = []
    xmp = reader.xmp_metadata
    xml = xmp.rdf_root.toxml() if xmp is not None else ""
    if not re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xml):
        problems.append("no PDF/UA-1 identification in the XMP metadata")
    title = (reader.metadata or {}).get("/Title")
    if not title or not (xmp and (xmp.dc_title or {}).get("x-default") == title):
        problems.append(f"title {title!r} missing from the document information or the XMP")
    if root.get("/Lang") != "en-GB":
        problems.append(f"language {root.get('/Lang')!r}, not en-GB")
    preferences = _resolve(root.get("/ViewerPreferences")) or {}
    if not _true(preferences.get("/DisplayDocTitle")):
        problems.append("viewers are not told to show the title (DisplayDocTitle)")
    if not _true((_resolve(root.get("/MarkInfo")) or {}).get("/Marked")):
        problems.append("not marked as tagged (MarkInfo)")
    fonts = [font for page in reader.pages for font in _fonts(page.get("/Resources"))]
    if not fonts:
        problems.append("no fonts found: the text is not text")
    problems += sorted(
        {f"font {f.get('/BaseFont')} is not embedded" for f in fonts if not _embedded(f)}
    )
    if "/StructTreeRoot" not in root:
        return [*problems, "no structure tree"]
    elements = _elements(_resolve(root["/StructTreeRoot"]))
    types = [element["/S"] for element in elements]
    if HEADINGS & set(types) and not reader.outline:
        problems.append("headings but no bookmarks")
    items = [
        tuple(k.get("/S") for k in _kids(e) if isinstance(k, DictionaryObject))
        for e in elements
        if e["/S"] == "/LI"
    ]
    wrong_items = sorted(
        {shape for shape in items if shape not in {("/Lbl", "/LBody"), ("/LBody",)}}
    )
    if wrong_items:
        problems.append(f"list items made of {wrong_items} rather than Lbl and LBody")
    headers = [e for e in elements if e["/S"] == "/TH"]
    unscoped = sum(_scope(e) not in {"/Row", "/Column", "/Both"} for e in headers)
    if unscoped:
        problems.append(f"{unscoped} of {len(headers)} header cells have no Scope")
    crossed = sum(_scope(e) not in {None, _expected_scope(e)} for e in headers)
    if crossed:
        problems.append(f"{crossed} header cells head the wrong way (Row for Column or back)")
    return problems


def _scope(header) -> str | None:
    return (_resolve(header.get("/A")) or {}).get("/Scope")


def _expected_scope(header) -> str | None:
    """How the service's tables are made: the head row's cells head columns; a cell before
    the data cells of its row heads the row."""
    row = _resolve(header["/P"])
    if _resolve(row["/P"]).get("/S") == "/THead":
        return "/Column"
    cells = [k for k in _kids(row) if isinstance(k, DictionaryObject)]
    tds = [i for i, cell in enumerate(cells) if cell["/S"] == "/TD"]
    if tds and any(cell is header for cell in cells[: tds[0]]):
        return "/Row"
    return _scope(header)  # no rule: a group heading, the key's likelihood names


# The demo council's PDFs, every one --------------------------------------------------------


@pytest.fixture
def world(demo_council_with_meetings):
    from meetings.models import IssueStatus, Meeting, PackIssue
    from recovery_plans.models import RecoveryPlan

    published = [m for m in Meeting.objects.order_by("starts_at") if m.issues.exists()]
    return {
        "plans": list(RecoveryPlan.objects.order_by("pk")),
        "published": published,
        "issues": list(PackIssue.objects.filter(status=IssueStatus.READY).order_by("pk")),
        "admin": get_user_model().objects.get(username="admin"),
    }


def _get(client, url) -> bytes:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "application/pdf", url
    return body


def test_every_pdf_the_service_serves_is_tagged_pdf_ua(client, world):
    """Fetched as the site administrator, who may see every pack; identical files (a pack
    with no Part II item is its full pack too) are checked once."""
    client.force_login(world["admin"])
    urls = pdf_urls(world)
    assert set(urls) == set(PDF_ROUTES)
    checked: dict[str, list[str]] = {}
    wrong = []
    for name, addresses in urls.items():
        assert addresses, f"the demo council has no {name} to check"
        for url in addresses:
            content = _get(client, url)
            digest = hashlib.sha256(content).hexdigest()
            if digest not in checked:
                checked[digest] = pdf_problems(content)
            wrong += [f"{name} {url}: {problem}" for problem in checked[digest]]
    assert wrong == [], "\n".join(wrong)


# What a report's author writes ----------------------------------------------------------

NOTES = """Notes on the figures:

1. Percentages are rounded.

2. The indicator of deprivation is free school meals.

    It counts any census day in the last six years.

| Measure | Pupils |
| --- | --- |
| Persistently absent | 1,204 |
"""


def test_a_reports_loose_lists_and_tables_are_tagged_as_lists_and_headed_columns(db, clara):
    from meetings import services
    from meetings.models import IssueStatus

    meeting = agenda(reports=["Attendance Report"])
    report = meeting.items.get(kind="report").report
    report.background = NOTES
    report.save()
    issue = services.request_publication(meeting, by=clara)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY, issue.error
    with issue.public_pack.open("rb") as handle:
        content = handle.read()
    # Among them: every list item a label and a body, the table's header cells scoped.
    assert pdf_problems(content) == []
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "It counts any census day in the last six years." in text
    elements = _elements(_resolve(reader.trailer["/Root"]["/StructTreeRoot"]))
    # The second note's two paragraphs are one list item's body, after its label.
    bodies = [
        [k["/S"] for k in _kids(body)]
        for item in elements
        if item["/S"] == "/LI"
        for body in _kids(item)
        if body.get("/S") == "/LBody"
    ]
    assert ["/P", "/P"] in bodies
