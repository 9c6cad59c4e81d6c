"""Each published item as a PDF of its own, with its size printed beside the link: cut from
the published pack, so its pages and page numbers are the pack's; Part II items only for
those entitled to them."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from pypdf import PdfReader

from meetings import selectors, services
from meetings.models import Appendix, IssueStatus
from meetings.templatetags.meeting_tags import size_text
from tests.factories import agenda, pdf_bytes
from tests.pdfs import keep_with_first_page

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    """The words of a page as a reader hears them (scripts and styles left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in {"script", "style", "head"}

    def handle_endtag(self, tag):
        self.skip -= tag in {"script", "style", "head"}

    def handle_data(self, data):
        if not self.skip:
            self.words.append(data)


def text_of(response) -> str:
    reader = _Text()
    reader.feed(response.content.decode())
    return re.sub(r"\s+", " ", "".join(reader.words))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def publish(meeting, by):
    issue = services.request_publication(meeting, by=by)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY, issue.error
    return issue


def paper_url(meeting, number: int) -> str:
    return reverse("meetings:item_paper", args=[meeting.pk, number])


def test_each_report_is_its_own_pdf_with_the_packs_pages_and_its_size(client, clara):
    meeting = agenda(reports=["Corporate Risk Register", "Written Statement of Action"])
    action = meeting.items.get(title="Written Statement of Action").report
    upload = Appendix(report=action, letter="A", title="Ofsted letter", kind="upload")
    services.save_upload(upload, pdf_bytes("Uploaded letter one", "Uploaded letter two"), "l.pdf")
    issue = publish(meeting, by=clara)
    pack = PdfReader(io.BytesIO(stored(issue.public_pack)))
    pack_texts = [page.extract_text() for page in pack.pages]
    front = issue.public_pages - sum(
        last - first + 1 for first, last in issue.public_ranges.values()
    )

    agenda_page = text_of(client.get(meeting.get_absolute_url()))
    for item in meeting.items.filter(kind="report"):
        response = client.get(paper_url(meeting, item.number))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert f"-item-{item.number}.pdf" in response["Content-Disposition"]
        content = body(response)
        reader = PdfReader(io.BytesIO(content))
        first, last = issue.public_ranges[str(item.number)]
        # The pack's own pages: the same words and the same page numbers.
        assert [page.extract_text() for page in reader.pages] == pack_texts[
            front + first - 1 : front + last
        ]
        assert f"Page {first}" in reader.pages[0].extract_text()
        assert item.title in reader.metadata.title
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        # The agenda prints its size and pages beside the link.
        pages = last - first + 1
        assert (
            f"Item {item.number} as a PDF: {item.title} (PDF, {size_text(len(content))}, "
            f"{pages} page{'s' if pages > 1 else ''})" in agenda_page
        )
        # And so does the item's own page.
        assert f"Item {item.number} as a PDF" in text_of(client.get(item.get_absolute_url()))

    # The uploaded letter is drawn into its report's PDF, as in the pack.
    own = PdfReader(io.BytesIO(body(client.get(paper_url(meeting, action.item.number)))))
    texts = [page.extract_text() for page in own.pages]
    assert "Uploaded letter one" in texts[-2] and "Uploaded letter two" in texts[-1]
    other = meeting.items.get(title="Corporate Risk Register")
    assert not any(f"Agenda Item {other.number}" in text for text in texts)
    keep_with_first_page(body(client.get(paper_url(meeting, action.item.number))), "item-paper")

    # Items printed on the front sheet only (apologies, urgent business) have no PDF.
    for item in meeting.items.exclude(kind="report"):
        if not item.has_pages:
            assert client.get(paper_url(meeting, item.number)).status_code == 404
            assert f"Item {item.number} as a PDF" not in agenda_page


def test_a_part_two_report_is_its_own_pdf_only_for_those_entitled(client, clara, martin, alice):
    meeting = agenda(reports=["Performance Report"], exempt=["Care Home Contract"])
    publish(meeting, by=clara)
    public = meeting.items.get(title="Performance Report")
    exempt = meeting.items.get(title="Care Home Contract")

    assert client.get(paper_url(meeting, exempt.number)).status_code == 404
    assert "Care Home Contract" not in text_of(client.get(meeting.get_absolute_url()))
    public_text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(body(client.get(paper_url(meeting, public.number))))).pages
    )
    assert "Performance Report" in public_text and "Care Home Contract" not in public_text

    client.force_login(martin)
    response = client.get(paper_url(meeting, exempt.number))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    exempt_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(body(response))).pages
    )
    assert "Care Home Contract" in exempt_text and "Performance Report" not in exempt_text
    assert f"Item {exempt.number} as a PDF: Care Home Contract" in text_of(
        client.get(meeting.get_absolute_url())
    )


def test_an_item_not_yet_published_has_no_pdf_until_its_supplement_is(client, clara):
    meeting = agenda(reports=["Performance Report"])
    publish(meeting, by=clara)
    meeting.refresh_from_db()
    number = selectors.next_report_number(meeting)
    late = services.add_item(meeting, number=number, kind="report", title="Late Budget Report")
    report = late.report
    report.report_of, report.contact = "Chief Executive", "Michael Walder, 01772 533637"
    report.executive_summary = "A late report on the budget."
    report.recommendation = "The Committee is asked to note the report."
    report.background = "The budget has moved since the agenda was published. " * 40
    report.save()

    client.force_login(clara)
    assert client.get(paper_url(meeting, late.number)).status_code == 404
    assert f"Item {number} as a PDF" not in text_of(client.get(meeting.get_absolute_url()))

    supplement = publish(meeting, by=clara)
    assert supplement.number == 2
    response = client.get(paper_url(meeting, late.number))
    assert response.status_code == 200
    assert "Late Budget Report" in PdfReader(io.BytesIO(body(response))).pages[0].extract_text()
    # The earlier items are cut from the re-issued pack too, so one issue serves all.
    assert sorted(supplement.papers.values_list("number", flat=True)) == sorted(
        item.number for item in meeting.items.all() if item.has_pages
    )


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 byte"),
        (845, "845 bytes"),
        (1024, "1 KB"),
        (250_880, "245 KB"),
        (1_258_291, "1.2 MB"),
    ],
)
def test_sizes_are_printed_as_downloads_print_them(size, text):
    assert size_text(size) == text
