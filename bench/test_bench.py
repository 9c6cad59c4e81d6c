"""`make bench`: prints `bench <name>: <figure>` lines. Not part of `make test`."""

import random
import time
from decimal import Decimal

from indicators.rag import Polarity, TargetSpec, Tolerance, rate
from tests.test_admin import build_indicators, changelist_queries


def report(name: str, figure) -> None:
    print(f"\nbench {name}: {figure}")


def test_rating_speed():
    rng = random.Random(7)
    cases = [
        (
            Decimal(rng.randint(0, 10_000)) / 100,
            rng.choice(
                [
                    TargetSpec.year_end(Decimal("50")),
                    TargetSpec.between(Decimal("40"), Decimal("60")),
                    TargetSpec.relative_to_baseline(baseline=Decimal("45"), change=Decimal("5")),
                    None,
                ]
            ),
            rng.choice([Polarity.HIGH, Polarity.LOW]),
            rng.choice(
                [None, Tolerance("absolute", Decimal("2")), Tolerance("relative", Decimal("5"))]
            ),
        )
        for _ in range(100_000)
    ]
    started = time.perf_counter()
    ratings = [
        rate(value, target, polarity, tolerance) for value, target, polarity, tolerance in cases
    ]
    elapsed = time.perf_counter() - started
    assert len(ratings) == 100_000
    report("rate_100k_values_us_per_value", f"{elapsed / 100_000 * 1e6:.2f}")


def test_admin_changelist_queries_30(client, priya, make_indicator):
    build_indicators(make_indicator, priya, 30)
    client.force_login(priya)
    report("admin_changelist_queries_30_indicators_20_periods", changelist_queries(client))


def test_admin_changelist_queries_300(client, priya, make_indicator):
    build_indicators(make_indicator, priya, 300)
    client.force_login(priya)
    report("admin_changelist_queries_300_indicators_20_periods", changelist_queries(client))
