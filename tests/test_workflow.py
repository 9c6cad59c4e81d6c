"""The return's steps: draft, submit, return, sign off, publish, correct."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators.models import Publication, Value, due_periods
from indicators.periods import parse_period
from returns.workflow import (
    EditConflict,
    Entry,
    WorkflowError,
    publish_quarter,
    return_figure,
    return_lines,
    save_entry,
    sign_off,
)

Q3 = parse_period("Q3 2017/18")


def published_figure(indicator):
    return Value.objects.published().filter(indicator=indicator, period=Q3).first()


def through_to_signed_off(indicator, officer, team, figure="34.8"):
    value = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal(figure)), by=officer, submit=True
    )
    sign_off(values=[value], by=team)
    value.refresh_from_db()
    return value


def test_a_draft_is_not_published(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    value = save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice)
    assert value.state == "draft" and published_figure(indicator) is None


def test_the_full_journey_publishes_the_figure(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice)
    value = through_to_signed_off(indicator, alice, priya)
    assert value.state == "signed_off" and published_figure(indicator) is None
    publication = publish_quarter(quarter=Q3, by=priya)
    assert publication.figures == 1
    assert published_figure(indicator).value == Decimal("34.8")


def test_a_correction_after_publication_is_a_new_revision_shown_once_published(
    make_indicator, alice, priya
):
    indicator = make_indicator(owner=alice)
    through_to_signed_off(indicator, alice, priya)
    publish_quarter(quarter=Q3, by=priya)
    corrected = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal("35.1")), by=alice, submit=True
    )
    assert corrected.revision == 2 and corrected.state == "submitted"
    # Members still see the figure as published until the correction is.
    assert published_figure(indicator).value == Decimal("34.8")
    sign_off(values=[corrected], by=priya)
    publish_quarter(quarter=Q3, by=priya)
    shown = published_figure(indicator)
    assert shown.value == Decimal("35.1") and shown.display == "35.1% (revised)"
    # Nothing is deleted: both revisions remain.
    assert Value.objects.filter(indicator=indicator, period=Q3).count() == 2


def test_returning_needs_a_reason_and_unlocks_the_figure(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice)
    value = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True
    )
    with pytest.raises(WorkflowError, match="Say why"):
        return_figure(value=value, reason="  ", by=priya)
    return_figure(value=value, reason="Check against the LCS extract", by=priya)
    value.refresh_from_db()
    assert value.state == "returned" and value.return_reason == "Check against the LCS extract"
    fixed = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal("34.9")), by=alice, submit=True
    )
    assert fixed.state == "submitted" and fixed.return_reason == ""


def test_a_submitted_figure_is_locked_for_its_officer(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True)
    with pytest.raises(WorkflowError, match="must return it"):
        save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("40")), by=alice)


def test_officer_cannot_enter_another_officers_figures(make_indicator, alice, bob):
    indicator = make_indicator(owner=bob)
    with pytest.raises(PermissionDenied):
        save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("1")), by=alice)


def test_a_delegate_can_enter_figures(make_indicator, alice, bob):
    indicator = make_indicator(owner=bob)
    indicator.delegates.add(alice)
    assert save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("1")), by=alice).pk


def test_only_the_performance_team_signs_off_returns_and_publishes(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    value = save_entry(
        indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice, submit=True
    )
    with pytest.raises(PermissionDenied):
        sign_off(values=[value], by=alice)
    with pytest.raises(PermissionDenied):
        return_figure(value=value, reason="x", by=alice)
    with pytest.raises(PermissionDenied):
        publish_quarter(quarter=Q3, by=alice)
    assert not Publication.objects.exists()


def test_signing_off_a_draft_is_refused_and_changes_nothing(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice)
    submitted = make_indicator(owner=alice)
    ok = save_entry(indicator=submitted, period=Q3, entry=Entry(Decimal(1)), by=alice, submit=True)
    draft = save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal(2)), by=alice)
    with pytest.raises(WorkflowError, match="is draft, so it cannot be signed off"):
        sign_off(values=[ok, draft], by=priya)
    ok.refresh_from_db()
    assert ok.state == "submitted"  # all or none


def test_the_second_of_two_editors_is_refused_with_what_changed(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice)
    first = save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice)
    opened_at = first.version
    save_entry(
        indicator=indicator,
        period=Q3,
        entry=Entry(Decimal("35.0")),
        by=priya,
        expected_version=opened_at,
    )
    with pytest.raises(EditConflict) as caught:
        save_entry(
            indicator=indicator,
            period=Q3,
            entry=Entry(Decimal("36.0")),
            by=alice,
            expected_version=opened_at,
        )
    assert "someone else saved this figure" in str(caught.value.messages[0])
    assert "35.0%" in caught.value.messages[0]
    assert Value.objects.get(indicator=indicator).value == Decimal("35.0")


def test_saving_the_same_figure_again_records_no_change(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    value = save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice)
    save_entry(indicator=indicator, period=Q3, entry=Entry(Decimal("34.8")), by=alice)
    assert value.history.count() == 1


def test_commentary_is_saved_with_the_figure(make_indicator, alice):
    indicator = make_indicator(owner=alice)
    save_entry(
        indicator=indicator,
        period=Q3,
        by=alice,
        entry=Entry(Decimal("34.8"), issues="Up", causes="Police", actions="Triage"),
    )
    note = indicator.commentaries.get()
    assert (note.issues, note.causes, note.actions) == ("Up", "Police", "Triage")


@pytest.mark.parametrize(
    ("frequency", "lag", "quarter", "due"),
    [
        ("quarterly", 0, "Q3 2017/18", ["Q3 2017/18"]),
        ("quarterly", 1, "Q3 2017/18", ["Q2 2017/18"]),
        ("monthly", 0, "Q3 2017/18", ["Oct 2017", "Nov 2017", "Dec 2017"]),
        ("annual", 0, "Q3 2017/18", []),
        ("annual", 0, "Q4 2017/18", ["2017/18"]),
        ("rolling", 0, "Q3 2017/18", ["Jan 17 - Dec 17"]),
        ("termly", 0, "Q3 2017/18", ["Autumn term 2017"]),
        ("academic_year", 0, "Q2 2017/18", ["2016/17"]),
    ],
)
def test_periods_due_in_a_quarter(make_indicator, frequency, lag, quarter, due):
    indicator = make_indicator(frequency=frequency, reporting_lag=lag)
    assert [str(p) for p in due_periods(indicator, parse_period(quarter))] == due


def test_return_lines_show_each_state(make_indicator, alice):
    started = make_indicator(owner=alice)
    make_indicator(owner=alice)
    save_entry(indicator=started, period=Q3, entry=Entry(Decimal("1")), by=alice)
    lines = return_lines([started, *started.__class__.objects.exclude(pk=started.pk)], Q3)
    assert [line.state_label for line in lines] == ["Draft", "Not started"]


def test_published_commentary_is_never_deleted(make_indicator, alice, priya):
    indicator = make_indicator(owner=alice)
    save_entry(
        indicator=indicator,
        period=Q3,
        by=alice,
        submit=True,
        entry=Entry(Decimal("34.8"), issues="Published words"),
    )
    sign_off(values=list(Value.objects.all()), by=priya)
    publish_quarter(quarter=Q3, by=priya)
    save_entry(indicator=indicator, period=Q3, by=alice, entry=Entry(Decimal("34.8")))
    assert indicator.commentaries.get().issues == "Published words"
