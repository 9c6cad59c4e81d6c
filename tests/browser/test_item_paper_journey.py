"""A member of the public downloads one report of the demo's published agenda rather than
the whole pack, at desk, tablet and phone widths: the link says how big the file is and how
many pages it has, and what arrives is that file. Axe finds nothing on the agenda or the
item's page. (Part II items' PDFs: tests/test_item_papers.py.)"""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from meetings import selectors
from meetings.models import Meeting, Part
from meetings.templatetags.meeting_tags import size_text
from tests.browser.conftest import axe_violations, screenshot


def _published_meeting_with_papers() -> Meeting:
    for meeting in Meeting.objects.order_by("starts_at"):
        if selectors.papers_of(selectors.current_issue(meeting)):
            return meeting
    raise AssertionError("the demo council has no published item PDFs")


@pytest.mark.parametrize("width", [1366, 820, 390])
def test_the_public_downloads_one_report_with_its_size_shown(
    demo_site_with_meetings, browser, width
):
    meeting = _published_meeting_with_papers()
    papers = selectors.papers_of(selectors.current_issue(meeting))
    items = {item.number: item for item in meeting.items.all()}
    public = [n for n in papers if items[n].part == Part.ONE]
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{demo_site_with_meetings}{meeting.get_absolute_url()}")
    number = public[-1]
    link = page.get_by_role("link", name=re.compile(rf"^Item {number} as a PDF"))
    shown = link.locator("xpath=..").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    screenshot(page, f"agenda-item-pdfs-{width}")

    with page.expect_download() as arriving:
        link.click()
    download = arriving.value
    content = Path(download.path()).read_bytes()
    pages = len(PdfReader(io.BytesIO(content)).pages)
    # What the link promised is what arrived.
    assert f"(PDF, {size_text(len(content))}, {pages} pages)" in shown
    assert download.suggested_filename.endswith(f"-item-{number}.pdf")
    assert items[number].title in PdfReader(io.BytesIO(content)).metadata.title

    page.goto(f"{demo_site_with_meetings}{items[number].get_absolute_url()}")
    assert f"Item {number} as a PDF" in page.inner_text("main")
    assert axe_violations(page) == []
    context.close()
