"""Meetings: agendas, reports, the agenda pack and its page ranges, Part II, supplements,
freezing, minutes, and who may see and do what."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from meetings import selectors, services, tasks
from meetings.models import Appendix, IssueStatus, Meeting, MeetingStatus, PackIssue
from meetings.templatetags.meeting_tags import pages_text
from tests.factories import agenda, pdf_bytes, rated_indicator
from tests.pdfs import keep_with_first_page

pytestmark = pytest.mark.django_db

SECRET = "financial affairs of a named provider"


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def drain(response) -> bytes:
    """The body of a response, reading a streamed file to its end (which closes it the way
    the test client expects, leaving the database connection alone)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def status(client, url) -> int:
    response = client.get(url)
    drain(response)
    return response.status_code


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return drain(response)


def publish(meeting, by=None) -> PackIssue:
    issue = services.request_publication(meeting, by=by)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY, issue.error
    return issue


def front_pages(texts: list[str]) -> int:
    """How many pages the front sheet takes: the body's pages each carry 'Agenda Item N'."""
    return next(n for n, text in enumerate(texts) if "Agenda Item" in text)


def front_ranges(front_text: str) -> dict[int, tuple[int, int]]:
    """'5. Title (Pages 3 - 7)' on the front sheet, as {5: (3, 7)}."""
    found = {}
    for match in re.finditer(r"(\d+)\.\s[^()\n]*?\(Pages? (\d+)(?: - (\d+))?\)", front_text):
        first = int(match.group(2))
        found[int(match.group(1))] = (first, int(match.group(3) or first))
    return found


# Page ranges ------------------------------------------------------------------------------


def test_page_range_wording():
    assert pages_text([25, 52]) == "(Pages 25 - 52)"
    assert pages_text([7, 7]) == "(Page 7)"
    assert pages_text(None) == ""


def test_front_sheet_page_ranges_are_the_real_pages_of_the_pack(clara):
    meeting = agenda(
        reports=["Corporate Risk Register", "Quarterly Performance Report", "Recovery Plan"],
        background_paragraphs=4,
    )
    performance = meeting.items.get(title="Quarterly Performance Report").report
    Appendix.objects.create(
        report=performance,
        letter="A",
        title="Ofsted update",
        kind="written",
        body="### Post Ofsted Inspection Update\n\n" + "An inspection took place. " * 300,
    )
    issue = publish(meeting, by=clara)
    content = stored(issue.public_pack)
    texts = page_texts(content)
    front = texts[0]
    assert "Lancashire County Council" in front
    assert "Cabinet Committee on Performance Improvement" in front
    assert "Wednesday, 27 June 2018 at 2.00 pm in Committee Room 'B'" in front
    assert "Part I (Open to Press and Public)" in front
    offset = front_pages(texts)
    ranges = front_ranges("\n".join(texts[:offset]))
    reports = list(meeting.items.filter(kind="report").order_by("number"))
    assert set(ranges) == {item.number for item in reports}
    assert max(last for _, last in ranges.values()) == len(texts) - offset
    assert ranges[reports[0].number][0] == 1
    for item in reports:
        first, last = ranges[item.number]
        first_page, last_page = texts[offset + first - 1], texts[offset + last - 1]
        assert f"Agenda Item {item.number}" in first_page
        assert item.title in first_page
        assert f"Page {first}" in first_page
        assert f"Agenda Item {item.number}" in last_page and f"Page {last}" in last_page
        if offset + last < len(texts):
            assert f"Agenda Item {item.number}" not in texts[offset + last]
    # The appendix follows its report inside the report's range.
    first, last = ranges[reports[1].number]
    assert any("Ofsted update" in texts[offset + p - 1] for p in range(first, last + 1))
    assert last - first >= 2
    # The ranges are stored and the web agenda prints the same ones.
    assert {int(k): tuple(v) for k, v in issue.public_ranges.items()} == ranges
    page = selectors.items_queryset(meeting)
    html = __import__("django.test", fromlist=["Client"]).Client().get(meeting.get_absolute_url())
    for item in page.filter(kind="report"):
        assert pages_text(list(ranges[item.number])) in html.content.decode()
    keep_with_first_page(content, "agenda-pack-front")


def test_pack_pdf_is_a4_tagged_titled_with_bookmarks_and_embedded_fonts(clara):
    meeting = agenda(reports=["Quarterly Performance Report"])
    issue = publish(meeting, by=clara)
    reader = PdfReader(io.BytesIO(stored(issue.public_pack)))
    assert reader.metadata.title.startswith("Cabinet Committee on Performance Improvement")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    titles = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert "Quarterly Performance Report" in titles
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) in {
            (595, 842),
            (842, 595),
        }
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    assert fonts and all(
        "/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        or "/FontFile3" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for f in fonts
    )


def test_uploaded_pdf_appendix_is_drawn_on_numbered_pages_of_the_pack(clara):
    meeting = agenda(reports=["Written Statement of Action"])
    report = meeting.items.get(kind="report").report
    appendix = Appendix(report=report, letter="A", title="Ofsted letter", kind="upload")
    services.save_upload(appendix, pdf_bytes("Uploaded letter one", "Uploaded letter two"), "l.pdf")
    issue = publish(meeting, by=clara)
    texts = page_texts(stored(issue.public_pack))
    first, last = issue.public_ranges[str(report.item.number)]
    offset = front_pages(texts)
    # The report, then the two uploaded pages as the last two of the item's range.
    one, two = texts[offset + last - 2], texts[offset + last - 1]
    assert "Uploaded letter one" in one and "Appendix 'A': Ofsted letter" in one
    assert f"Page {last - 1}" in one and f"Agenda Item {report.item.number}" in one
    assert "Uploaded letter two" in two and f"Page {last}" in two
    assert "(continued)" in two
    assert not any("Uploaded letter" in text for text in texts[: offset + last - 2])


# Part II ----------------------------------------------------------------------------------


def test_part_two_never_reaches_the_public(client, clara, martin):
    meeting = agenda(reports=["Performance Report"], exempt=["Care Home Contract"])
    issue = publish(meeting, by=clara)
    exempt = meeting.items.get(part=2)
    public_text = "\n".join(page_texts(stored(issue.public_pack)))
    full_text = "\n".join(page_texts(stored(issue.full_pack)))
    assert "Care Home Contract" not in public_text and SECRET not in public_text
    assert (
        "Care Home Contract" in full_text and "Part II (Not Open to Press and Public)" in full_text
    )
    assert "paragraph 3 of Part I of Schedule 12A" in full_text

    def public_can_find_it() -> list[str]:
        leaks = []
        agenda_page = client.get(meeting.get_absolute_url()).content.decode()
        if "Care Home Contract" in agenda_page:
            leaks.append("agenda page")
        if status(client, exempt.get_absolute_url()) != 404:
            leaks.append("item page")
        if status(client, reverse("meetings:pack_full", args=[meeting.pk])) != 404:
            leaks.append("full pack")
        full_issue = reverse("meetings:issue_file", args=[meeting.pk, 1, "pack-full"])
        if status(client, full_issue) != 404:
            leaks.append("issue full pack")
        search = client.get(reverse("meetings:search"), {"q": "Care Home"}).content.decode()
        if "Care Home Contract" in search:
            leaks.append("search")
        export = client.get(reverse("meetings:export")).content.decode()
        if "Care Home Contract" in export:
            leaks.append("export")
        sitemap = client.get("/sitemap.xml").content.decode()
        if exempt.get_absolute_url() in sitemap:
            leaks.append("sitemap")
        return leaks

    assert public_can_find_it() == []
    # The public part is there for everyone, and Part II for a member.
    assert status(client, reverse("meetings:pack", args=[meeting.pk])) == 200
    sitemap = client.get("/sitemap.xml").content.decode()
    assert meeting.items.get(title="Performance Report").get_absolute_url() in sitemap
    client.force_login(martin)
    assert client.get(exempt.get_absolute_url()).status_code == 200
    assert status(client, reverse("meetings:pack_full", args=[meeting.pk])) == 200
    assert (
        "Care Home Contract"
        in client.get(reverse("meetings:search"), {"q": "Care Home"}).content.decode()
    )
    rows = list(csv.reader(io.StringIO(client.get(reverse("meetings:export")).content.decode())))
    assert any(row[3] == "Care Home Contract" and row[4] == "II" for row in rows)


def test_a_draft_meeting_and_unpublished_items_are_404_to_the_public_and_members(
    client, martin, alice
):
    meeting = agenda(author=alice)
    item = meeting.items.get(kind="report")
    for user in (None, martin):
        if user:
            client.force_login(user)
        assert client.get(meeting.get_absolute_url()).status_code == 404
        assert client.get(item.get_absolute_url()).status_code == 404
        assert status(client, reverse("meetings:pack", args=[meeting.pk])) == 404
        assert (
            meeting.get_absolute_url() not in client.get(reverse("meetings:list")).content.decode()
        )
    client.force_login(alice)  # the report's author drafts it
    assert client.get(item.get_absolute_url()).status_code == 200


# Roles ------------------------------------------------------------------------------------


def test_only_clerks_build_and_publish_and_only_authors_draft(client, clara, alice, bob, martin):
    meeting = agenda(author=alice)
    item = meeting.items.get(kind="report")
    clerk_urls = [
        reverse("meetings:create"),
        reverse("meetings:item_create", args=[meeting.pk]),
    ]
    author_urls = [
        reverse("meetings:report_edit", args=[meeting.pk, item.number]),
        reverse("meetings:appendix_create", args=[meeting.pk, item.number]),
    ]
    publish_url = reverse("meetings:publish", args=[meeting.pk])
    for url in clerk_urls + author_urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(publish_url).status_code == 302
    assert not meeting.issues.exists()
    for user in (martin, bob, alice):
        client.force_login(user)
        for url in clerk_urls:
            assert client.get(url).status_code in (403, 404), (user, url)
        assert client.post(publish_url).status_code in (403, 404)
    client.force_login(bob)
    for url in author_urls:
        assert client.get(url).status_code in (403, 404)
    client.force_login(alice)
    for url in author_urls:
        assert client.get(url).status_code == 200
    client.force_login(clara)
    for url in clerk_urls + author_urls:
        assert client.get(url).status_code == 200
    assert client.post(publish_url).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PUBLISHED
    # Published papers are fixed: neither the author nor the clerk changes them.
    for user in (alice, clara):
        client.force_login(user)
        for url in author_urls:
            assert client.get(url).status_code == 403


def test_the_clerk_builds_an_agenda_through_the_forms(client, clara, alice):
    client.force_login(clara)
    from meetings.models import Committee

    committee = Committee.objects.create(name="Cabinet Committee on Performance Improvement")
    response = client.post(
        reverse("meetings:create"),
        {
            "committee": committee.pk,
            "date": "2018-10-04",
            "time": "14:00",
            "venue": "Committee Room B – The Diamond Jubilee Room, County Hall, Preston",
            "signatory": "L Sales",
            "signatory_title": "Director of Corporate Services",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert [i.title for i in meeting.items.all()] == [
        "Apologies for Absence",
        "Disclosure of Pecuniary and Non-Pecuniary Interests",
        "Minutes of the last meeting",
        "Urgent Business",
        "Date of Next Meeting",
    ]
    response = client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"number": 4, "kind": "report", "title": "Risk Register", "part": 1, "author": alice.pk},
    )
    assert response.status_code == 302
    numbers = {i.title: i.number for i in meeting.items.all()}
    assert numbers["Risk Register"] == 4 and numbers["Urgent Business"] == 5
    assert numbers["Date of Next Meeting"] == 6
    assert meeting.items.get(number=4).report.author == alice
    # A Part II item without its paragraph and reason is refused, naming both fields.
    response = client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        {"number": 5, "kind": "report", "title": "Contract", "part": 2},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the paragraph of Schedule 12A that applies." in page
    assert "Say why the item is exempt." in page
    assert not meeting.items.filter(title="Contract").exists()
    # Publishing an empty report is refused, and says which.
    response = client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True)
    assert "Item 4 (Risk Register): the report is empty" in response.content.decode()
    assert not meeting.issues.exists()


# Bad input --------------------------------------------------------------------------------


def test_publication_refuses_every_problem_at_once_and_saves_nothing(clara):
    meeting = agenda(reports=["Performance Report"], exempt=["Contract"])
    exempt = meeting.items.get(title="Contract")
    exempt.exempt_reason = ""
    exempt.save()
    empty = services.add_item(meeting, number=5, kind="report", title="Empty Report")
    Appendix.objects.create(report=empty.report, letter="A", title="Plans", kind="recovery_plans")
    with pytest.raises(ValidationError) as refused:
        services.request_publication(meeting, by=clara)
    messages = refused.value.messages
    assert any("Item 5 (Empty Report): the report is empty" in m for m in messages)
    assert any("(Contract) is in Part II: give the paragraph" in m for m in messages)
    assert not meeting.issues.exists()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT


def test_two_items_cannot_share_a_number_once_published(clara):
    meeting = agenda()
    publish(meeting, by=clara)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.add_item(meeting, number=4, kind="report", title="Late report")
    assert "Item 4 is already on the published agenda" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 this is a spreadsheet", "is not a PDF file"),
        (b"%PDF-1.7\nnonsense", "damaged PDF"),
        ("encrypted", "is encrypted"),
        ("huge", "appendices can be at most 20 MB"),
    ],
)
def test_appendix_upload_is_checked_by_content(client, clara, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    if content == "encrypted":
        writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("secret")))
        writer.encrypt("password")
        out = io.BytesIO()
        writer.write(out)
        content = out.getvalue()
    elif content == "huge":
        content = pdf_bytes("big") + b"%" + b"x" * (20 * 1024 * 1024)
    meeting = agenda()
    item = meeting.items.get(kind="report")
    client.force_login(clara)
    response = client.post(
        reverse("meetings:appendix_create", args=[meeting.pk, item.number]),
        {
            "letter": "A",
            "title": "Letter",
            "kind": "upload",
            "file": SimpleUploadedFile("letter.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "PDF (uploaded appendix)" in response.content.decode()
    assert not Appendix.objects.exists()


def test_a_failed_render_leaves_the_published_pack_and_tells_the_clerk(client, clara, monkeypatch):
    meeting = agenda()
    first = publish(meeting, by=clara)
    before = stored(first.public_pack)
    services.add_item(meeting, number=9, kind="report", title="Late Report")
    late = meeting.items.get(number=9).report
    late.executive_summary = late.background = "Late news."
    late.save()

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer ran out of memory")

    monkeypatch.setattr(tasks, "render_pack", broken)
    issue = services.request_publication(meeting, by=clara)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FAILED
    assert "ran out of memory" in issue.error
    assert selectors.current_issue(meeting) == first
    assert download(client, reverse("meetings:pack", args=[meeting.pk])) == before
    client.force_login(clara)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Issue 2 could not be rendered" in page and "ran out of memory" in page
    assert "issue 1) are still the ones readers get" in page


# Freezing and supplements -----------------------------------------------------------------


def test_published_appendices_are_frozen_and_revisions_are_reported(client, clara, make_indicator):
    from indicators.periods import parse_period
    from indicators.services import record_value

    indicator = rated_indicator(
        make_indicator,
        title="Assessments completed within 45 days",
        figures=(("Q3 2017/18", "71.0"), ("Q4 2017/18", "74.2")),
    )
    meeting = agenda()
    report = meeting.items.get(kind="report").report
    appendix = Appendix.objects.create(
        report=report,
        letter="A",
        title="Performance Summary",
        kind="performance",
        quarter=parse_period("Q4 2017/18"),
    )
    for period, figure in (("Q1 2017/18", "65.0"), ("Q2 2017/18", "68.5")):
        record_value(indicator=indicator, period=parse_period(period), value=Decimal(figure))
    issue = publish(meeting, by=clara)
    pack = stored(issue.public_pack)
    assert "74.2%" in "".join(page_texts(pack))
    # The trend is drawn as vector paths, not a picture.
    reader = PdfReader(io.BytesIO(pack))
    (table_page,) = [p for p in reader.pages if "Performance Measure" in p.extract_text()]
    assert not table_page["/Resources"].get("/XObject")
    assert (
        b" l" in table_page.get_contents().get_data()
        or b" c" in table_page.get_contents().get_data()
    )
    appendix.refresh_from_db()
    # Freezing is the task worker's, on behalf of the clerk who published: the history names her.
    frozen = appendix.history.order_by("-history_id").first()
    assert frozen.frozen_at is not None and frozen.history_user == clara
    assert '<svg class="app-sparkline" role="img"' in appendix.frozen_html
    assert "Q1 2017/18 65.0%, Q2 2017/18 68.5%, Q3 2017/18 71.0%, Q4 2017/18 74.2%" in (
        appendix.frozen_html
    )
    record_value(indicator=indicator, period=parse_period("Q4 2017/18"), value=Decimal("69.9"))
    appendix.refresh_from_db()
    assert "74.2%" in appendix.frozen_html and "69.9%" not in appendix.frozen_html
    assert download(client, reverse("meetings:pack", args=[meeting.pk])) == pack
    item_page = client.get(report.item.get_absolute_url()).content.decode()
    body = item_page.split('class="app-appendix__body')[1]
    assert "74.2%" in body and "69.9%" not in body
    assert "1 figure in this appendix has been revised since publication" in item_page
    agenda_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Figures revised since publication" in agenda_page
    assert "Assessments completed within 45 days" in agenda_page and "69.9%" in agenda_page


def test_a_supplement_has_its_own_front_sheet_and_the_pack_is_reissued(client, clara):
    meeting = agenda(reports=["Corporate Risk Register"])
    first = publish(meeting, by=clara)
    first_pack = stored(first.public_pack)
    meeting.refresh_from_db()
    late_item = services.add_item(
        meeting,
        number=selectors.next_report_number(meeting),
        kind="report",
        title="Key Stage 4 Recovery Plan",
    )
    assert late_item.supplementary
    report = late_item.report
    report.executive_summary = "Progress 8 scores are below the national average."
    report.background = "The plan sets out the actions. " * 200
    report.save()
    second = publish(meeting, by=clara)
    assert second.kind == "supplement" and second.items == [late_item.number]
    supplement = page_texts(stored(second.public_supplement))
    assert "Supplementary Agenda" in supplement[0]
    assert "We are now able to enclose" in supplement[0]
    assert "Key Stage 4 Recovery Plan (Pages 1 - " in supplement[0]
    assert "Corporate Risk Register" not in supplement[0]
    assert "Agenda Item" in supplement[1] and "Page 1" in supplement[1]
    reissued = page_texts(stored(second.public_pack))
    ranges = front_ranges(reissued[0])
    risk = meeting.items.get(title="Corporate Risk Register").number
    assert ranges[risk] == tuple(first.public_ranges[str(risk)])
    assert ranges[late_item.number][0] == ranges[risk][1] + 1
    # Both versions stay downloadable, the first unchanged.
    one = download(client, reverse("meetings:issue_file", args=[meeting.pk, 1, "pack"]))
    assert one == first_pack
    two = reverse("meetings:issue_file", args=[meeting.pk, 2, "supplement"])
    assert download(client, two) == stored(second.public_supplement)
    latest = download(client, reverse("meetings:pack", args=[meeting.pk]))
    assert latest == stored(second.public_pack)


def test_downloading_a_published_pack_never_renders(client, clara, monkeypatch):
    meeting = agenda()
    issue = publish(meeting, by=clara)
    import weasyprint

    def refuse(*args, **kwargs):
        raise AssertionError("the renderer was called")

    monkeypatch.setattr(weasyprint, "HTML", refuse)
    response = client.get(reverse("meetings:pack", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert drain(response) == stored(issue.public_pack)


def test_progress_reports_the_latest_rendering(client, clara):
    meeting = agenda()
    publish(meeting, by=clara)
    data = client.get(reverse("meetings:progress", args=[meeting.pk])).json()
    assert data["status"] == "ready" and data["progress"] == 100


def test_the_database_worker_renders_queued_packs(clara, settings, monkeypatch):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker recycles database connections between tasks; here its connection is the
    # test's own, inside the test's transaction, so it must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    meeting = agenda()
    issue = services.request_publication(meeting, by=clara)
    assert issue.status == IssueStatus.QUEUED
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.DRAFT
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO())
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY, issue.error
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PUBLISHED


# Minutes ----------------------------------------------------------------------------------


def test_minutes_record_attendance_and_resolutions_and_confirm_the_last(client, clara):
    earlier = agenda()
    publish(earlier, by=clara)
    later = services.create_meeting(
        committee=earlier.committee,
        starts_at=earlier.starts_at.replace(month=10, day=4),
        venue="Committee Room B",
    )
    minutes_item = later.items.get(kind="minutes")
    assert minutes_item.minutes_of == earlier
    assert minutes_item.title == "Minutes of the Meeting held on 27 June 2018"
    client.force_login(clara)
    url = reverse("meetings:minutes_edit", args=[earlier.pk])
    response = client.post(url, {"attendance": "Councillor Smith | chairman | present"})
    assert 'Line 1: "chairman" is not a role' in html.unescape(response.content.decode())
    report = earlier.items.get(kind="report")
    response = client.post(
        url,
        {
            "attendance": "County Councillor Geoff Driver CBE | chair | present\n"
            "County Councillor A Atkinson | member | apologies",
            f"minute_{report.number}": "Michael Walder presented the report.",
            f"resolution_{report.number}": "That the Cabinet Committee note the report.",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("meetings:minutes", args=[earlier.pk])).content.decode()
    assert "County Councillor Geoff Driver CBE (Chair)" in page
    assert "Apologies:" in page and "County Councillor A Atkinson" in page
    assert "Resolved:" in page and "That the Cabinet Committee note the report." in page
    assert "Draft minutes" in page
    later_report = services.add_item(later, number=4, kind="report", title="Risk")
    later_report.report.executive_summary = later_report.report.background = "Text."
    later_report.report.save()
    issue = publish(later, by=clara)
    first, last = issue.public_ranges[str(minutes_item.number)]
    texts = page_texts(stored(issue.public_pack))
    minutes_pages = "\n".join(texts[front_pages(texts) + first - 1 : front_pages(texts) + last])
    assert "Minutes of the Meeting held on Wednesday, 27 June 2018" in minutes_pages
    assert "Michael Walder presented the report." in minutes_pages
    assert "That the Cabinet Committee note the report." in minutes_pages
    later.refresh_from_db()
    services.record_minutes(
        later,
        attendance=[{"name": "Chair", "role": "chair", "attended": "present"}],
        minutes={
            minutes_item.number: {
                "minute": "",
                "resolution": "That the minutes of the meeting held on 27 June 2018 be "
                "confirmed and signed by the Chair.",
            }
        },
    )
    earlier.refresh_from_db()
    assert earlier.minutes_approved_at == later
    page = client.get(reverse("meetings:minutes", args=[earlier.pk])).content.decode()
    assert "Confirmed" in page and "Draft minutes" not in page


# Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reports", [2, 8])
def test_agenda_page_queries_do_not_grow_with_items(
    client, clara, django_assert_num_queries, reports
):
    meeting = agenda(reports=[f"Report {n}" for n in range(reports)], background_paragraphs=1)
    for item in meeting.items.filter(kind="report"):
        Appendix.objects.create(
            report=item.report, letter="A", title="Note", kind="written", body="Note."
        )
    publish(meeting, by=clara)
    with django_assert_num_queries(8):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_the_clerk_edits_and_removes_unpublished_items_only(
    client, clara, alice, martin, django_capture_on_commit_callbacks
):
    meeting = agenda(reports=["Risk Register", "Performance Report"], author=alice)
    risk = meeting.items.get(title="Risk Register")
    report = Appendix(report=risk.report, letter="A", title="Letter", kind="upload")
    services.save_upload(report, pdf_bytes("A letter"), "letter.pdf")
    stored_name = report.file.name
    edit = reverse("meetings:item_edit", args=[meeting.pk, risk.number])
    remove = reverse("meetings:item_remove", args=[meeting.pk, risk.number])
    details = reverse("meetings:edit", args=[meeting.pk])
    for user in (martin, alice):
        client.force_login(user)
        assert status(client, edit) == 403 and status(client, details) == 403
        assert client.post(remove).status_code == 403
    client.force_login(clara)
    response = client.post(
        edit, {"title": "Corporate Risk Register", "part": 2, "exempt_paragraph": "", "number": 99}
    )
    assert "Choose the paragraph of Schedule 12A that applies." in response.content.decode()
    response = client.post(edit, {"title": "Corporate Risk Register", "part": 1, "number": 99})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.number) == ("Corporate Risk Register", 4)
    assert risk.report.author is None  # no author chosen: the form says so
    performance = meeting.items.get(title="Performance Report")
    assert performance.number == 5
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    assert not meeting.items.filter(title="Corporate Risk Register").exists()
    performance.refresh_from_db()
    assert performance.number == 4  # the agenda closes up
    assert not report.file.storage.exists(stored_name)
    response = client.post(
        details,
        {
            "committee": meeting.committee_id,
            "date": "2018-06-28",
            "time": "10:00",
            "venue": "Cabinet Room 'C'",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.time_text == "10.00 am" and meeting.venue == "Cabinet Room 'C'"
    publish(meeting, by=clara)
    performance_edit = reverse("meetings:item_edit", args=[meeting.pk, performance.number])
    assert status(client, performance_edit) == 403
    assert status(client, details) == 403
    remove_published = reverse("meetings:item_remove", args=[meeting.pk, performance.number])
    assert client.post(remove_published).status_code == 403
    assert meeting.items.filter(pk=performance.pk).exists()


def test_public_minutes_leave_out_an_item_that_was_never_published(client, clara):
    meeting = agenda()
    publish(meeting, by=clara)
    meeting.refresh_from_db()
    late = services.add_item(
        meeting, number=selectors.next_report_number(meeting), kind="report", title="Quiet deal"
    )
    services.record_minutes(
        meeting, attendance=[], minutes={late.number: {"minute": "Sold the depot cheaply."}}
    )
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Quiet deal" not in page and "Sold the depot cheaply." not in page
    client.force_login(clara)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Quiet deal" in page and "Sold the depot cheaply." in page


def test_exempt_papers_and_drafts_are_never_kept_by_a_shared_cache(client, clara, martin):
    meeting = agenda(reports=["Performance Report"], exempt=["Care Home Contract"])
    publish(meeting, by=clara)
    meeting.refresh_from_db()
    exempt = meeting.items.get(part=2)
    public = meeting.items.get(title="Performance Report")
    client.force_login(martin)
    for url in [
        exempt.get_absolute_url(),
        meeting.get_absolute_url(),
        reverse("meetings:pack_full", args=[meeting.pk]),
        reverse("meetings:issue_file", args=[meeting.pk, 1, "pack-full"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        drain(response)
        cache = response.get("Cache-Control", "")
        assert "private" in cache and "no-store" in cache, url
    assert "private" not in client.get(public.get_absolute_url()).get("Cache-Control", "")
    draft = services.add_item(
        meeting, number=selectors.next_report_number(meeting), kind="report", title="Draft"
    )
    client.force_login(clara)
    cache = client.get(draft.get_absolute_url()).get("Cache-Control", "")
    assert "private" in cache


def test_a_full_disk_while_storing_the_pack_leaves_no_partial_file_and_publishes_nothing(
    client, clara, settings, tmp_path, monkeypatch
):
    import errno
    import os

    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = str(tmp_path)
    meeting = agenda(reports=["Performance Report"], exempt=["Care Home Contract"])
    calls = []

    def fill_the_disk(self, name, content):
        calls.append(name)
        if len(calls) < 2:
            return real_save(self, name, content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content.read()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    real_save = FileSystemStorage._save
    monkeypatch.setattr(FileSystemStorage, "_save", fill_the_disk)
    client.force_login(clara)
    response = client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    assert len(calls) == 2
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert not meeting.issues.filter(status=IssueStatus.READY).exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "No space left on device" in page
    assert status(client, reverse("meetings:pack", args=[meeting.pk])) == 404


def test_an_item_being_rendered_cannot_be_moved_to_part_two(client, clara, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    meeting = agenda(reports=["Care Home Contract"])
    issue = services.request_publication(meeting, by=clara)
    assert issue.status == IssueStatus.QUEUED
    item = meeting.items.get(title="Care Home Contract")
    client.force_login(clara)
    response = client.post(
        reverse("meetings:item_edit", args=[meeting.pk, item.number]),
        {
            "title": "Care Home Contract",
            "body": "",
            "part": 2,
            "exempt_paragraph": 3,
            "exempt_reason": "Financial affairs of a named provider.",
        },
        follow=True,
    )
    assert "is in the papers being rendered now" in html.unescape(response.content.decode())
    item.refresh_from_db()
    assert item.part == 1
    report_url = reverse("meetings:report_edit", args=[meeting.pk, item.number])
    response = client.post(report_url, {"executive_summary": "Changed"}, follow=True)
    assert "is in the papers being rendered now" in html.unescape(response.content.decode())
    item.report.refresh_from_db()
    assert item.report.executive_summary != "Changed"


def test_a_plan_in_a_part_two_appendix_is_not_shown_as_presented_on_its_page(
    client, clara, alice, make_indicator
):
    from recovery_plans.models import RecoveryPlan
    from tests.factories import bulk_plans

    meeting = agenda(exempt=["Care Home Contract"])
    indicator = rated_indicator(make_indicator)
    bulk_plans(1, 1, indicators=[indicator], owner=clara)
    plan = RecoveryPlan.objects.get()
    appendix = Appendix.objects.create(
        report=meeting.items.get(part=2).report, letter="A", title="Plans", kind="recovery_plans"
    )
    appendix.plans.set([plan])
    publish(meeting, by=clara)
    client.force_login(alice)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert "Appendix" not in html.unescape(response.content.decode())


# Publishing under concurrency -------------------------------------------------------------

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's shared-cache test database refuses a second writer instead of making it "
    "wait; run with scripts/with-postgres",
)
def test_three_simultaneous_publish_clicks_publish_one_issue_and_tell_the_others(
    clara, settings, monkeypatch
):
    import threading
    import time

    from django.db import connection
    from django.test import Client

    settings.TASKS = DUMMY_TASKS
    meeting = agenda()
    url = reverse("meetings:publish", args=[meeting.pk])
    # The checks read the whole agenda; a real one takes a moment, which is the window
    # the other clicks arrive in.
    real_problems = services.publication_problems

    def slow_problems(*args, **kwargs):
        time.sleep(0.3)
        return real_problems(*args, **kwargs)

    monkeypatch.setattr(services, "publication_problems", slow_problems)
    clients = []
    for _ in range(3):
        browser = Client()
        browser.force_login(clara)
        clients.append(browser)
    barrier, pages, errors = threading.Barrier(3), [], []

    def click(browser):
        try:
            barrier.wait(timeout=10)
            response = browser.post(url, follow=True)
            pages.append((response.status_code, response.content.decode()))
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(browser,)) for browser in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a publish request never finished"
    assert errors == []
    assert [code for code, _ in pages] == [200, 200, 200]
    assert PackIssue.objects.filter(meeting=meeting).count() == 1
    refused = [page for _, page in pages if "These papers are already being published" in page]
    assert len(refused) == 2


def test_an_item_made_part_ii_while_its_pack_renders_is_not_published_in_the_public_pack(
    client, clara, settings, monkeypatch
):
    from meetings.models import AgendaItem

    settings.TASKS = DUMMY_TASKS
    meeting = agenda(reports=["Quarterly Performance Report", "Care Home Contract"])
    contract = meeting.items.get(title="Care Home Contract")
    contract.report.background = f"The {SECRET} are set out below."
    contract.report.save()
    client.force_login(clara)
    client.post(reverse("meetings:publish", args=[meeting.pk]))
    (issue,) = PackIssue.objects.filter(meeting=meeting)
    first_task = issue.task_id
    real_render = tasks.render_pack

    def render_then_someone_writes(*args, **kwargs):
        pack = real_render(*args, **kwargs)
        if not AgendaItem.objects.filter(pk=contract.pk, part=2).exists():
            # A write the forms' lock does not see (the shell, a script, another service).
            item = AgendaItem.objects.get(pk=contract.pk)
            item.part, item.exempt_paragraph = 2, 3
            item.exempt_reason = "Information about the financial affairs of a provider."
            item.save()
        return pack

    monkeypatch.setattr(tasks, "render_pack", render_then_someone_writes)
    tasks.run_issue(issue.pk)  # what the task worker runs
    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED and issue.requeued
    assert not issue.public_pack and not issue.full_pack
    assert issue.task_id != first_task  # queued again
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DRAFT
    assert selectors.current_issue(meeting) is None
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert (
        f"Queued again: Item {contract.number} changed while the papers were being rendered"
        in html.unescape(page)
    )

    tasks.run_issue(issue.pk)  # the worker takes it again and prints the item as it is
    issue.refresh_from_db()
    assert issue.status == IssueStatus.READY, issue.error
    public_text = "\n".join(page_texts(stored(issue.public_pack)))
    assert "Quarterly Performance Report" in public_text
    assert SECRET not in public_text and "Care Home Contract" not in public_text
    assert SECRET in "\n".join(page_texts(stored(issue.full_pack)))


def test_an_appendix_given_other_sections_while_its_pack_renders_is_rendered_again(
    clara, client, settings, monkeypatch, make_indicator
):
    """Choosing a performance appendix's sections writes only the join table, not the
    appendix: that too counts as a change to its item, so the pack is queued again."""
    from indicators.models import Section
    from indicators.periods import parse_period

    settings.TASKS = DUMMY_TASKS
    meeting = agenda()
    report = meeting.items.get(kind="report").report
    appendix = Appendix.objects.create(
        report=report, letter="A", title="Performance", kind="performance",
        quarter=parse_period("Q4 2017/18"),
    )  # fmt: skip
    make_indicator()
    client.force_login(clara)
    client.post(reverse("meetings:publish", args=[meeting.pk]))
    (issue,) = PackIssue.objects.filter(meeting=meeting)
    real_render = tasks.render_pack

    def render_then_sections_change(*args, **kwargs):
        pack = real_render(*args, **kwargs)
        if not appendix.sections.exists():
            appendix.sections.add(*Section.objects.all())
        return pack

    monkeypatch.setattr(tasks, "render_pack", render_then_sections_change)
    tasks.run_issue(issue.pk)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.QUEUED and issue.requeued
    assert not issue.public_pack


def test_with_part_ii_is_offered_only_when_the_pack_has_a_part_ii_item(client, clara, martin):
    open_only = agenda()
    publish(open_only, by=clara)
    with_exempt = agenda(exempt=["Care Home Contract"])
    publish(with_exempt, by=clara)
    client.force_login(martin)  # a member: entitled to Part II
    page = client.get(open_only.get_absolute_url()).content.decode()
    assert "Agenda pack, Part I" in page
    assert "with Part II" not in page and "Agenda pack with Part II" not in page
    page = client.get(with_exempt.get_absolute_url()).content.decode()
    assert "Agenda pack with Part II items" in page and "with Part II</a>" in page
