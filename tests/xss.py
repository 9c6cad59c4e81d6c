"""Reading back what the app serves, for the stored-XSS test: the text of a page and any
script, event handler or javascript: address in it; the actions and links of a PDF; export
cells a spreadsheet would run as formulas (OWASP's CSV injection); a calendar feed's events."""

import csv
import io
import re
from html.parser import HTMLParser

from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

MARKER = re.compile(r"XSS\d{3}")
# A spreadsheet takes a cell starting with one of these for a formula, unless it is a figure.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIGURE = re.compile(r"[-+]?£?\d[\d,]*(\.\d+)?(%|m|k| days?)?( \(revised\))?")
CALENDAR_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "URL",
    "TRANSP",
    # A meeting's entry: where it is held, and whether it is confirmed.
    "LOCATION",
    "STATUS",
}

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "cite"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
FORBIDDEN_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base"}


def _url(value: str) -> str:
    """A URL as a browser reads it: tabs and newlines dropped, then control characters and
    spaces at either end (the WHATWG URL standard)."""
    return re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21)))).lower()


class PageReader(HTMLParser):
    """The text of a page, and every script, event handler and javascript: URL in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.problems: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name in URL_ATTRIBUTES and _url(value).startswith(BAD_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name in {"style", "content"} and "javascript:" in _url(value):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            own = attributes.get("src", "").startswith(("/static/", "/admin/jsi18n/"))
            data = attributes.get("type") == "application/json" and "src" not in attributes
            if not (own or data):
                self.problems.append(f"<script {attributes}>")
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def read_page(content: bytes) -> tuple[str, list[str]]:
    reader = PageReader()
    reader.feed(content.decode())
    reader.close()
    return " ".join(reader.text), reader.problems


def pdf_problems(reader: PdfReader) -> list[str]:
    """Scripts, launch and form actions, additional actions and links other than http(s)
    and mailto anywhere in the PDF's objects."""
    problems, seen, todo = [], set(), [reader.trailer["/Root"]]
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key in ("/JS", "/JavaScript", "/AA", "/OpenAction", "/EmbeddedFiles"):
                if key in node:
                    problems.append(f"{key} in {sorted(node)}")
            if node.get("/S") in {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData"}:
                problems.append(f"action {node['/S']}")
            if node.get("/Subtype") in {"/FileAttachment", "/RichMedia", "/Movie"}:
                problems.append(f"annotation {node['/Subtype']}")
            if node.get("/S") == "/URI":
                uri = _url(str(node.get("/URI", "")))
                if not uri.startswith(("http:", "https:", "mailto:")):
                    problems.append(f"link to {uri[:40]}")
            todo.extend(node.values())
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return problems


def _drain(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Findings:
    """Where each payload was read back (by its marker: XSS001...), and everything wrong
    on the way. `payloads` maps each marker to the text stored with it, `names` to the
    field it was stored in."""

    def __init__(self, payloads: dict[str, str], names: dict[str, str]):
        self.payloads, self.names = payloads, names
        self.seen: dict[str, set[str]] = {marker: set() for marker in payloads}
        self.literal_script: set[str] = set()  # where "<script>alert(" was shown as text
        self.problems: list[str] = []
        self._pdfs: set[bytes] = set()

    def found(self, kind: str, text: str) -> None:
        for marker in MARKER.findall(text):
            self.seen.setdefault(marker, set()).add(kind)
        if '<script>alert("' in text:
            self.literal_script.add(kind)

    def cell(self, where: str, value, *, quote_prefix: bool = False) -> None:
        """A spreadsheet cell: no formula, and any payload in it kept whole as text."""
        if not isinstance(value, str):
            return
        starts_formula = value.startswith(FORMULA_STARTS) and value != "-"
        if starts_formula and not quote_prefix and not FIGURE.fullmatch(value):
            self.problems.append(f"{where}: a formula: {value[:50]!r}")
        self.literal(where, value.removeprefix("'"))

    def literal(self, where: str, text: str) -> None:
        """Any payload in the text whole, as the field stores it (not escaped, not cut)."""
        for marker in set(MARKER.findall(text)):
            if self.payloads[marker] not in text:
                name = self.names[marker]
                self.problems.append(f"{where}: {name} not kept as it is: {text!r}")
        self.found("export", text)

    def read_html(self, where: str, body: bytes, *, kind: str = "page") -> None:
        text, problems = read_page(body)
        self.problems += [f"{where}: {p}" for p in problems]
        self.found(kind, text)

    def read(self, where: str, response) -> None:
        kind = response["Content-Type"].split(";")[0]
        body = _drain(response)
        if response.get("X-Content-Type-Options") != "nosniff":
            self.problems.append(f"{where}: {kind} without X-Content-Type-Options: nosniff")
        if kind == "text/html":
            self.read_html(where, body)
        elif kind == "application/pdf" and body not in self._pdfs:
            self._pdfs.add(body)
            reader = PdfReader(io.BytesIO(body))
            self.problems += [f"{where}: {p}" for p in pdf_problems(reader)]
            self.found("pdf", "\n".join(page.extract_text() for page in reader.pages))
        elif kind == "text/csv":
            for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))):
                for value in row:
                    self.cell(where, value)
        elif kind.endswith("spreadsheetml.sheet"):
            for sheet in load_workbook(io.BytesIO(body)).worksheets:
                for cell in (cell for row in sheet.iter_rows() for cell in row):
                    if cell.data_type == "f":
                        self.problems.append(f"{where} {cell.coordinate}: formula {cell.value}")
                    self.cell(
                        f"{where} {cell.coordinate}", cell.value, quote_prefix=cell.quotePrefix
                    )
        elif kind == "text/calendar":
            self.read_calendar(where, body)

    def read_calendar(self, where: str, body: bytes) -> None:
        """Each event has only the properties the feed writes, and its texts stay texts:
        no line of them starts a property or an event of its own."""
        events = Calendar.from_ical(body).walk("VEVENT")
        if len(re.findall(rb"^BEGIN:VEVENT\r?$", body, re.MULTILINE)) != len(events):
            self.problems.append(f"{where}: an event written into a text")
        for event in events:
            extra = set(event) - CALENDAR_PROPERTIES
            if extra or not str(event["URL"]).startswith("http://testserver/"):
                self.problems.append(f"{where}: event with {extra} {event['URL']}")
            self.found("export", str(event["SUMMARY"]))  # cut to 250 characters
            self.literal(f"{where} DESCRIPTION", str(event["DESCRIPTION"]))
            if "LOCATION" in event:
                self.literal(f"{where} LOCATION", str(event["LOCATION"]))
