from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.periods import parse_period


@pytest.mark.django_db(transaction=True)
def test_commentary_held_by_period_is_linked_to_the_figure_it_was_published_with():
    """Before 0003 commentary was kept per period beside the figures; a Q4 note on an annual
    indicator had no figure of its own period. Each is linked to the figure that quarter's
    row reads, and a correction in progress gets a copy, so nothing shown changes."""
    before = [("indicators", "0002_return_workflow")]
    after = [("indicators", "0003_commentary_with_its_figure")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Section, Service = (
        old.get_model("indicators", "Section"),
        old.get_model("indicators", "Service"),
    )
    Indicator, Value = (
        old.get_model("indicators", "Indicator"),
        old.get_model("indicators", "Value"),
    )
    Commentary = old.get_model("indicators", "Commentary")
    section = Section.objects.create(name="Start Well", order=1)
    service = Service.objects.create(name="Children's Social Care")
    made = {}
    for reference in ("LW09", "SW02"):
        made[reference] = Indicator.objects.create(
            reference=reference, title=reference, section=section, service=service,
            unit="percent", decimal_places=1, polarity="H", frequency="annual",
        )  # fmt: skip

    def figure(indicator, period, value, **fields):
        period = parse_period(period)
        return Value.objects.create(
            indicator=indicator, period=period, period_start=period.start,
            period_end=period.end, value=Decimal(value), **{"state": "published", **fields},
        )  # fmt: skip

    year = figure(made["LW09"], "2017/18", "7")
    figure(made["LW09"], "2016/17", "4.6")
    q3 = figure(made["SW02"], "Q3 2017/18", "29.6", is_current=False)
    draft = figure(made["SW02"], "Q3 2017/18", "31.2", revision=2, state="draft")
    Commentary.objects.create(
        indicator=made["LW09"], period=parse_period("Q4 2017/18"), issues="Year"
    )
    Commentary.objects.create(
        indicator=made["SW02"], period=parse_period("Q3 2017/18"), issues="Q3"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    notes = new.get_model("indicators", "Commentary").objects.order_by("pk")
    assert [(n.issues, str(n.period), n.figure_id) for n in notes] == [
        ("Year", "Q4 2017/18", year.pk),
        ("Q3", "Q3 2017/18", q3.pk),
        ("Q3", "Q3 2017/18", draft.pk),
    ]
    values = new.get_model("indicators", "Value").objects
    assert values.get(pk=draft.pk).corrects_figure and not values.get(pk=q3.pk).corrects_figure
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_comparators_held_keep_the_names_they_were_printed_with():
    """Before 0007 a comparator was one of four fixed areas; each keeps its printed name,
    the region "North West average", as the kind and name it now has."""
    before = [("indicators", "0006_process_changes")]
    after = [("indicators", "0007_comparator_names_and_ranks")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    section = old.get_model("indicators", "Section").objects.create(name="Start Well")
    service = old.get_model("indicators", "Service").objects.create(name="Children")
    indicator = old.get_model("indicators", "Indicator").objects.create(
        reference="SW06", title="SW06", section=section, service=service,
        unit="percentage", decimal_places=1, polarity="low", frequency="quarterly",
    )  # fmt: skip
    period = parse_period("Q3 2017/18")
    for area in ("england", "region", "statistical_neighbours", "nearest_neighbours"):
        old.get_model("indicators", "Comparator").objects.create(
            indicator=indicator, period=period, period_start=period.start,
            period_end=period.end, area=area, value=Decimal("16.7"),
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    held = new.get_model("indicators", "Comparator").objects.order_by("kind")
    assert [(c.kind, c.name) for c in held] == [
        ("england", "England average"),
        ("nearest_neighbours", "Nearest neighbours"),
        ("region", "North West average"),
        ("statistical_neighbours", "Statistical neighbours"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
