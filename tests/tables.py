"""The cells of a page's tables as a reader takes them: by the heading of their column,
whatever attributes the markup carries."""

from html import escape
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._hidden = 0  # inside visually hidden text (a heading's "sort ascending")
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self.tables.append({"headings": [], "rows": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self.tables and not self._in_head:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif self._cell is not None:
            if "govuk-visually-hidden" in classes and self._in_head or self._hidden:
                self._hidden += 1
            self._cell.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            html = "".join(self._cell).strip()
            table = self.tables[-1]
            if self._in_head:
                table["headings"].append(html)
            elif table["rows"]:
                table["rows"][-1].append(html)
            self._cell = None
        elif self._cell is not None:
            if self._hidden:
                self._hidden -= 1
            else:
                self._cell.append(f"</{tag}>")

    def handle_data(self, data):
        if self._cell is not None and not self._hidden:
            self._cell.append(escape(data, quote=False))


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def column(page: str, heading: str) -> list[str]:
    """The cells (their inner HTML) under a heading, in every table of the page that has it."""
    parser = _Tables()
    parser.feed(page)
    cells = []
    for table in parser.tables:
        headings = [_text(h) for h in table["headings"]]
        if heading in headings:
            at = headings.index(heading)
            cells += [row[at] for row in table["rows"] if len(row) > at]
    return cells


def column_text(page: str, heading: str) -> list[str]:
    """The text of the cells under a heading, as a reader sees it."""
    return [_text(cell) for cell in column(page, heading)]
