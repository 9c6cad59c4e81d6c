"""Process changes: the performance team records that a service changed how it works, and
statistical process control draws a new phase from that period, with its own mean and
limits, judging variation and assurance on the phase the process is in now."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from indicators import spc
from indicators.audit import audit_trail
from indicators.models import ProcessChange, Target
from indicators.periods import FinancialQuarter, FinancialYear
from indicators.services import record_process_change, record_value, save_indicator
from reporting.charts import spc_chart
from tests.test_spc_page import spc_figure, words

# Twelve quarters around 50, then eight around 70: a new service lifted performance.
BEFORE = [50, 52, 49, 51, 50, 53, 48, 50, 52, 49, 51, 50]
AFTER = [70, 71, 69, 70, 72, 69, 71, 70]
NEW_SERVICE = FinancialQuarter(2017, 1)  # the thirteenth quarter from Q1 2014/15


def record_the_step(indicator):
    """Twenty quarters from Q1 2014/15, the step up at the thirteenth; a 60% target."""
    for n, figure in enumerate(BEFORE + AFTER):
        record_value(
            indicator=indicator,
            period=FinancialQuarter(2014 + n // 4, n % 4 + 1),
            value=Decimal(figure),
        )
    Target.objects.create(indicator=indicator, year=FinancialYear(2018), kind="year_end", value=60)
    return indicator


@pytest.fixture
def stepped(make_indicator):
    return record_the_step(make_indicator(polarity="high", title="Stepped measure"))


def _reported(indicator):
    return type(indicator).objects.for_report().get(pk=indicator.pk)


def _record(indicator, period=NEW_SERVICE, reason="New triage service", by=None):
    return record_process_change(
        ProcessChange(indicator=indicator, period=period, reason=reason), by=by
    )


def test_without_a_process_change_the_step_is_a_special_cause(stepped):
    _, chart = spc_chart(_reported(stepped))
    assert len(chart.phases) == 1
    assert chart.variation is spc.Variation.IMPROVING
    assert chart.assurance is spc.Assurance.HIT_AND_MISS


def test_a_process_change_starts_a_phase_with_its_own_mean_and_limits(stepped):
    _record(stepped)
    series, chart = spc_chart(_reported(stepped))
    assert [start for start, _ in chart.phases] == [0, 12]
    assert series[12].period == NEW_SERVICE
    first, second = (lim for _, lim in chart.phases)
    assert first.mean == spc.limits(BEFORE).mean
    assert second.mean == spc.limits(AFTER).mean
    # The new service is stable around 70 and clear of the 60% target.
    assert chart.variation is spc.Variation.COMMON
    assert chart.assurance is spc.Assurance.PASS


def test_a_change_given_as_a_year_starts_at_its_first_quarter_of_figures(stepped):
    _record(stepped, period=FinancialYear(2017))
    _, chart = spc_chart(_reported(stepped))
    assert [start for start, _ in chart.phases] == [0, 12]


def test_a_change_before_the_second_figure_or_after_the_latest_starts_nothing(stepped):
    _record(stepped, period=FinancialQuarter(2013, 1), reason="Before the series")
    _record(stepped, period=FinancialQuarter(2020, 1), reason="Not yet reported")
    _, chart = spc_chart(_reported(stepped))
    assert len(chart.phases) == 1


def test_a_phase_too_young_for_limits_judges_nothing_yet(make_indicator):
    indicator = make_indicator(polarity="high")
    for n, figure in enumerate(BEFORE + [70]):
        record_value(
            indicator=indicator,
            period=FinancialQuarter(2014 + n // 4, n % 4 + 1),
            value=Decimal(figure),
        )
    _record(indicator)
    _, chart = spc_chart(_reported(indicator))
    assert chart.phases[-1] == (12, None)
    assert chart.variation is None and chart.assurance is None
    assert chart.signals[-1] is None


def test_fixed_limits_apply_within_each_phase(stepped):
    stepped.spc_fix_after = 6
    stepped.save()
    _record(stepped)
    _, chart = spc_chart(_reported(stepped))
    first, second = (lim for _, lim in chart.phases)
    assert first.mean == spc.limits(BEFORE[:6]).mean and first.points == 6
    assert second.mean == spc.limits(AFTER[:6]).mean and second.points == 6


def test_the_page_shows_each_phase_and_the_reason_on_the_chart(client, stepped):
    _record(stepped)
    text = client.get(f"/indicators/{stepped.reference}/").text
    page = words(text)
    assert "From Q1 2014/15: mean 50.4%, process limits" in page
    assert "From Q1 2017/18 (New triage service): mean 70.3%, process limits" in page
    assert "Common cause variation" in page
    figure = spc_figure(text)
    notes = [a["text"].replace("<br>", " ") for a in figure["layout"]["annotations"]]
    assert "Process change: New triage service" in notes
    assert any(shape["type"] == "line" for shape in figure["layout"]["shapes"])
    means = next(t for t in figure["data"] if t["name"].startswith("Mean"))["y"]
    assert sorted({m for m in means if m is not None}) == pytest.approx([605 / 12, 562 / 8])


def test_the_scorecard_judges_the_current_phase(client, stepped):
    query = {"year": "2018/19", "period": "Q4"}
    before = words(client.get("/scorecard/", {**query, "variation": "improving"}).text)
    assert "Stepped measure" in before
    _record(stepped)
    after = words(client.get("/scorecard/", {**query, "variation": "improving"}).text)
    assert "Stepped measure" not in after
    common = words(client.get("/scorecard/", {**query, "variation": "common"}).text)
    assert "Stepped measure" in common
    passing = words(client.get("/scorecard/", {**query, "assurance": "pass"}).text)
    assert "Stepped measure" in passing


# Recording and withdrawing, by role ------------------------------------------------------


def _form_url(indicator):
    return f"/indicators/{indicator.reference}/process-changes/"


def test_the_performance_team_records_a_change_from_the_indicator_page(client, stepped, priya):
    client.force_login(priya)
    page = words(client.get(f"/indicators/{stepped.reference}/").text)
    assert "Record a process change" in page
    response = client.post(
        _form_url(stepped), {"period": NEW_SERVICE.key, "reason": "  New   triage service "}
    )
    assert response.status_code == 302
    change = ProcessChange.objects.get(indicator=stepped)
    assert (change.period, change.reason, change.recorded_by) == (
        NEW_SERVICE,
        "New triage service",
        priya,
    )
    page = words(client.get(response["Location"]).text)
    assert "Process change from Q1 2017/18 recorded" in page
    assert "New triage service" in page and "by priya" in page
    trail = [e for e in audit_trail(stepped) if e.subject.startswith("Process change")]
    assert [(e.who, e.action) for e in trail] == [("priya", "Created")]


@pytest.mark.parametrize("who", ["owner", "alice", "clara", "martin"])
def test_nobody_else_records_or_withdraws_a_change(client, stepped, who, alice, clara, martin):
    users = {"alice": alice, "clara": clara, "martin": martin}
    if who == "owner":
        stepped.owner = alice
        stepped.save()
    client.force_login(users.get(who, alice))
    change = _record(stepped)
    page = words(client.get(f"/indicators/{stepped.reference}/").text)
    assert "Record a process change" not in page and "Withdraw" not in page
    assert "New triage service" in page  # everyone reads why the limits start afresh
    later = FinancialQuarter(2017, 2).key
    posted = client.post(_form_url(stepped), {"period": later, "reason": "x"})
    assert posted.status_code == 403
    withdrawn = client.post(f"{_form_url(stepped)}{change.pk}/withdraw/")
    assert withdrawn.status_code == 403
    assert list(ProcessChange.objects.values_list("reason", flat=True)) == ["New triage service"]


def test_signed_out_visitors_are_sent_to_sign_in(client, stepped):
    response = client.post(_form_url(stepped), {"period": NEW_SERVICE.key, "reason": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not ProcessChange.objects.exists()


def test_withdrawing_keeps_the_history(client, stepped, priya):
    change = _record(stepped, by=priya)
    client.force_login(priya)
    response = client.post(f"{_form_url(stepped)}{change.pk}/withdraw/")
    assert response.status_code == 302
    assert not ProcessChange.objects.exists()
    _, chart = spc_chart(_reported(stepped))
    assert len(chart.phases) == 1
    trail = [e for e in audit_trail(stepped) if e.subject.startswith("Process change")]
    assert [(e.who, e.action) for e in trail] == [("priya", "Deleted"), ("priya", "Created")]


@pytest.mark.parametrize(
    "data, field, problem",
    [
        ({"period": NEW_SERVICE.key, "reason": "   "}, "What changed", "Say what changed"),
        ({"period": "", "reason": "New triage service"}, "First period", "Choose the first"),
        (
            {"period": "financial_quarter:Q1 2014/15", "reason": "New triage service"},
            "First period",
            "Choose one of the chart's periods, after its first.",
        ),
        (
            {"period": "financial_quarter:Q1 2030/31", "reason": "New triage service"},
            "First period",
            "Choose one of the chart's periods, after its first.",
        ),
        ({"period": NEW_SERVICE.key, "reason": "x" * 301}, "What changed", "300 characters"),
    ],
)
def test_a_refused_change_names_the_field_and_keeps_what_was_typed(
    client, stepped, priya, data, field, problem
):
    client.force_login(priya)
    response = client.post(_form_url(stepped), data)
    assert response.status_code == 200
    page = words(response.text)
    assert "There is a problem" in page
    assert f"{field}" in page and problem in page
    assert f'value="{data["reason"]}"' in response.text or data["reason"].strip() == ""
    assert not ProcessChange.objects.exists()


def test_the_same_period_twice_is_refused(client, stepped, priya):
    _record(stepped)
    client.force_login(priya)
    response = client.post(_form_url(stepped), {"period": NEW_SERVICE.key, "reason": "Again"})
    assert response.status_code == 200
    assert "A process change from Q1 2017/18 is already recorded." in words(response.text)
    assert ProcessChange.objects.count() == 1


# The admin -------------------------------------------------------------------------------


def _admin_post(client, indicator, rows):
    from tests.admin_forms import change_form_data

    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    data = change_form_data(client.get(url))
    prefix = "process_changes"
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{n}-{key}"] = value
    return client.post(url, data)


def test_the_performance_team_records_a_change_in_the_admin(client, stepped, priya):
    client.force_login(priya)
    response = _admin_post(client, stepped, [{"period": "Q1 2017/18", "reason": "New service"}])
    assert response.status_code == 302, response.context and response.context["errors"]
    change = ProcessChange.objects.get()
    assert (change.period, change.recorded_by) == (NEW_SERVICE, priya)
    trail = [e for e in audit_trail(stepped) if e.subject.startswith("Process change")]
    assert [e.who for e in trail] == ["priya"]


def test_an_owning_officer_cannot_add_one_in_the_admin(client, stepped, alice):
    stepped.owner = alice
    stepped.save()
    client.force_login(alice)
    _admin_post(client, stepped, [{"period": "Q1 2017/18", "reason": "New service"}])
    assert not ProcessChange.objects.exists()
    # Nor set the statistical method: that is the performance team's.
    assert (
        b'name="spc_fix_after"'
        not in client.get(f"/admin/indicators/indicator/{stepped.pk}/change/").content
    )


def test_a_process_change_needs_its_reason(stepped):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Say what changed"):
        _record(stepped, reason=" ")


def test_deleting_a_user_keeps_their_process_changes(stepped):
    user = get_user_model().objects.create_user("leaver", password="x" * 16)
    change = _record(stepped, by=user)
    user.delete()
    change.refresh_from_db()
    assert change.recorded_by is None and change.reason == "New triage service"


def test_save_indicator_accepts_a_fixed_baseline(make_indicator):
    indicator = make_indicator()
    saved = save_indicator(
        reference=indicator.reference,
        title=indicator.title,
        section=indicator.section,
        service=indicator.service,
        spc_fix_after=8,
    )
    assert saved.spc_fix_after == 8
