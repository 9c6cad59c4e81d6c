"""Stored XSS: every text field a user or an import can set holds script, event handlers and
javascript: links (and starts like a spreadsheet formula); then every page, export, feed and
PDF of the app is read back. Pages must show the text as text and carry no script but the
app's own, exports must keep it as literal text that no spreadsheet takes for a formula, and
PDFs must print it and hold no JavaScript and no javascript: link."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)
from pypdf.generic import TextStringObject as PdfText

from indicators.fields import PeriodField
from indicators.models import Commentary, Indicator, Scorecard, Section, Value
from indicators.periods import FinancialQuarter, FinancialYear, parse_period
from indicators.services import record_comparator, record_value, set_target, write_commentary
from meetings import selectors
from meetings import services as meetings
from meetings.models import (
    Appendix,
    Attendance,
    Committee,
    CommitteeMember,
    MeetingStatus,
    Report,
)
from meetings.pack import pack_context
from recovery_plans import services as plans
from recovery_plans.models import RecoveryPlan
from returns import workflow
from returns.workbook import import_figures
from risks import scoring
from risks.models import Entry, Review, ReviewEntry, RiskMatrix, RiskType
from risks.services import close_review, open_review, save_entry
from spreadsheets.guard import spreadsheet_text
from tests.factories import agenda, pdf_bytes, rated_indicator
from tests.test_access_matrix import EXPECTED, ROLES, urls_for
from tests.xss import Findings

pytestmark = pytest.mark.django_db

Q4 = FinancialQuarter(2017, 4)
APPS = ("indicators", "risks", "recovery_plans", "meetings")

# Text fields a user cannot fill freely: each must match a format, or only the app writes it.
NOT_FREE_TEXT = {
    "indicators.Indicator.reference": "in addresses; one spare indicator gets a payload",
    "risks.Entry.reference": "in addresses; one spare entry gets a payload",
    "risks.ReviewEntry.reference": "copied from the entry; the spare entry's copies get one",
    "risks.ReviewEntry.travel": "a direction of travel, written when a review closes",
    "recovery_plans.Action.completion": "must read as a completion date; rewritten on save",
    "meetings.Appendix.letter": "a capital letter (AppendixForm's RegexField)",
    "meetings.PackIssue.stage": "written by the task worker",
    "meetings.PackIssue.error": "written by the task worker",
    "meetings.PackIssue.task_id": "written by the task worker",
}
# A missing reason goes only with a missing figure (Value.clean).
ONLY_WHERE_SET = {"indicators.Value.missing_reason"}

# Printed only, never on a page: the opening sentence of a supplementary agenda.
NOT_ON_PAGES = {"meetings.Meeting.supplement_intro"}

# Payloads ---------------------------------------------------------------------------------


class Payloads:
    """One payload per field, with a marker (XSS001...) that names the field in a failure.
    Each starts like a spreadsheet formula, so every export cell is a CSV-injection probe."""

    def __init__(self):
        self.names: dict[str, str] = {}  # marker -> "app.Model.field"
        self.texts: dict[str, str] = {}  # marker -> the longest payload given out

    def marker(self, name: str) -> str:
        for marker, known in self.names.items():
            if known == name:
                return marker
        marker = f"XSS{len(self.names) + 1:03d}"
        self.names[marker] = name
        return marker

    def __call__(self, name: str, max_length: int | None = None) -> str:
        marker = self.marker(name)
        head = "=+-@"[int(marker[3:]) % 4] + marker
        html = (
            f'<script>alert("{name}")</script> <img src=x onerror=alert(1)> '
            f'<a href="javascript:alert(1)">{marker}</a> "\''
        )
        markdown = (
            ' [x](javascript:alert(1)) <a href="java&#x0A;script:alert(1)">y</a> '
            "<svg onload=alert(1)>\nBEGIN:VEVENT"
        )
        candidates = [
            head + html + markdown,
            head + html,
            head + '<img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>',
            head + "\"'><svg onload=alert(1)>",
            head + "<svg onload=1>",
            head + '"<svg>',
        ]
        room = (max_length or 10_000) - 4  # room for a number that keeps it unique
        text = next(c for c in candidates if len(c) <= room)
        if len(text) > len(self.texts.get(marker, "")):
            self.texts[marker] = text
        return text


def text_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and field.editable
        and not field.choices
        and not isinstance(field, PeriodField)
        and _name(model, field) not in NOT_FREE_TEXT
    ]


def _name(model, field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def fill_every_text_field(payload: Payloads, *, by) -> None:
    """Every row of every model of the project's apps, each free-text field replaced by its
    payload, checked by the fields' own validation and saved (with its audit record)."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            fields = text_fields(model)
            if model._meta.model_name.startswith("historical") or not fields:
                continue
            rows = list(model.objects.all())
            for number, row in enumerate(rows):
                for field in fields:
                    name = _name(model, field)
                    if name in ONLY_WHERE_SET and not getattr(row, field.attname):
                        continue
                    text = payload(name, field.max_length)
                    setattr(row, field.attname, f"{text} {number}" if field.unique else text)
                chosen = {f.name for f in fields}
                row.clean_fields(
                    exclude=[f.name for f in model._meta.fields if f.name not in chosen]
                )
                row._history_user = by
                row.save()


def fill_json_and_references(payload: Payloads) -> None:
    """Text kept in JSON (key to scores, comparative tables, background papers, snapshots)
    and, on rows no address names, the references."""
    matrix = RiskMatrix.objects.get()
    matrix.impact_names = [f"{payload('risks.RiskMatrix.impact_names')} {n}" for n in range(5)]
    matrix.likelihood_names = [
        f"{payload('risks.RiskMatrix.likelihood_names')} {n}" for n in range(5)
    ]
    matrix.bands = [
        {**band, "name": f"{payload('risks.RiskMatrix.bands.name')} {n}"}
        for n, band in enumerate(matrix.bands)
    ]
    matrix.full_clean()
    matrix.save()
    for plan in RecoveryPlan.objects.all():
        plan.comparative_table = {
            "columns": [payload("recovery_plans.RecoveryPlan.comparative_table.columns"), "2017"],
            "rows": [[payload("recovery_plans.RecoveryPlan.comparative_table.rows"), "70%"]],
        }
        plan.save()
    Report.objects.update(
        background_papers=[
            {
                "paper": payload("meetings.Report.background_papers.paper"),
                "date": payload("meetings.Report.background_papers.date"),
                "contact": payload("meetings.Report.background_papers.contact"),
            }
        ]
    )
    for snapshot in ReviewEntry.objects.all():
        snapshot.data = {
            key: payload(f"risks.ReviewEntry.data.{key}")
            for key in ("description", "consequences", "controls", "owner", "comment")
        } | {"types": [payload("risks.ReviewEntry.data.types")]}
        snapshot.save()
    spare = Entry.objects.get(reference="CR3")
    ReviewEntry.objects.filter(entry=spare).update(
        reference=payload("risks.ReviewEntry.reference", 20)
    )
    spare.reference = payload("risks.Entry.reference", 20)
    spare.save()
    indicator = Indicator.objects.get(reference="SW07")
    indicator.reference = payload("indicators.Indicator.reference", 30)
    indicator.save()


# The world --------------------------------------------------------------------------------


def build_world(make_indicator, users) -> dict:
    """A published quarter with commentary, the register with its reviews, recovery plans
    with actions, a held meeting with minutes, a published meeting with every kind of
    appendix, and a draft: everything a page can show. Addressed as the access matrix's
    `urls_for` expects."""
    alice, priya = users["officer"], users["performance"]
    figures = [
        ("Q4 2016/17", "55"),
        ("Q1 2017/18", "50"),
        ("Q2 2017/18", "45"),
        ("Q3 2017/18", "42"),
        ("Q4 2017/18", "40"),
    ]
    section = Section.objects.create(name="Start Well", order=1)
    sw06 = rated_indicator(
        make_indicator,
        figures=figures,
        target="60",
        reference="SW06",
        title="Reviews on time",
        owner=alice,
        section=section,
        definition="Children's reviews held on time.",
        group="Reviews",
        data_source="Liquidlogic",
    )
    record_value(indicator=sw06, period=Q4, value=Decimal("40"), qualifier="17/18 forecast")
    set_target(
        indicator=sw06, year=Q4.financial_year, kind="year_end", value=Decimal("60"), note="Agreed"
    )
    record_comparator(
        indicator=sw06, period=Q4, kind="england", value=Decimal("70"), value_period="2016-17"
    )
    write_commentary(
        indicator=sw06, period=Q4, issues="Below target.", causes="Vacancies.", actions="Hiring."
    )
    sw07 = make_indicator(reference="SW07", owner=alice, section=section, unit="number")
    record_value(indicator=sw07, period=FinancialQuarter(2017, 3), value=Decimal("12"))
    record_value(indicator=sw07, period=Q4, value=None, missing_reason="Available in Q1")
    sw08 = make_indicator(reference="SW08", owner=alice, section=section)
    entered = workflow.save_entry(
        indicator=sw08,
        period=Q4,
        entry=workflow.Entry(value=None, missing_reason="Late", issues="Late."),
        by=alice,
        submit=True,
    )
    workflow.return_figure(value=entered, reason="Give the figure.", by=priya)
    Scorecard.objects.create(year=FinancialYear(2017)).indicators.set([sw06, sw07, sw08])

    kinds = [RiskType.objects.create(name=name) for name in ("Economic", "Social")]
    for order, (reference, kind) in enumerate(
        [("CR2", "risk"), ("CR3", "risk"), ("CO1", "opportunity")], start=1
    ):
        entry = save_entry(
            Entry(
                kind=kind,
                reference=reference,
                title=f"Entry {reference}",
                description="What could happen.",
                consequences="Harm.",
                controls="Checks.",
                actions="More checks.",
                owner_title="Director",
                comment="Stable.",
                inherent_impact=4,
                inherent_likelihood=4,
                residual_impact=3,
                residual_likelihood=order,
                order=order,
            )
        )
        entry.types.set(kinds)
    for quarter in ("Q4 2017/18", "Q1 2018/19"):
        close_review(open_review(quarter=parse_period(quarter)))
    RiskMatrix.objects.create(
        impact_names=list(scoring.DEFAULT.impact_names),
        likelihood_names=list(scoring.DEFAULT.likelihood_names),
        bands=[vars(band) for band in scoring.DEFAULT.bands],
        threshold=scoring.DEFAULT.threshold,
    )
    cr2 = Entry.objects.get(reference="CR2")
    cr2.travel_override, cr2.travel_reason, cr2.residual_reason = "level", "Reviewed", "Why"
    save_entry(cr2)
    closed = Entry.objects.get(reference="CO1")
    closed.status, closed.closed_on, closed.closed_reason = "closed", date(2018, 6, 1), "Done"
    save_entry(closed)

    table = {"columns": ["Area", "2017"], "rows": [["England", "70%"]]}
    plan = plans.save_plan(
        title="Put reviews back on time",
        indicators=[sw06],
        period=Q4,
        owner=alice,
        why="Vacancies.",
        opened_on=date(2018, 5, 1),
        comparative_intro="Compared with England.",
        comparative_table=table,
        actions_intro="The actions.",
    )
    lead = plans.leads_named(["Helen Smith"])[0]
    lead.job_title, lead.user = "Head of Service", alice
    lead.save()
    for number, completion in enumerate(["July 2018", "31 March 2030"], start=1):
        action = plans.save_action(
            plan=plan,
            text=f"Action {number}.",
            leads=[lead],
            completion=completion,
            status="planned",
            by=alice,
            heading="Staffing",
            expected_outcome="More staff.",
            note="Agreed.",
        )
    plans.set_action_status(action, status="underway", note="Started.", by=alice)
    plans.record_presentation(plan, committee="Cabinet", meeting_date=date(2018, 6, 27), note="N")
    plans.record_update(plan, written_on=date(2018, 7, 1), text="Progress.", by=alice)
    closed_plan = plans.save_plan(
        title="Figures on time",
        indicators=[sw07],
        period=Q4,
        owner=alice,
        why="Late data.",
        opened_on=date(2018, 4, 1),
    )
    plans.close_plan(closed_plan, closed_on=date(2018, 9, 1), reason="Back on time.", by=priya)

    committee = Committee.objects.create(name="Cabinet Committee on Performance Improvement")
    CommitteeMember.objects.create(committee=committee, name="County Councillor A", chair=True)
    held = meetings.create_meeting(
        committee=committee,
        starts_at=timezone.make_aware(datetime(2018, 4, 18, 14, 0)),
        venue="Committee Room 'B'",
    )
    held.items.update(minute="Noted.", resolution="That the report be noted.")
    Attendance.objects.create(meeting=held, name="County Councillor A", role="chair")
    Attendance.objects.create(meeting=held, name="County Councillor B", attended="apologies")
    held.status, held.supplement_intro = MeetingStatus.HELD, "Enclosed."
    held.save()
    meeting = agenda(author=alice, reports=["Performance", "Risks and plans"], exempt=["Care"])
    report = meeting.items.get(number=5).report
    report.consultations, report.risk_management, report.financial = "None.", "Low.", "None."
    report.legal, report.equality = "None.", "None."
    report.save()
    make = Appendix.objects.create
    make(report=report, letter="A", title="Written", kind="written", body="Ofsted update.")
    make(report=report, letter="B", title="Performance", kind="performance", quarter=Q4)
    meetings.save_upload(
        Appendix(report=report, letter="C", title="Letter", kind="upload"),
        pdf_bytes("An uploaded letter"),
        "letter.pdf",
    )
    make(
        report=report,
        letter="D",
        title="Register",
        kind="risk_register",
        review=Review.objects.get(quarter=parse_period("Q1 2018/19")),
    )
    make(report=report, letter="E", title="Plans", kind="recovery_plans").plans.set(
        [plan, closed_plan]
    )
    Appendix.objects.get(letter="B").sections.set([section])
    draft = meetings.create_meeting(
        committee=committee,
        starts_at=timezone.make_aware(datetime(2018, 10, 4, 14, 0)),
        venue="Committee Room 'B'",
    )
    return {
        "users": users,
        "meeting": meeting,
        "held": held,
        "draft": draft,
        "plan": plan,
        "closed_plan": closed_plan,
        "lead": lead,
    }


def publish(meeting, *, by):
    issue = meetings.request_publication(meeting, by=by)
    issue.refresh_from_db()
    assert issue.status == "ready", issue.error
    return issue


# Reading it all back ----------------------------------------------------------------------

READERS = ("performance", "clerk", "member", "officer")


def visits(world, payload: Payloads) -> list[tuple[str, str, str]]:
    """(role, name, address): every address of the access matrix as each reader it lets in
    (a file once), the pages of the other rows, what the filters and search echo back, and
    the admin's pages of every model."""
    meeting, closed_plan = world["meeting"], world["closed_plan"]
    urls = urls_for(world)
    urls["meetings:search"] = reverse("meetings:search") + "?q=XSS"
    found = []
    for name, url in urls.items():
        allowed = [role for role, code in zip(ROLES, EXPECTED[name], strict=True) if code == 200]
        readers = [role for role in READERS if role in allowed]
        found += [(role, name, url) for role in readers[: 1 if ".pdf" in url else None]]
    more = {
        "risks:entry (closed)": reverse("risks:entry", args=["CO1"]),
        "risks:entry (spare)": reverse("risks:entry", args=[payload("risks.Entry.reference", 20)]),
        "risks:review (Q4)": reverse("risks:review", args=["2017-18-Q4"]),
        "recovery_plans:detail (closed)": closed_plan.get_absolute_url(),
        "recovery_plans:pdf (closed)": reverse("recovery_plans:pdf", args=[closed_plan.pk]),
        "indicators:detail (SW08)": reverse("indicators:detail", args=["SW08"]),
        "meetings:item (4)": reverse("meetings:item", args=[meeting.pk, 4]),
        "meetings:detail (held)": world["held"].get_absolute_url(),
    }
    found += [("performance", name, url) for name, url in more.items()]
    probe = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
    echoed = {
        "indicators:scorecard (filters)": reverse("indicators:scorecard") + f"?q={probe}",
        "risks:register (filters)": reverse("risks:register") + f"?owner={probe}&band={probe}",
        "meetings:search (query)": reverse("meetings:search") + f"?q={probe}",
    }
    found += [("member", name, url) for name, url in echoed.items()]
    sw06 = Indicator.objects.get(reference="SW06")
    found.append(
        ("admin", "admin:audit", reverse("admin:indicators_indicator_audit", args=[sw06.pk]))
    )
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        if app in APPS:
            found.append(("admin", name, reverse(f"admin:{app}_{name}_changelist")))
            if first := model.objects.first():
                for page in ("change", "history"):
                    url = reverse(f"admin:{app}_{name}_{page}", args=[first.pk])
                    found.append(("admin", f"{name} {page}", url))
    return found


@pytest.fixture
def users(alice, bob, priya, clara, martin):
    superuser = get_user_model().objects.create_superuser("admin", password="x" * 16)
    return {
        "officer": alice,
        "officer2": bob,
        "performance": priya,
        "clerk": clara,
        "member": martin,
        "admin": superuser,
    }


def test_every_field_left_out_exists():
    for name in NOT_FREE_TEXT.keys() | ONLY_WHERE_SET | NOT_ON_PAGES:
        app, model, field = name.split(".")
        apps.get_model(app, model)._meta.get_field(field)


def test_stored_script_is_text_on_every_page_export_and_pdf(client, make_indicator, users):
    """Each payload is read back somewhere as the text it is, and nothing anywhere runs it."""
    payload = Payloads()
    world = build_world(make_indicator, users)
    fill_every_text_field(payload, by=users["performance"])
    fill_json_and_references(payload)
    for name in ("first_name", "last_name"):
        setattr(users["officer"], name, payload(f"auth.User.{name}", 150))
    users["officer"].save()
    meeting = world["meeting"]
    publish(meeting, by=users["clerk"])

    findings = Findings(payload.texts, payload.names)
    for role, name, url in visits(world, payload):
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        findings.read(f"{name} as {role}", response)
    # A supplement's front sheet (the one place its opening sentence is printed), as the
    # pack's renderer hands it to WeasyPrint.
    meeting.refresh_from_db()
    items = list(selectors.items_queryset(meeting))
    front = render_to_string(
        "meetings/pack_front.html",
        {**pack_context(meeting, items, full=True, supplement=True), "ranges": {}},
    )
    findings.read_html("supplement front sheet", front.encode(), kind="print")

    assert findings.problems == []
    names = payload.names
    assert sorted(names[m] for m in names if not findings.seen[m]) == [], "shown nowhere"
    on_pages = {names[m] for m in names if "page" in findings.seen[m]}
    assert set(names.values()) - on_pages == NOT_ON_PAGES, "shown on no page"
    in_pdfs = {names[m] for m in names if "pdf" in findings.seen[m]}
    assert {"meetings.Report.executive_summary", "risks.Entry.title"} <= in_pdfs
    assert findings.literal_script >= {"page", "pdf"}, "<script> is nowhere shown as text"


# Exports and uploads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (
            '=HYPERLINK("https://example.org","Click")',
            '\'=HYPERLINK("https://example.org","Click")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("-3.2%", "-3.2%"),
        ("-£1.2m", "-£1.2m"),
        ("+2.5 (revised)", "+2.5 (revised)"),
        ("-", "-"),
        ("Reviews on time", "Reviews on time"),
        (12, 12),
    ],
)
def test_export_cells_that_a_spreadsheet_would_run_as_formulas_are_kept_as_text(value, cell):
    assert spreadsheet_text(value) == cell


def test_the_return_workbook_keeps_formula_like_text_as_text_through_the_import(
    client, make_indicator, alice
):
    section = Section.objects.create(name="Live Well / Age Well: [2018]", order=1)
    title = '=HYPERLINK("https://example.org","Click")'
    indicator = make_indicator(reference="LW01", title=title, owner=alice, section=section)
    said = {"issues": "- one\n- two", "causes": "=1+1", "actions": "+44 1772 533637"}
    entry = workflow.Entry(value=None, missing_reason="@SUM(A1:A9)", **said)
    workflow.save_entry(indicator=indicator, period=Q4, entry=entry, by=alice)
    client.force_login(alice)
    data = client.get(reverse("returns:workbook", args=["2017-18", "Q4"])).content
    sheet = load_workbook(io.BytesIO(data))["Live Well - Age Well- -2018-"]
    cells = {cell.value: cell for cell in sheet[2]}
    assert not [cell for cell in sheet[2] if cell.data_type == "f"]
    assert cells[title].quotePrefix and cells["=1+1"].quotePrefix
    assert [c.value for c in sheet[2]][7:12] == ["@SUM(A1:A9)", "Final", *said.values()]
    # Uploaded again, every text is read back as it was written.
    assert import_figures(data, by=alice).problems == []
    note = Commentary.objects.get(indicator=indicator)
    assert {"issues": note.issues, "causes": note.causes, "actions": note.actions} == said
    assert Value.objects.current().get(indicator=indicator).missing_reason == "@SUM(A1:A9)"


def _pdf_with(action: str) -> bytes:
    """A one-page PDF that runs a script when opened, has a link that runs one, or links
    to a javascript: address."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("A letter")))

    def name(text):
        return NameObject(text)

    script = DictionaryObject(
        {name("/S"): name("/JavaScript"), name("/JS"): PdfText("app.alert(1)")}
    )
    if action == "open":
        writer._root_object[name("/OpenAction")] = script
    else:
        if action == "link":
            target = script
        else:
            target = DictionaryObject({name("/S"): name("/URI"), name("/URI"): PdfText(action)})
        link = DictionaryObject(
            {
                name("/Type"): name("/Annot"),
                name("/Subtype"): name("/Link"),
                name("/Rect"): ArrayObject([NumberObject(n) for n in (50, 50, 200, 100)]),
                name("/A"): target,
            }
        )
        writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("action", ["open", "link", "javascript:alert(1)", " JavaScript:alert(1)"])
def test_an_appendix_pdf_with_a_script_or_a_javascript_link_is_refused(clara, action):
    """The pack copies an uploaded page's links into the council's own PDF, and the file is
    served as uploaded: neither may carry a script to its readers."""
    meeting = agenda(reports=["Written Statement of Action"])
    report = meeting.items.get(kind="report").report
    appendix = Appendix(report=report, letter="A", title="Ofsted letter", kind="upload")
    with pytest.raises(ValidationError, match="print it to PDF again"):
        meetings.save_upload(appendix, _pdf_with(action), "letter.pdf")
    assert not report.appendices.exists()
    # One stored before the check cannot be published either.
    appendix.file.save("letter.pdf", ContentFile(_pdf_with(action)), save=False)
    appendix.page_count = 1
    appendix.save()
    with pytest.raises(ValidationError, match="print it to PDF again"):
        meetings.request_publication(meeting, by=clara)


def test_an_appendix_pdf_with_web_links_is_accepted(clara):
    report = agenda().items.get(kind="report").report
    upload = _pdf_with("https://www.lancashire.gov.uk/")
    appendix = Appendix(report=report, letter="A", title="Ofsted letter", kind="upload")
    assert meetings.save_upload(appendix, upload, "letter.pdf").page_count == 1
