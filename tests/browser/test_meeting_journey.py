"""A clerk builds an agenda in a real browser, adds generated appendices and publishes; the
task worker renders the pack while the page shows its progress; then a member and a member
of the public each open the pack they are allowed. Axe finds nothing on any page."""

import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import axe_violations, screenshot


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "scorecard-demo")
    page.click("button[type=submit]")


@pytest.fixture
def worker_queue(settings):
    """Publishing queues the rendering for the database worker, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_clerk_publishes_a_pack_that_members_and_the_public_open(
    demo_site_with_meetings, browser, worker_queue
):
    demo_site = demo_site_with_meetings
    from django.core.management import call_command

    from meetings.models import Meeting

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, demo_site, "clerk")
    page.goto(f"{demo_site}/meetings/")
    assert axe_violations(page) == []
    page.click("text=New meeting")
    # GOV.UK's date input: a month left out is refused, naming it, and nothing typed is lost.
    page.get_by_role("group", name="Date").get_by_label("Day").fill("4")
    page.get_by_role("group", name="Date").get_by_label("Year").fill("2018")
    page.fill("#id_time", "14:00")
    page.fill("#id_venue", "Committee Room B – The Diamond Jubilee Room, County Hall, Preston")
    page.click("button:has-text('Save')")
    assert "Date must include a month." in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_role("group", name="Date").get_by_label("Day").input_value() == "4"
    assert axe_violations(page) == []
    page.get_by_role("group", name="Date").get_by_label("Month").fill("10")
    page.fill("#id_time", "14:00")
    page.fill("#id_venue", "Committee Room B – The Diamond Jubilee Room, County Hall, Preston")
    page.fill("#id_signatory", "L Sales")
    page.click("button:has-text('Save')")
    assert "Minutes of the Meeting held on 27 June 2018" in page.inner_text("main")
    meeting = Meeting.objects.get(starts_at__date="2018-10-04")

    # A report, drafted here by the clerk (its author could do the same).
    page.click("text=Add an agenda item")
    page.fill("#id_title", "Quarterly Corporate Performance Monitoring Report - Quarter 4")
    page.select_option("#id_author", label="Alex Morgan")
    page.click("button:has-text('Save')")
    page.click("text=Quarterly Corporate Performance Monitoring Report - Quarter 4")
    page.click("text=Edit the report")
    page.fill("#id_report_of", "Chief Executive")
    page.fill("#id_divisions", "All")
    page.fill("#id_contact", "Michael Walder, 01772 533637")
    page.fill("#id_recommendation", "The Cabinet Committee is asked to comment.")
    page.fill("#id_background", "The performance summary is at Appendix 'A'.")
    page.fill("#id_background_papers", "A paper with no date")
    page.click("button:has-text('Save')")
    summary = page.inner_text(".govuk-error-summary")
    assert "Executive summary: This field is required." in summary
    assert "List of background papers: Line 1 needs a paper, a date and a contact" in summary
    assert axe_violations(page) == []
    page.fill("#id_executive_summary", "Performance for quarter 4, with highlights.")
    page.fill("#id_background_papers", "")
    page.click("button:has-text('Save')")
    assert "Report saved." in page.inner_text(".govuk-notification-banner")

    page.click("text=Add an appendix")
    page.fill("#id_title", "Performance Summary Quarter 4 2017/18")
    page.get_by_label("Quarterly performance report (generated)").check()
    # Only the fields of the kind chosen show (GOV.UK conditional reveals).
    assert page.locator("#id_quarter").is_visible()
    assert not page.locator("#id_review").is_visible()
    page.click("button:has-text('Save')")
    assert "Quarter (performance report): Give the quarter" in page.inner_text(
        ".govuk-error-summary"
    )
    page.fill("#id_quarter", "Q4 2017/18")
    page.click("button:has-text('Save')")
    page.click("text=Add an appendix")
    assert page.input_value("#id_letter") == "B"
    page.fill("#id_title", "Corporate Risk and Opportunity Register Q1 2018/19")
    page.get_by_label("Risk and opportunity register (generated)").check()
    page.select_option("#id_review", label="Review Q1 2018/19")
    page.click("button:has-text('Save')")
    body = page.inner_text("main")
    assert "Appendix 'A': Performance Summary Quarter 4 2017/18" in body
    assert "Number of contacts" in body and "CR11" in body
    assert "Generated from the live figures" in body
    assert axe_violations(page) == []

    # An exempt item, with the paragraph of Schedule 12A and the reason.
    page.goto(f"{demo_site}{meeting.get_absolute_url()}")
    page.click("text=Add an agenda item")
    page.fill("#id_title", "Residential Care Contract Award")
    page.get_by_label("Part II (exempt)").check()
    assert page.locator("#id_exempt_reason").is_visible()
    page.select_option("#id_exempt_paragraph", "3")
    page.fill("#id_exempt_reason", "It names the bidders and their prices.")
    page.click("button:has-text('Save')")
    exempt = meeting.items.get(title="Residential Care Contract Award")
    page.goto(f"{demo_site}/meetings/{meeting.pk}/items/{exempt.number}/report/")
    page.fill("#id_report_of", "Director of Adult Services")
    page.fill("#id_divisions", "All")
    page.fill("#id_contact", "Ian Crabtree")
    page.fill("#id_executive_summary", "The award of the residential care contract.")
    page.fill("#id_recommendation", "Approve the award.")
    page.fill("#id_background", "Three providers bid; the evaluation is attached.")
    page.click("button:has-text('Save')")

    page.goto(f"{demo_site}{meeting.get_absolute_url()}")
    page.click("button:has-text('Publish the agenda')")
    assert "being rendered" in page.inner_text(".govuk-notification-banner")
    assert page.locator("progress#pack-progress").count() == 1
    # Nothing to press twice while it renders.
    assert page.locator("button:has-text('Publish')").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "meeting-rendering")
    call_command("db_worker", batch=True, startup_delay=False)
    page.wait_for_selector("text=Agenda pack, Part I", timeout=20_000)
    agenda_text = page.inner_text("main")
    report = meeting.items.get(kind="report", part=1)
    issue = meeting.issues.get()
    first, last = issue.full_ranges[str(report.number)]
    assert f"(Pages {first} - {last})" in agenda_text
    screenshot(page, "meeting-published")
    assert axe_violations(page) == []
    context.close()

    # A committee member reads the Part II papers as well.
    member = browser.new_context(viewport={"width": 1024, "height": 1366})
    page = member.new_page()
    _sign_in(page, demo_site, "member")
    page.goto(f"{demo_site}{meeting.get_absolute_url()}")
    assert "Residential Care Contract Award" in page.inner_text("main")
    full = page.request.get(f"{demo_site}/meetings/{meeting.pk}/pack-full.pdf")
    assert full.status == 200 and full.body().startswith(b"%PDF-")
    page.click(f"text={report.title}")
    assert "Appendix 'B': Corporate Risk and Opportunity Register Q1 2018/19" in page.inner_text(
        "main"
    )
    assert axe_violations(page) == []
    screenshot(page, "meeting-report-member")
    member.close()

    # The public reads Part I only.
    public = browser.new_context(viewport={"width": 1280, "height": 900})
    page = public.new_page()
    page.goto(f"{demo_site}{meeting.get_absolute_url()}")
    assert "Residential Care Contract Award" not in page.inner_text("main")
    assert "with Part II" not in page.inner_text("main")
    pack = page.request.get(f"{demo_site}/meetings/{meeting.pk}/pack.pdf")
    assert pack.status == 200 and pack.body().startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pack.body())).pages)
    assert "Quarterly Corporate Performance Monitoring Report" in text
    assert "Residential Care" not in text
    assert page.request.get(f"{demo_site}/meetings/{meeting.pk}/pack-full.pdf").status == 404
    exempt_url = f"{demo_site}/meetings/{meeting.pk}/items/{exempt.number}/"
    assert page.request.get(exempt_url).status == 404
    assert axe_violations(page) == []
    public.close()
