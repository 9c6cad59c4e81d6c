"""The demo council matches the published reports it was transcribed from."""

import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.council import load_demo
from indicators.demo import DEMO_FILE
from indicators.derived import year_to_date
from indicators.models import Indicator, Value
from indicators.periods import parse_period

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
Q3_REPORT = (SEEDS / "002_q3_2017_18.txt").read_text(encoding="utf-8")
Q4_REPORT = (SEEDS / "001_q4_2017_18.txt").read_text(encoding="utf-8")


def cells_after(report: str, measure: str, how_many: int) -> list[str]:
    """The table cells printed after a measure's name, read from the report text."""
    start = report.index(measure) + len(measure)
    tail = report[start:]
    if "\t" in tail.split("\n", 1)[0]:  # seed 001: one row per line, tab separated
        return [c.strip() for c in tail.split("\n", 1)[0].split("\t")[1:]][:how_many]
    cells = [c.strip() for c in re.split(r"\n\t", tail)[1:]]  # seed 002: a cell per line
    return [c for c in cells if c][:how_many]


def displayed(reference: str, period: str) -> str:
    value = Value.objects.select_related("indicator").get(
        indicator__reference=reference, period=parse_period(period)
    )
    return value.display


@pytest.fixture
def demo(demo_council):
    """The meetings have tests of their own."""


# (report, measure as printed, cell index, reference, period): each figure is read from
# the report text and compared with what the loaded demo council prints for it.
FIGURES = [
    (Q3_REPORT, "Percentage of contacts that lead to a referrals", 4, "SW02", "Q3 2017/18"),
    (Q3_REPORT, "Percentage of contacts that lead to a referrals", 1, "SW02", "Dec 2016"),
    (Q3_REPORT, "Referral rate", 3, "SW03", "Q2 2017/18"),
    (
        Q3_REPORT,
        "Number and rate of children with a Children in Need Plan",
        2,
        "SW07",
        "Q1 2017/18",
    ),
    (Q3_REPORT, "Rate of CLA number/per 10,000", 4, "SW11", "Q3 2017/18"),
    (Q3_REPORT, "Number of visits to libraries each quarter", 2, "LW03", "Q1 2017/18"),
    (Q3_REPORT, "Number of NHS Health Checks completed", 4, "LW13", "Q3 2017/18"),
    (Q3_REPORT, "Adults receiving direct payments  (ASCOF)", 3, "AW02", "Q3 2017/18"),
    (Q3_REPORT, "Number of completed reablement support plans", 3, "AW10", "Q3 2017/18"),
    (Q4_REPORT, "Number and rate of referrals during the year", 1, "SW04", "2016/17"),
    (Q4_REPORT, "Number and rate of referrals during the year", 2, "SW04", "2017/18"),
    (Q4_REPORT, "Number and percentage of referrals that are re-referrals", 1, "SW05", "2016/17"),
    (Q4_REPORT, "Number of visits to libraries each quarter", 2, "LW03", "2017/18"),
    (Q4_REPORT, "Percentage of CLA in 3 or more placement", 2, "SW12", "2017/18"),
    (
        Q4_REPORT,
        "Number of permanent admissions to residential and nursing care homes pop aged 65+ during",
        2,
        "AW08",
        "2017/18",
    ),
    (Q4_REPORT, "Number of NHS Health Checks offered to eligible population", 2, "LW12", "2017/18"),
]


def test_demo_figures_print_exactly_as_the_report_does(demo):
    compared = [
        (reference, period, displayed(reference, period), cells_after(report, m, cell + 1)[cell])
        for report, m, cell, reference, period in FIGURES
    ]
    assert [c for c in compared if c[2] != c[3]] == []
    assert len(compared) >= 10


def test_every_england_average_of_the_q4_report_is_loaded(demo):
    # SW06: "Percentage of assessments ... which took over 45 days" England average 17.1%.
    row = cells_after(Q4_REPORT, "Percentage of assessments completed during the year", 4)
    indicator = Indicator.objects.get(reference="SW06")
    england = indicator.comparators.get(kind="england", period=parse_period("2017/18"))
    assert indicator.format(england.value) == row[3] == "17.1%"


def test_missing_figures_keep_the_reports_reason(demo):
    assert displayed("LW11", "Q3 2017/18") == "Available in Q4"
    assert displayed("SW14", "2016/17") == "New measure"


def test_statuses_follow_the_reports_notes(demo):
    provisional = Value.objects.get(indicator__reference="LW11", period=parse_period("Q2 2017/18"))
    assert provisional.status == "provisional"
    estimate = Value.objects.get(indicator__reference="SW04", period=parse_period("2017/18"))
    assert estimate.status == "estimate"


def test_year_to_date_computed_from_the_demo_matches_the_printed_column(demo):
    """The engine's year-to-date sums reproduce the Q3 report's "Year to date" column."""
    checked = 0
    for item in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["indicators"]:
        indicator = Indicator.objects.get(reference=item["reference"])
        if indicator.aggregation != "sum":
            continue
        for printed in item["printed_derived"]:
            if printed["kind"] != "year_to_date":
                continue
            series = {v.period: v.value for v in indicator.values.all()}
            total = year_to_date(series, parse_period(printed["through"]), "sum")
            assert total == Decimal(printed["value"]), indicator.reference
            assert printed["printed"] in Q3_REPORT
            checked += 1
    assert checked >= 5


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_every_transcribed_figure_appears_in_its_report():
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    reports = {"001": squeeze(Q4_REPORT), "002": squeeze(Q3_REPORT)}
    for item in data["indicators"]:
        for value in item["values"]:
            assert squeeze(value["printed"]) in reports[value["source"]], (item["reference"], value)
            if value["value"] is None:
                continue
            figure = value["printed"].replace(value["qualifier"], "").split("(")[0]
            *count, number = figure.split("/")
            assert Decimal(re.sub(r"[^\d.]", "", number)) == Decimal(value["value"]), value
            if count:
                assert Decimal(re.sub(r"[^\d]", "", count[0])) == Decimal(value["count"]), value
        for comparator in item["comparators"]:
            assert squeeze(comparator["printed"]) in reports[comparator["source"]], comparator


def test_loading_twice_changes_nothing(demo):
    before = (Indicator.objects.count(), Value.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "password for all: scorecard-demo" in out.getvalue()
    assert (Indicator.objects.count(), Value.objects.count()) == before
    assert before[0] == 78  # 70 from the 2017/18 reports, 8 covered by recovery plans


def test_a_bad_demo_file_loads_nothing(db, tmp_path):
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    data["indicators"][-1]["values"][0]["value"] = "104.2"  # a percentage over 100
    broken = tmp_path / "demo.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(Exception, match="percentage cannot be over 100"):
        load_demo(broken)
    assert not Indicator.objects.exists() and not Value.objects.exists()


def test_demo_users_exist_for_every_role(demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        username__in=["officer", "performance", "member", "clerk"]
    )
    assert {u.groups.get().name for u in users} == {
        "Officers",
        "Performance team",
        "Committee members",
        "Clerks",
    }
    officer = users.get(username="officer")
    assert officer.check_password("scorecard-demo")
    # 22 in the 2017/18 reports and 5 covered by recovery plans (four of 2012/13, KS4 2018).
    assert Indicator.objects.filter(owner=officer, section__name="Start Well").count() == 27
