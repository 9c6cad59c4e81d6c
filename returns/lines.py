"""Which lines a user's return holds, the quarter a return is for, and how a quarter is
named in the return's URLs. Shared by the return's pages and its workbook."""

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils import timezone

from indicators.models import Indicator, Value, ValueState
from indicators.periods import FINANCIAL_YEAR, FinancialQuarter, PeriodError, Snapshot, parse_period
from indicators.roles import OFFICER, has_role, is_performance_team


def quarter_from_url(year: str, period: str) -> FinancialQuarter:
    """ "2017-18" and "Q3" from the URL; anything else is not a page."""
    try:
        fy = parse_period(year.replace("-", "/"), kind=FINANCIAL_YEAR)
        return parse_period(f"{period} {fy}", kind="financial_quarter")
    except PeriodError:
        raise Http404("There is no such quarter.") from None


def quarter_url_args(quarter: FinancialQuarter) -> list[str]:
    return [quarter.financial_year.label.replace("/", "-"), f"Q{quarter.quarter}"]


LOCKED_FOR_OFFICERS = {ValueState.SUBMITTED, ValueState.SIGNED_OFF}


def may_enter_returns(user) -> bool:
    return is_performance_team(user) or has_role(user, OFFICER)


def require_returns(user) -> None:
    if not may_enter_returns(user):
        raise PermissionDenied("Returns are for officers and the performance team.")


def editable_indicators(user):
    # Published figures and targets come along, for the context shown beside each line.
    indicators = Indicator.objects.select_related("section", "owner", "service").prefetch_related(
        Prefetch("values", queryset=Value.objects.published()), "targets"
    )
    if is_performance_team(user):
        return indicators
    return indicators.filter(pk__in=Indicator.objects.owned_by(user).values("pk"))


def default_quarter() -> FinancialQuarter:
    latest = Value.objects.current().aggregate(latest=Max("period_end"))["latest"]
    if latest is None:
        return Snapshot(timezone.localdate()).financial_quarter.previous()
    return Snapshot(latest).financial_quarter


def earlier_figures(line, how_many: int = 3) -> list[Value]:
    """The last published figures before the line's period, oldest first."""
    before = [v for v in line.indicator.values.all() if v.period.end < line.period.start]
    return sorted(before, key=lambda v: v.period)[-how_many:]
