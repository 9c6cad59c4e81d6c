"""Onboarding a council: the catalogue workbook (indicators, targets, history) imported all
or nothing, previewed first, and exported in the same format."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from indicators.models import Commentary, Indicator, Section, Service, Target, Value
from indicators.periods import parse_period
from indicators.services import record_value
from onboarding.catalogue import (
    CATALOGUE,
    HISTORY,
    TARGETS,
    build_catalogue_workbook,
    export_catalogue,
    import_catalogue,
)
from returns.workflow import Entry, save_entry

# Every "not a period" message ends with the forms a period may be written in.
PERIOD_FORMS = (
    'one of: financial or academic year "2017/18"; quarter "Q3 2017/18"; month "Dec 2016"; '
    'year to date "Apr - Sept 2017", "April to September 2017/18" or "Month 6 2017/18"; '
    'quarters of a calendar year "Q1-3 2017"; calendar year "2017"; term "Autumn term 2012"; '
    'rolling window "Jul 16 - Jun 17"; snapshot "as at 31 March 2018"'
)
PAGE = "/returns/catalogue/"
CHECK = "/returns/catalogue/check/"


def row(columns, **cells) -> list:
    """A sheet row from its cells by heading (spaces and hyphens as underscores)."""
    names = {h.lower().replace(" ", "_").replace("-", "_"): i for i, (h, _) in enumerate(columns)}
    out = [""] * len(columns)
    for name, value in cells.items():
        out[names[name]] = value
    return out


def indicator_row(reference="SW01", **cells) -> list:
    defaults = {
        "reference": reference,
        "title": "Contacts to referral",
        "unit": "Percentage",
        "decimal_places": 1,
        "polarity": "H",
        "frequency": "Quarterly",
        "section": "Start Well",
        "service": "Children's Social Care",
    }
    return row(CATALOGUE, **{**defaults, **cells})


def workbook(catalogue=(), targets=(), history=()) -> bytes:
    buffer = io.BytesIO()
    build_catalogue_workbook(list(catalogue), list(targets), list(history)).save(buffer)
    return buffer.getvalue()


def small_catalogue() -> bytes:
    return workbook(
        [
            indicator_row(
                "SW01",
                definition="Contacts that became referrals.",
                owner_e_mail="ALICE@example.org",
                data_source="Liquidlogic",
                rag_tolerance="5%",
            ),
            indicator_row(
                "AW02",
                title="Delayed transfers of care",
                unit="Rate",
                rate_per=100000,
                polarity="L",
                frequency="Monthly",
                year_to_date="Sum",
                section="Age Well",
                service="Adult Social Care",
                rag_tolerance="2",
            ),
        ],
        [
            row(TARGETS, reference="SW01", year="2017/18", kind="Year-end", target="30"),
            row(
                TARGETS,
                reference="SW01",
                year="2017/18",
                kind="Profiled",
                period="Q2 2017/18",
                target="28.5",
            ),
            row(
                TARGETS,
                reference="SW01",
                year="2016/17",
                kind="Baseline",
                baseline="19.2",
                change="5%",
                increase_or_reduce="Increase",
            ),
            row(TARGETS, reference="AW02", year="2017/18", kind="Range", low="3.2", high="4.3"),
            row(
                TARGETS, reference="AW02", year="2018/19", kind="Stretch", target="3", by="2025/26"
            ),
            row(TARGETS, reference="AW02", year="2016/17", kind="None", note="New measure"),
        ],
        [
            row(HISTORY, reference="SW01", period="Q3 2017/18", figure="34.8%", issues="Up."),
            row(HISTORY, reference="SW01", period="Q2 2017/18", figure=29.6, status="Provisional"),
            row(HISTORY, reference="SW01", period="2016/17", or_why_it_is_missing="New measure"),
            row(HISTORY, reference="AW02", period="Dec 2016", figure="1,288/52.5"),
            row(HISTORY, reference="AW02", period="Jan 2017", figure="4.1", qualifier="est."),
        ],
    )


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    """Each test's uploads in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def alice_email(alice):
    alice.email = "alice@example.org"
    alice.save()
    return alice


def test_the_template_downloads_and_opens_with_instructions(client, priya):
    client.force_login(priya)
    response = client.get(f"{PAGE}template.xlsx")
    assert response.status_code == 200
    assert "catalogue-template.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Instructions", "Catalogue", "Targets", "History", "Comparators"]
    assert [c.value for c in book["Catalogue"][1]][:5] == [
        "Reference",
        "Title",
        "Definition",
        "Group",
        "Unit",
    ]
    assert [c.value for c in book["History"][1]][:3] == ["Reference", "Period", "Figure"]
    guide = [c.value for c in book["Instructions"]["A"]]
    assert "Owner e-mail" in guide and "Increase or reduce" in guide
    assert book["Catalogue"].max_row == 1  # blank


def test_a_small_catalogue_with_history_imports_published_in_the_importers_name(priya, alice_email):
    result = import_catalogue(small_catalogue(), by=priya)
    assert result.problems == []
    assert (result.count("created"), result.new_sections, result.new_services) == (
        2,
        ["Age Well", "Start Well"],
        ["Adult Social Care", "Children's Social Care"],
    )
    sw01 = Indicator.objects.get(reference="SW01")
    assert (sw01.owner, sw01.unit, sw01.tolerance_kind, sw01.tolerance_amount) == (
        alice_email,
        "percentage",
        "relative",
        Decimal(5),
    )
    aw02 = Indicator.objects.get(reference="AW02")
    assert (aw02.rate_per, aw02.polarity, aw02.aggregation, aw02.section.name) == (
        100000,
        "low",
        "sum",
        "Age Well",
    )
    targets = {(t.indicator.reference, str(t.year), t.kind): t for t in Target.objects.all()}
    assert len(targets) == 6
    assert targets["SW01", "2017/18", "profiled"].period == parse_period("Q2 2017/18")
    assert targets["SW01", "2016/17", "baseline"].spec().point() == Decimal("20.16")
    assert str(targets["AW02", "2018/19", "stretch"].by_year) == "2025/26"
    figures = {(v.indicator.reference, str(v.period)): v for v in Value.objects.published()}
    assert len(figures) == 5 and not Value.objects.exclude(state="published").exists()
    assert figures["SW01", "Q3 2017/18"].value == Decimal("34.8")
    assert figures["SW01", "Q2 2017/18"].status == "provisional"
    assert figures["SW01", "2016/17"].missing_reason == "New measure"
    assert (figures["AW02", "Dec 2016"].count, figures["AW02", "Dec 2016"].value) == (
        Decimal(1288),
        Decimal("52.5"),
    )
    assert Commentary.objects.get().issues == "Up."
    for model in (Indicator, Target, Value, Commentary):
        assert {h.history_user for h in model.history.all()} == {priya}


def test_a_dry_run_saves_nothing(priya, alice_email):
    result = import_catalogue(small_catalogue(), by=priya, dry_run=True)
    assert result.problems == [] and result.count("created") == 2
    assert result.total("history", "created") == 5 and result.total("targets", "created") == 6
    for model in (Indicator, Section, Service, Target, Value, Commentary):
        assert not model.objects.exists(), model


def test_every_bad_cell_is_listed_by_sheet_cell_and_reason_and_nothing_is_saved(
    priya, make_indicator
):
    make_indicator(reference="OLD1", unit="count", decimal_places=0)
    before = Indicator.objects.count()
    data = workbook(
        [
            indicator_row("SW01", unit="Furlongs"),
            indicator_row("SW02", section=""),
            indicator_row("SW02", title="Again"),
            indicator_row("SW03", decimal_places="two", polarity="Up"),
            indicator_row("SW04", unit="Rate"),
            indicator_row("SW05", owner_e_mail="nobody@example.org", frequency="Fortnightly"),
            indicator_row("SW06", rag_tolerance="lots"),
        ],
        [
            row(TARGETS, reference="SW02", year="2017/18", kind="Year-end", low="3"),
            row(TARGETS, reference="SW02", year="17/18", kind="Range", low="5", high="4"),
            row(TARGETS, reference="OLD1", year="2017/18", kind="Year-end", target="x"),
        ],
        [
            row(HISTORY, reference="OLD1", period="Q5 2017/18", figure="12"),
            row(HISTORY, reference="OLD1", period="Q1 2017/18", figure="12%"),
            row(HISTORY, reference="OLD1", period="Q2 2017/18", figure="41, 554"),
            row(HISTORY, reference="OLD1", period="Q3 2017/18"),
            row(HISTORY, reference="OLD1", period="Q3 2017/18", figure="3", status="Guess"),
            row(HISTORY, reference="NOPE", period="Q3 2017/18", figure="3"),
            row(HISTORY, reference="OLD1", period="2017/18", figure="3"),
            row(HISTORY, reference="OLD1", period="2017/18", figure="4"),
            row(HISTORY, reference="SW02", period="2017/18", figure="104.2"),
        ],
    )
    result = import_catalogue(data, by=priya)
    assert [str(p) for p in result.problems] == [
        "Catalogue E2 (SW01): 'Furlongs' is not a unit: use Percentage, Count, Rate, Days, "
        "Score, Money, Number",
        "Catalogue M3 (SW02): give a section",
        "Catalogue A4 (SW02): duplicate reference: also on row 3",
        "Catalogue F5 (SW03): 'two' is not a number",
        'Catalogue I5 (SW03): "Up" is not a polarity: use H, L or - (none)',
        "Catalogue G6 (SW04): A rate needs its base: per 10,000 or per 100,000, for example",
        "Catalogue J7 (SW05): 'Fortnightly' is not a frequency: use Monthly, Quarterly, "
        "Annual, Academic year, Termly, Rolling",
        "Catalogue O7 (SW05): no account has the e-mail nobody@example.org: correct it, or "
        "ask for accounts to be created for unknown owners",
        "Catalogue Q8 (SW06): 'lots' is not a number",
        # SW02's Catalogue row is wrong; its Targets and History rows are checked all the same.
        "Targets F2 (SW02): a year-end target has no low",
        "Targets F3 (SW02): The low end of the range (5) is above the high end (4)",
        "Targets E4 (OLD1): 'x' is not a number",
        'History B2 (OLD1): "Q5 2017/18" is not a period: a quarter must be Q1 to Q4, not Q5. '
        "Periods are written as " + PERIOD_FORMS,
        "History C3 (OLD1): '12%' is a percentage, but this measure is a count",
        "History C4 (OLD1): '41, 554' is not a number",
        "History C5 (OLD1): give a figure or say why it is missing",
        "History E6 (OLD1): 'Guess' is not a status: use Provisional, Estimate or Final",
        "History A7 (NOPE): 'NOPE' is not an indicator of the Catalogue sheet or of Scorecard",
        "History B9 (OLD1): duplicate figure for 2017/18: also on row 8",
        "History C10 (SW02): A percentage cannot be over 100: 104.2 was entered",
    ]
    assert result.unknown_owners == ["nobody@example.org"]
    assert Indicator.objects.count() == before
    assert not Value.objects.exists() and not Target.objects.exists()
    assert list(Section.objects.values_list("name", flat=True)) == ["Start Well"]


def test_bad_targets_and_figures_of_new_indicators_are_named_too(priya):
    data = workbook(
        [indicator_row("SW01")],
        [
            row(TARGETS, reference="SW01", year="2017/18", kind="Year-end", low="3"),
            row(TARGETS, reference="SW01", year="next year", kind="Range", low="5", high="4"),
            row(TARGETS, reference="SW01", year="2018/19", kind="Range", low="5", high="4"),
            row(TARGETS, reference="SW01", year="2019/20", kind="Profiled", target="4"),
        ],
        [row(HISTORY, reference="SW01", period="2017/18", figure="104.2")],
    )
    problems = [str(p) for p in import_catalogue(data, by=priya).problems]
    assert problems[0] == "Targets F2 (SW01): a year-end target has no low"
    assert problems[1].startswith('Targets B3 (SW01): "next year" is not a period')
    assert problems[2].startswith("Targets F4 (SW01): ") or problems[2].startswith(
        "Targets G4 (SW01): "
    )
    assert problems[3].startswith("Targets D5 (SW01): A profiled target needs the period")
    assert problems[4] == ("History C2 (SW01): A percentage cannot be over 100: 104.2 was entered")
    assert not Indicator.objects.exists()


def _workbook_with_problems_on_every_sheet() -> bytes:
    """SW01's Catalogue row has a bad unit and polarity; its Targets and History rows have
    problems of their own, some of them two in one row."""
    return workbook(
        [
            indicator_row("SW01", unit="Furlongs", polarity="Up"),
            indicator_row("", unit="Acres"),
            indicator_row("SW02", frequency="Fortnightly"),
        ],
        [
            row(TARGETS, reference="SW01", year="next year", kind="Year-end", target="x"),
            row(TARGETS, reference="SW01", year="2017/18", kind="Range", low="5", high="4"),
            row(TARGETS, reference="SW01", year="2018/19", kind="Sometimes", target="y"),
            row(TARGETS, reference="SW01", year="2019/20", kind="Year-end", target="30"),
            row(TARGETS, reference="SW02", year="2017/18", kind="Year-end", target="30"),
        ],
        [
            row(HISTORY, reference="SW01", period="Q5 2017/18", figure="lots", status="Guess"),
            # A figure any unit could hold is not doubted while the unit is unknown.
            row(HISTORY, reference="SW01", period="Q1 2017/18", figure="34.8%", count="87"),
            row(HISTORY, reference="SW01", period="Q2 2017/18", figure="£7.989m"),
            row(HISTORY, reference="SW01", period="Q2 2017/18", figure="3"),
            row(HISTORY, reference="SW01", period="Q3 2017/18"),
            row(HISTORY, reference="SW02", period="2017/18", figure="12", qualifier="q" * 300),
            row(HISTORY, reference="SW02", period="Dec 2016", figure="1,288/52.5"),
        ],
    )


def test_every_sheet_is_checked_even_where_a_catalogue_row_has_a_problem(priya):
    result = import_catalogue(_workbook_with_problems_on_every_sheet(), by=priya)
    assert [str(p) for p in result.problems] == [
        "Catalogue E2 (SW01): 'Furlongs' is not a unit: use Percentage, Count, Rate, Days, "
        "Score, Money, Number",
        'Catalogue I2 (SW01): "Up" is not a polarity: use H, L or - (none)',
        "Catalogue A3: give the indicator's reference",
        "Catalogue E3: 'Acres' is not a unit: use Percentage, Count, Rate, Days, Score, "
        "Money, Number",
        "Catalogue J4 (SW02): 'Fortnightly' is not a frequency: use Monthly, Quarterly, "
        "Annual, Academic year, Termly, Rolling",
        'Targets B2 (SW01): "next year" is not a period we recognise; write it as ' + PERIOD_FORMS,
        "Targets E2 (SW01): 'x' is not a number",
        "Targets F3 (SW01): The low end of the range (5) is above the high end (4)",
        "Targets C4 (SW01): 'Sometimes' is not a kind of target: use Year-end, Profiled, "
        "Baseline, Range, Stretch, None",
        "Targets E4 (SW01): 'y' is not a number",
        'History B2 (SW01): "Q5 2017/18" is not a period: a quarter must be Q1 to Q4, not Q5. '
        "Periods are written as " + PERIOD_FORMS,
        "History C2 (SW01): 'lots' is not a number",
        "History E2 (SW01): 'Guess' is not a status: use Provisional, Estimate or Final",
        "History B5 (SW01): duplicate figure for Q2 2017/18: also on row 4",
        "History C6 (SW01): give a figure or say why it is missing",
        "History F7 (SW02): at most 100 characters, not 300",
    ]
    assert not Indicator.objects.exists() and not Target.objects.exists()


def test_one_upload_lists_the_problems_of_every_sheet(client, priya):
    client.force_login(priya)
    data = _workbook_with_problems_on_every_sheet()
    page = client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", data)})
    assert "16 problems, by sheet and cell:" in page.text
    for where in ("Catalogue E2 (SW01)", "Targets E2 (SW01)", "History C2 (SW01)"):
        assert where in page.text


def test_reimporting_an_edited_workbook_updates_and_never_duplicates(priya, alice_email):
    import_catalogue(small_catalogue(), by=priya)
    book = load_workbook(io.BytesIO(small_catalogue()))
    book["Catalogue"]["B2"] = "Contacts becoming referrals"
    book["Catalogue"]["Q2"] = "2"
    book["Targets"]["E2"] = "31"
    book["History"]["C2"] = "35.1%"
    book["History"]["H3"] = "Staffing."
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert result.problems == []
    plan = {p.reference: p for p in result.indicators}
    assert [(c.column, c.old, c.new) for c in plan["SW01"].changes] == [
        ("Title", "Contacts to referral", "Contacts becoming referrals"),
        ("RAG tolerance", "5%", "2"),
    ]
    assert plan["SW01"].targets == {"created": 0, "changed": 1, "unchanged": 2}
    assert plan["SW01"].history == {"created": 0, "changed": 2, "unchanged": 1}
    assert plan["AW02"].action == "unchanged"
    assert (Indicator.objects.count(), Target.objects.count(), Value.objects.count()) == (2, 6, 5)
    sw01 = Indicator.objects.get(reference="SW01")
    assert (sw01.title, sw01.tolerance_kind, sw01.tolerance_amount) == (
        "Contacts becoming referrals",
        "absolute",
        Decimal(2),
    )
    figure = Value.objects.get(indicator=sw01, period=parse_period("Q3 2017/18"))
    assert (figure.value, figure.revision, figure.state) == (Decimal("35.1"), 1, "published")
    assert [h.value for h in figure.history.order_by("history_date")] == [
        Decimal("34.8"),
        Decimal("35.1"),
    ]
    assert Commentary.objects.get(period=parse_period("Q2 2017/18")).causes == "Staffing."


def test_export_then_import_is_a_no_op(client, priya, alice_email, make_indicator):
    import_catalogue(small_catalogue(), by=priya)
    contacts = make_indicator(
        reference="SC01", unit="score", score_out_of=Decimal(24), polarity="none", group="Ofsted"
    )
    save_entry(
        indicator=contacts, period=parse_period("Q4 2017/18"), entry=Entry(Decimal(19)), by=priya
    )  # a draft on the return: not exported, and left alone
    client.force_login(priya)
    exported = client.get(f"{PAGE}export.xlsx").content
    book = load_workbook(io.BytesIO(exported))
    assert book.sheetnames == ["Instructions", "Catalogue", "Targets", "History", "Comparators"]
    assert book["History"].max_row == 6 and book["Targets"].max_row == 7
    history = Value.history.count()
    result = import_catalogue(exported, by=priya, dry_run=True)
    assert result.problems == []
    assert {p.action for p in result.indicators} == {"unchanged"}
    assert result.total("history", "unchanged") == 5 and result.total("targets", "unchanged") == 6
    assert result.total("history", "changed") + result.total("targets", "changed") == 0
    assert import_catalogue(exported, by=priya).problems == []
    assert Value.history.count() == history


def test_the_demo_council_round_trips(demo_council, priya):
    buffer = io.BytesIO()
    export_catalogue().save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya, dry_run=True)
    assert result.problems == [] and {p.action for p in result.indicators} == {"unchanged"}
    assert result.total("history", "unchanged") == Value.objects.published().count()


def test_unknown_owners_are_listed_and_created_inactive_officers_when_asked(priya):
    data = workbook(
        [
            indicator_row("SW01", owner_e_mail="New.Officer@example.org"),
            indicator_row("SW02", owner_e_mail="new.officer@EXAMPLE.org"),
        ]
    )
    refused = import_catalogue(data, by=priya)
    assert refused.unknown_owners == ["new.officer@example.org"] and len(refused.problems) == 2
    result = import_catalogue(data, by=priya, create_owners=True)
    assert result.problems == [] and result.created_owners == ["new.officer@example.org"]
    officer = get_user_model().objects.get(email__iexact="new.officer@example.org")
    assert not officer.is_active and not officer.has_usable_password()
    assert list(officer.groups.values_list("name", flat=True)) == ["Officers"]
    assert set(Indicator.objects.values_list("owner", flat=True)) == {officer.pk}
    again = import_catalogue(data, by=priya, dry_run=True)
    assert again.created_owners == [] and {p.action for p in again.indicators} == {"unchanged"}


def test_figures_being_worked_on_in_a_return_are_left_to_the_return(priya, make_indicator):
    indicator = make_indicator(reference="SW01")
    save_entry(
        indicator=indicator,
        period=parse_period("Q3 2017/18"),
        entry=Entry(Decimal("30")),
        by=priya,
        submit=True,
    )
    data = workbook([], [], [row(HISTORY, reference="SW01", period="Q3 2017/18", figure="31%")])
    assert [str(p) for p in import_catalogue(data, by=priya).problems] == [
        "History C2 (SW01): Q3 2017/18 is submitted on the return; change it there, or leave "
        "this row as it was"
    ]


def test_commentary_of_a_figure_on_the_return_is_left_to_the_return(priya, make_indicator):
    """The catalogue cannot publish commentary past the sign-off of the figure it goes with:
    on a published figure it is corrected in place, as the figure is; on one being worked
    on in the return, it is refused."""
    indicator = make_indicator(reference="SW01")
    q3 = parse_period("Q3 2017/18")
    save_entry(indicator=indicator, period=q3, entry=Entry(Decimal("30")), by=priya, submit=True)
    data = workbook(
        [], [], [row(HISTORY, reference="SW01", period="Q3 2017/18", figure="30%", issues="New")]
    )
    assert [str(p) for p in import_catalogue(data, by=priya).problems] == [
        "History G2 (SW01): Q3 2017/18 is submitted on the return; change its commentary "
        "there, or leave this row as it was"
    ]
    assert not indicator.commentaries.exists()
    # Published, its commentary is corrected in place, and is public with it.
    record_value(indicator=indicator, period=parse_period("Q2 2017/18"), value=Decimal("29"))
    data = workbook(
        [], [], [row(HISTORY, reference="SW01", period="Q2 2017/18", figure="29%", issues="Old")]
    )
    assert import_catalogue(data, by=priya).problems == []
    (note,) = indicator.commentaries.published()
    assert (note.figure.period, note.issues) == (parse_period("Q2 2017/18"), "Old")


def test_the_page_previews_then_imports_and_deletes_the_upload(client, priya, alice_email):
    from django.conf import settings

    client.force_login(priya)
    response = client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", small_catalogue())})
    assert response.status_code == 302 and response["Location"] == CHECK
    stored = list((settings.MEDIA_ROOT / "imports").glob("*.xlsx"))
    assert len(stored) == 1
    page = client.get(CHECK)
    assert "Check what c.xlsx would change" in page.text
    assert "New sections to be created: Age Well, Start Well." in page.text
    assert "SW01 Contacts to referral" in page.text and not Indicator.objects.exists()
    response = client.post(CHECK, {"action": "import"}, follow=True)
    assert "Imported c.xlsx. Indicators: 2 new" in response.text
    assert Indicator.objects.count() == 2 and not stored[0].exists()
    # The same file again: everything left alone; cancelling deletes the upload.
    client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", small_catalogue())})
    assert "Indicators left alone (2)" in client.get(CHECK).text
    response = client.post(CHECK, {"action": "cancel"}, follow=True)
    assert "Nothing was imported" in response.text
    assert list((settings.MEDIA_ROOT / "imports").glob("*.xlsx")) == []
    assert "No workbook is waiting" in client.get(CHECK).text


def test_the_page_lists_problems_and_keeps_nothing(client, priya):
    from django.conf import settings

    client.force_login(priya)
    data = workbook([indicator_row("SW01", unit="Furlongs", owner_e_mail="x@example.org")])
    response = client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", data)})
    assert response.status_code == 200
    assert "Catalogue E2 (SW01): &#x27;Furlongs&#x27; is not a unit" in response.text
    assert "No account has these e-mail addresses: x@example.org" in response.text
    response = client.post(PAGE, {"workbook": SimpleUploadedFile("c.csv", b"a,b\n")})
    assert "not an Excel .xlsx workbook" in response.text
    assert list((settings.MEDIA_ROOT / "imports").glob("*.xlsx")) == []


def test_an_upload_is_only_its_uploaders(client, priya, uploads):
    from indicators.roles import PERFORMANCE_TEAM
    from tests.conftest import _user

    client.force_login(priya)
    data = workbook([indicator_row()])
    assert client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", data)}).status_code == 302
    client.force_login(_user("pat", PERFORMANCE_TEAM, staff=True))
    assert "No workbook is waiting" in client.post(CHECK, {"action": "import"}).text
    assert not Indicator.objects.exists() and len(list(uploads.glob("*.xlsx"))) == 1


@pytest.mark.parametrize("path", ["", "check/", "template.xlsx", "export.xlsx"])
def test_only_the_performance_team_may_use_the_catalogue(client, alice, clara, martin, path):
    url = PAGE + path
    response = client.get(url)
    assert response.status_code == 302 and "login/" in response["Location"]
    for user in (alice, clara, martin):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403


def test_the_commands_share_the_importer(priya, alice_email, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(workbook([indicator_row("SW01", unit="Furlongs")]))
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_catalogue", str(path), "--user", "priya", stderr=err)
    assert "Catalogue E2 (SW01): 'Furlongs' is not a unit" in err.getvalue()
    path.write_bytes(small_catalogue())
    out = StringIO()
    call_command("import_catalogue", str(path), "--user", "priya", "--dry-run", stdout=out)
    assert "Dry run, nothing saved. Indicators: 2 new" in out.getvalue()
    assert not Indicator.objects.exists()
    call_command("import_catalogue", str(path), "--user", "priya", stdout=StringIO())
    assert Value.objects.count() == 5
    exported = tmp_path / "export.xlsx"
    call_command("export_catalogue", str(exported), stdout=StringIO())
    out = StringIO()
    call_command("import_catalogue", str(exported), "--user", "priya", "--dry-run", stdout=out)
    assert "Indicators: 0 new, 0 changed, 2 left alone" in out.getvalue()
    with pytest.raises(CommandError, match="no active performance team member"):
        call_command("import_catalogue", str(path), "--user", "alice")


def catalogue_of(how_many: int, periods: int = 8) -> bytes:
    """`how_many` indicators with `periods` quarters of history and a target each."""
    from indicators.periods import FinancialQuarter

    quarters = [FinancialQuarter(2013 + i // 4, i % 4 + 1) for i in range(periods)]
    catalogue, targets, history = [], [], []
    for number in range(how_many):
        reference = f"Q{number:04d}"
        catalogue.append(indicator_row(reference, section=f"Section {number % 3}", owner_e_mail=""))
        targets.append(
            row(TARGETS, reference=reference, year="2014/15", kind="Year-end", target=50)
        )
        for n, quarter in enumerate(quarters):
            history.append(
                row(HISTORY, reference=reference, period=str(quarter), figure=f"{n + number % 50}%")
            )
    return workbook(catalogue, targets, history)


def test_import_queries_do_not_grow_with_rows(priya):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for how_many in (3, 30):
        data = catalogue_of(how_many)
        Indicator.objects.all().delete()
        Section.objects.all().delete()
        Service.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            result = import_catalogue(data, by=priya)
        assert result.problems == [] and result.total("history", "created") == how_many * 8
        counts.append(len(captured))
    assert counts == [counts[0], counts[0]]
    # Each kind of row: written, its keys read back, its history; and the stored scorecard
    # quarters the figures reach (published_rows).
    assert counts[0] == 18


def test_figures_must_fit_the_places_and_digits_the_database_keeps(priya, make_indicator):
    make_indicator(reference="NUM1", unit="number", decimal_places=2)
    data = workbook(
        [],
        [row(TARGETS, reference="NUM1", year="2017/18", kind="Year-end", target="1.234")],
        [
            row(HISTORY, reference="NUM1", period="Q1 2017/18", figure="12.1234567"),
            row(HISTORY, reference="NUM1", period="Q2 2017/18", figure="1.500000000"),
            row(HISTORY, reference="NUM1", period="Q3 2017/18", figure="123456789012345"),
            row(HISTORY, reference="NUM1", period="Q4 2017/18", figure="99999999999999"),
        ],
    )
    result = import_catalogue(data, by=priya, dry_run=True)
    assert [str(p) for p in result.problems] == [
        "History C2 (NUM1): 12.1234567 has more than 6 decimal places",
        "History C4 (NUM1): 123456789012345 is too large",
    ]
    fixed = workbook(
        [],
        [row(TARGETS, reference="NUM1", year="2017/18", kind="Year-end", target="1.2345670")],
        [row(HISTORY, reference="NUM1", period="Q2 2017/18", figure="1.500000000")],
    )
    assert import_catalogue(fixed, by=priya).problems == []
    assert Value.objects.get().value == Decimal("1.5")
    assert Target.objects.get().value == Decimal("1.234567")


def _saving_meanwhile(monkeypatch, change):
    """Run `change` between the import's check and its writes, as another user would."""
    from onboarding import catalogue

    checked = catalogue._plan

    def plan_then_change(*args, **kwargs):
        writes = checked(*args, **kwargs)
        change()
        return writes

    monkeypatch.setattr(catalogue, "_plan", plan_then_change)


def test_a_figure_saved_between_check_and_import_stops_it_cleanly(
    priya, alice_email, make_indicator, monkeypatch
):
    old = make_indicator(reference="OLD1")
    data = workbook(
        [indicator_row("NEW1")],
        [],
        [row(HISTORY, reference="OLD1", period="Q1 2017/18", figure="12%")],
    )
    _saving_meanwhile(
        monkeypatch,
        lambda: save_entry(
            indicator=old, period=parse_period("Q1 2017/18"), entry=Entry(Decimal(19)), by=priya
        ),
    )
    result = import_catalogue(data, by=priya)
    assert [str(p) for p in result.problems] == [
        "Scorecard changed while the workbook was being imported (someone saved figures or "
        "indicators it holds): nothing was saved. Check the workbook again, then import it."
    ]
    assert not Indicator.objects.filter(reference="NEW1").exists()
    assert Value.objects.get().value == Decimal(19)  # the officer's figure, untouched


def test_a_corrected_figure_changed_meanwhile_is_not_overwritten(priya, alice_email, monkeypatch):
    import_catalogue(small_catalogue(), by=priya)
    book = load_workbook(io.BytesIO(small_catalogue()))
    book["History"]["C2"] = "35.1%"
    buffer = io.BytesIO()
    book.save(buffer)
    figure = Value.objects.get(indicator__reference="SW01", period=parse_period("Q3 2017/18"))
    _saving_meanwhile(
        monkeypatch,
        lambda: Value.objects.filter(pk=figure.pk).update(
            value=Decimal("36"), version=figure.version + 1
        ),
    )
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert "nothing was saved" in str(result.problems[0])
    assert Value.objects.get(pk=figure.pk).value == Decimal("36")


def test_a_workbook_without_its_sheets_is_named_plainly(priya):
    book = Workbook()
    book.active.title = "Figures"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_catalogue(buffer.getvalue(), by=priya)
    assert [str(p) for p in result.problems] == [
        "The workbook has no sheet named Catalogue or Targets or History"
    ]


def test_a_catalogue_with_a_cell_at_the_last_column_is_refused_before_it_is_read(
    client, priya, uploads, monkeypatch
):
    import zipfile

    import spreadsheets.workbooks

    def calamine_must_not_run(*args, **kwargs):
        raise AssertionError("the workbook reached python-calamine")

    monkeypatch.setattr(spreadsheets.workbooks, "CalamineWorkbook", calamine_must_not_run)
    source = zipfile.ZipFile(io.BytesIO(small_catalogue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>", b'<row r="9"><c r="XFD9"><v>1</v></c></row></sheetData>'
                )
            target.writestr(info.filename, content)
    client.force_login(priya)
    response = client.post(PAGE, {"workbook": SimpleUploadedFile("c.xlsx", out.getvalue())})
    assert response.status_code == 200
    assert "A sheet of the workbook reaches column XFD" in response.text
    assert not Indicator.objects.exists()
    assert list(uploads.glob("*.xlsx")) == []


def test_year_to_date_figures_import_in_the_forms_papers_print(client, priya):
    data = workbook(
        [indicator_row("SW01", unit="Count", decimal_places=0, year_to_date="Sum")],
        [],
        [
            row(HISTORY, reference="SW01", period="Apr - Sept 2011", figure="40"),
            row(HISTORY, reference="SW01", period="April to October 2011/12", figure="45"),
            row(HISTORY, reference="SW01", period="Month 7 2010/11", figure="50"),
            row(HISTORY, reference="SW01", period="Q1-3 2017", figure="12"),
        ],
    )
    result = import_catalogue(data, by=priya)
    assert result.problems == []
    assert sorted(str(v.period) for v in Value.objects.all()) == [
        "2010/11 year to date (Apr - Oct)",
        "2011/12 year to date (Apr - Oct)",
        "2011/12 year to date (Apr - Sept)",
        "Q1-3 2017",
    ]


def test_the_instructions_list_every_form_of_period_with_an_example(client, priya):
    client.force_login(priya)
    book = load_workbook(io.BytesIO(client.get(f"{PAGE}template.xlsx").content))
    guide = {row[0]: row[1] for row in book["Instructions"].iter_rows(values_only=True)}
    assert guide["Periods"].startswith("Targets and History periods may be written")
    assert guide["Year to date"] == (
        '"Apr - Sept 2017", "April to September 2017/18", "Month 6 2017/18"'
    )
    assert guide["Quarter"] == '"Q3 2017/18"'
    assert guide["Quarters of a calendar year"] == '"Q1-3 2017"'
    assert guide["Snapshot"] == '"as at 31 March 2018"'


def test_an_owner_is_named_with_their_address_as_outlook_writes_them(client, priya):
    data = workbook([indicator_row("SW01", owner_e_mail="Jane Smith <Jane.Smith@example.org>")])
    result = import_catalogue(data, by=priya, create_owners=True)
    assert result.problems == [] and result.created_owners == ["jane.smith@example.org"]
    officer = get_user_model().objects.get(email__iexact="jane.smith@example.org")
    assert (officer.first_name, officer.last_name) == ("Jane", "Smith")
    page = client.get("/indicators/SW01/").text
    assert "Jane Smith (<a" in page and "mailto:Jane.Smith@example.org" in page
    # The export writes the name with the address, and reads back as the same officer.
    client.force_login(priya)
    exported = client.get(f"{PAGE}export.xlsx").content
    cells = [c.value for c in load_workbook(io.BytesIO(exported))["Catalogue"][2]]
    assert "Jane Smith <Jane.Smith@example.org>" in cells
    again = import_catalogue(exported, by=priya, dry_run=True)
    assert again.problems == [] and again.created_owners == []
    assert {p.action for p in again.indicators} == {"unchanged"}


def test_an_owner_cell_that_is_not_an_address_is_named(priya):
    data = workbook([indicator_row("SW01", owner_e_mail="Jane Smith <not an address>")])
    (problem,) = import_catalogue(data, by=priya).problems
    assert "is not an e-mail address" in str(problem) and "Catalogue" in str(problem)
