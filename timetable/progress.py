"""How far a quarter's returns have got, per officer and per service, and who the notices
about them go to."""

from dataclasses import dataclass, field
from datetime import date

from indicators.models import Indicator, ValueState
from indicators.periods import FinancialQuarter
from returns.workflow import NOT_STARTED, ReturnLine, return_lines

OUTSTANDING = {NOT_STARTED, ValueState.DRAFT}


def quarter_lines(quarter: FinancialQuarter) -> list[ReturnLine]:
    """Every line due in the quarter, with each indicator's owner, delegates and service."""
    indicators = Indicator.objects.select_related("owner", "service", "section").prefetch_related(
        "delegates"
    )
    return return_lines(indicators, quarter)


@dataclass
class Progress:
    """The lines of one officer or one service, counted by where they stand."""

    name: str
    outstanding: int = 0
    late: int = 0
    submitted: int = 0
    returned: int = 0
    signed_off: int = 0
    published: int = 0
    lines: list[ReturnLine] = field(default_factory=list)

    def add(self, line: ReturnLine, *, late: bool) -> None:
        self.lines.append(line)
        state = line.state
        if state in OUTSTANDING:
            self.outstanding += 1
            self.late += late
        elif state == ValueState.SUBMITTED:
            self.submitted += 1
        elif state == ValueState.RETURNED:
            self.returned += 1
        elif state == ValueState.SIGNED_OFF:
            self.signed_off += 1
        elif state == ValueState.PUBLISHED:
            self.published += 1


def _person(user) -> str:
    return user.get_full_name() or user.username


def progress(lines: list[ReturnLine], *, due: date, today: date):
    """(per officer, per service, all): each officer's and service's lines counted; lines
    outstanding after the due date are late."""
    late = today > due
    officers: dict[object, Progress] = {}
    services: dict[object, Progress] = {}
    total = Progress("All")
    for line in lines:
        owner = line.indicator.owner
        key = owner.pk if owner else None
        name = _person(owner) if owner else "No officer named"
        officers.setdefault(key, Progress(name)).add(line, late=late)
        service = line.indicator.service
        services.setdefault(service.pk, Progress(service.name)).add(line, late=late)
        total.add(line, late=late)
    by_name = lambda p: p.name.lower()  # noqa: E731
    return sorted(officers.values(), key=by_name), sorted(services.values(), key=by_name), total


def officers_of(line: ReturnLine) -> list:
    """Who enters a line's figure: the indicator's owner and its delegates."""
    indicator = line.indicator
    people = [indicator.owner] if indicator.owner else []
    return people + [d for d in indicator.delegates.all() if d.pk != indicator.owner_id]


def lines_by_officer(lines: list[ReturnLine], states=None) -> dict:
    """Each officer (active accounts only) with their lines, those in `states` if given."""
    found: dict = {}
    for line in lines:
        if states is not None and line.state not in states:
            continue
        for user in officers_of(line):
            if user.is_active:
                found.setdefault(user, []).append(line)
    return dict(sorted(found.items(), key=lambda item: _person(item[0]).lower()))
