"""scorecard.bulk: rows written without model instances must be the rows, and the audit
trail, that Django's bulk_create and django-simple-history's bulk_create_with_history
write, on SQLite and on PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import Commentary, Indicator, Section, Service, Target, Value
from indicators.periods import FinancialQuarter, parse_period
from scorecard.bulk import (
    create_objects_with_history,
    create_with_history,
    insert,
    update_with_history,
)

VALUE_FIELDS = ("indicator_id", "period", "period_start", "period_end", "value", "count")


def _row(obj, model, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if f.attname not in {"id", "history_id", "history_date", *skip}
    }


def test_values_and_their_history_are_those_bulk_create_with_history_writes(priya, make_indicator):
    indicator = make_indicator()
    first, second = parse_period("Q1 2017/18"), parse_period("Q2 2017/18")
    (theirs,) = bulk_create_with_history(
        [
            Value(
                indicator=indicator,
                period=first,
                period_start=first.start,
                period_end=first.end,
                value=Decimal("12.345678"),
                count=Decimal(9907),
                state="published",
            )
        ],
        Value,
        default_user=priya,
    )
    before = timezone.now()
    (pk,) = create_with_history(
        Value,
        VALUE_FIELDS,
        [(indicator.pk, second, second.start, second.end, Decimal("12.345678"), Decimal(9907))],
        key=["indicator_id", "period", "revision"],
        by=priya,
        constants={"state": "published"},
    )
    theirs, ours = Value.objects.get(pk=theirs.pk), Value.objects.get(pk=pk)
    assert ours.period == second and (ours.period_start, ours.period_end) == (
        second.start,
        second.end,
    )
    skip = ("period", "period_start", "period_end")
    assert _row(ours, Value, skip) == _row(theirs, Value, skip)
    assert ours.value == Decimal("12.345678") and ours.is_current and ours.revision == 1

    their_history, our_history = theirs.history.get(), ours.history.get()
    assert _row(our_history, Value.history.model, skip) == _row(
        their_history, Value.history.model, skip
    )
    assert (our_history.id, our_history.history_user, our_history.history_type) == (
        pk,
        priya,
        "+",
    )
    assert before - timedelta(seconds=1) <= our_history.history_date <= timezone.now()
    assert our_history.instance.value == Decimal("12.345678")


def test_keys_come_back_in_row_order(make_indicator):
    indicators = [make_indicator() for _ in range(24)]
    quarters = [FinancialQuarter(2000 + n // 4, n % 4 + 1) for n in range(100)]
    keys = [(indicator.pk, quarter) for indicator in indicators for quarter in quarters]
    pks = create_with_history(
        Commentary,
        ("indicator_id", "period", "issues", "causes", "actions"),
        [(pk, quarter, f"issue {n}", "", "") for n, (pk, quarter) in enumerate(keys)],
        key=["indicator_id", "period"],
        by=None,
    )
    assert len(pks) == 2400
    saved = Commentary.objects.in_bulk(pks)
    assert [(saved[pk].indicator_id, saved[pk].period) for pk in pks] == keys
    assert [saved[pk].issues for pk in pks] == [f"issue {n}" for n in range(2400)]
    assert Commentary.history.filter(history_user=None, history_type="+").count() == 2400


def test_model_instances_get_their_keys_and_follow_a_key_saved_earlier(priya):
    section, service = (
        Section.objects.create(name="Live Well"),
        Service.objects.create(name="Parks"),
    )
    indicator = Indicator(
        reference="LW01", title="Park visits", unit="count", section=section, service=service
    )
    create_objects_with_history(Indicator, [indicator], key=["reference"], by=priya)
    target = Target(indicator=indicator, year=parse_period("2017/18"), value=Decimal(5))
    create_objects_with_history(Target, [target], key=["indicator_id", "year", "period"], by=priya)
    assert indicator.pk and not indicator._state.adding
    saved = Target.objects.get(pk=target.pk)
    assert saved.indicator == indicator and saved.value == Decimal(5)
    assert indicator.history.get().history_user == priya
    assert Indicator.objects.get().title == "Park visits"


def test_a_constant_for_a_column_the_model_lacks_is_refused(db):
    with pytest.raises(ValueError, match="Section has no column colour"):
        insert(Section, ("name",), [("Live Well",)], constants={"colour": "red"})
    assert not Section.objects.exists()


def test_a_database_taking_few_parameters_gets_the_work_in_pieces(make_indicator, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "max_query_params", 50)
    indicators = [make_indicator() for _ in range(60)]  # more first-key values than a piece
    quarter = FinancialQuarter(2017, 1)
    pks = create_with_history(
        Commentary,
        ("indicator_id", "period", "issues", "causes", "actions"),
        [(indicator.pk, quarter, indicator.reference, "", "") for indicator in indicators],
        key=["indicator_id", "period"],
        by=None,
    )
    saved = Commentary.objects.in_bulk(pks)
    assert [saved[pk].issues for pk in pks] == [i.reference for i in indicators]
    history = Commentary.history.filter(id__in=pks)
    assert sorted(history.values_list("id", "issues")) == sorted(
        (pk, saved[pk].issues) for pk in pks
    )


def test_updates_and_their_history_are_those_bulk_update_with_history_writes(
    priya, alice, make_indicator
):
    indicator = make_indicator()
    quarters = [parse_period("Q1 2017/18"), parse_period("Q2 2017/18")]
    ours, theirs = (
        Value.objects.create(indicator=indicator, period=q, value=Decimal(1), state="draft")
        for q in quarters
    )
    for row in (ours, theirs):
        row.value, row.state, row.version = Decimal("34.8"), "submitted", 2
    fields = ["value", "state", "version"]
    bulk_update_with_history([theirs], Value, fields, default_user=alice)
    before = timezone.now()
    update_with_history(Value, [ours], fields, by=priya)
    ours, theirs = Value.objects.get(pk=ours.pk), Value.objects.get(pk=theirs.pk)
    assert (ours.value, ours.state, ours.version) == (Decimal("34.8"), "submitted", 2)
    skip = ("period", "period_start", "period_end", "history_user_id")
    our_history = ours.history.order_by("-history_id").first()
    their_history = theirs.history.order_by("-history_id").first()
    assert _row(our_history, Value.history.model, skip) == _row(
        their_history, Value.history.model, skip
    )
    assert (our_history.history_user, our_history.history_type) == (priya, "~")
    assert before - timedelta(seconds=1) <= our_history.history_date <= timezone.now()
    assert our_history.instance.value == Decimal("34.8")


def test_an_update_of_nothing_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        update_with_history(Value, [], ["value"], by=None)
