"""Every HTML page of the access matrix, as every role that may see it, read as a browser
shows it: no markup printed as text (an escaped tag), no "None", "nan" or "[object" where a
value belongs, and no table that promises rows and has none. The demo council gives the
pages real content."""

import re
from html.parser import HTMLParser

import pytest

from tests.test_access_matrix import EXPECTED, ROLES, build_world, urls_for

# A whole tag in the text a reader sees: markup escaped by mistake. A "<" that opens no
# tag ("< 5%", "<10 cases") is the text's own.
ESCAPED_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")
# Python's and JavaScript's words for a missing value, printed instead of the value.
PLACEHOLDER = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\[object")
# "None" meant as the word, each by the text before it: the committee report's heading
# over an empty list, as the council's papers print it, and the admin's recent actions.
WORD_NONE = {("List of Background Papers", "None"), ("My actions", "None available")}
# What a reader never sees as text.
UNSEEN = {"script", "style", "template", "head"}
# Where a user's own words appear as they typed them (a form being edited): markup they
# typed is theirs, not an escaping mistake.
TYPED = {"textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img"} | {"input", "link", "meta", "wbr"}


class Page(HTMLParser):
    """The text of a page as a reader sees it, with the element each run of text is in,
    and the tables whose rows are empty."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.texts: list[tuple[str, str]] = []  # (text, innermost element)
        self.tables: list[dict] = []  # per open table: heading rows, body rows, has tbody
        self.empty_tables: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.open.append(tag)
        if tag == "table":
            self.tables.append({"head": 0, "rows": 0, "tbody": 0, "caption": ""})
        elif self.tables and tag == "tbody":
            self.tables[-1]["tbody"] += 1
        elif self.tables and tag == "tr":
            self.tables[-1]["head" if "thead" in self.open else "rows"] += 1

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open:  # close what the page left open inside this element
            closed = self.open.pop()
            if closed == "table" and self.tables:
                table = self.tables.pop()
                if table["rows"] == 0 and (table["head"] or table["tbody"]):
                    self.empty_tables.append(table["caption"] or "a table")
            if closed == tag:
                break

    def handle_data(self, data):
        if UNSEEN.intersection(self.open) or not data.strip():
            return
        if self.tables and "caption" in self.open:
            self.tables[-1]["caption"] += data.strip()
        self.texts.append((data, self.open[-1] if self.open else ""))


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def problems_of(html: str) -> list[str]:
    """What a reader of the page would see wrong, each with the text around it."""
    page = read_page(html)
    problems = []
    before = ""
    for text, element in page.texts:
        if (before, text.strip()) in WORD_NONE:
            before = text.strip()
            continue
        before = text.strip()
        escaped = ESCAPED_TAG.search(text) if element not in TYPED else None
        if escaped:
            snippet = " ".join(text[escaped.start() : escaped.start() + 80].split())
            problems.append(f"markup printed as text: {snippet!r}")
        for hit in PLACEHOLDER.finditer(text):
            around = text[max(0, hit.start() - 40) : hit.end() + 40]
            problems.append(f"{hit.group(0)!r} printed: {' '.join(around.split())!r}")
    problems += [f"no rows in {caption!r}" for caption in page.empty_tables]
    return problems


@pytest.mark.parametrize(
    ("html", "wanted"),
    [
        ('<td><strong class="govuk-tag">Red</strong></td>', []),
        (
            '<td>&lt;strong class="govuk-tag govuk-tag--grey"&gt;Not rated&lt;/strong&gt;</td>',
            [
                "markup printed as text: "
                "'<strong class=\"govuk-tag govuk-tag--grey\">Not rated</strong>'"
            ],
        ),
        ("<p>Below target (&lt; 5%) and &lt;10 cases</p>", []),
        ("<textarea>&lt;b&gt;my note&lt;/b&gt;</textarea>", []),
        ('<script>if (a < b) { x = "None"; }</script><p title="None">Fine</p>', []),
        ("<p>Owner: None</p>", ["'None' printed: 'Owner: None'"]),
        (
            "<td>nan</td><td>[object Object]</td>",
            ["'nan' printed: 'nan'", "'[object' printed: '[object Object]'"],
        ),
        ("<p>Nonetheless, a banana</p>", []),
        ("<h2>List of Background Papers</h2><p>None</p>", []),
        ("<h2>Owner</h2><p>None</p>", ["'None' printed: 'None'"]),
        (
            "<table><caption>Plans</caption><thead><tr><th>A</th></tr></thead><tbody></tbody></table>",
            ["no rows in 'Plans'"],
        ),
        ("<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>", []),
    ],
)
def test_the_reader_finds_what_a_person_would_see_wrong(html, wanted):
    assert problems_of(html) == wanted


def test_every_page_reads_right_as_every_role(demo_council_with_meetings, client):
    world = build_world()
    wrong = []
    for name, url in urls_for(world).items():
        for role, expected in zip(ROLES, EXPECTED[name], strict=True):
            if expected != 200:
                continue  # refused or redirected: the access matrix checks those
            client.logout()
            if role != "anonymous":
                client.force_login(world["users"][role])
            response = client.get(url)
            if response.streaming or not response["Content-Type"].startswith("text/html"):
                if response.streaming:  # read to the end, which closes the file
                    b"".join(response.streaming_content)
                break  # a file, not a page, whoever asks for it
            if response.status_code == 200:
                wrong += [
                    f"{url} ({name}) as {role}: {problem}"
                    for problem in problems_of(response.content.decode())
                ]
    assert wrong == [], "\n".join(wrong)
