"""The notices that chase a quarter's returns: returns open, a reminder before the due date,
late the working day after it, and the performance team's "Chase". Each is sent once per
officer and quarter (a chase once per officer a day), however often it is asked for."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from indicators.periods import FinancialQuarter, Snapshot
from indicators.roles import is_performance_team
from notifications.services import notify, recipients
from returns.lines import quarter_url_args
from returns.workflow import STATE_LABELS, ReturnLine
from timetable.progress import OUTSTANDING, lines_by_officer, quarter_lines
from timetable.services import Timetable, timetable_for
from timetable.working_days import countdown

OPEN, REMINDER, LATE, CHASE = "return_open", "return_reminder", "return_late", "return_chase"


def _line_text(line: ReturnLine) -> str:
    indicator = line.indicator
    return f"{indicator.reference} {indicator.title} ({line.period}): {STATE_LABELS[line.state]}"


def _context(timetable: Timetable, lines: list[ReturnLine], today: date) -> dict:
    quarter = timetable.quarter
    year, period = quarter_url_args(quarter)
    return {
        "quarter_label": str(quarter),
        "opens": timetable.opens,
        "due": timetable.due,
        "countdown": countdown(today, timetable.opens, timetable.due).words,
        "count": len(lines),
        "lines": [_line_text(line) for line in lines],
        "return_path": reverse("returns:form", args=[year, period]),
        "list_path": f"{reverse('returns:list')}?year={year}&period={period}",
    }


def _send(kind: str, timetable: Timetable, officers: dict, today: date, key: str) -> int:
    sent = 0
    for user, lines in officers.items():
        sent += len(notify(kind, [user], context=_context(timetable, lines, today), key=key))
    return sent


def _candidates(today: date) -> list[FinancialQuarter]:
    """The quarters whose returns may be under way today: this one and the two before."""
    this = Snapshot(today).financial_quarter
    return [this, this.previous(), this.previous().previous()]


@transaction.atomic
def send_return_notices(today: date) -> dict[str, int]:
    """Send what has fallen due by `today` for each quarter whose returns are under way
    (open, and not yet past publication): returns open to every officer with lines due; a
    reminder from the reminder day to the due date, and late from the working day after it,
    to officers with lines outstanding. A day missed sends its notices on the next run
    (returns open only until the due date: after it, the late notice says it all)."""
    counts = {OPEN: 0, REMINDER: 0, LATE: 0}
    for quarter in _candidates(today):
        timetable = timetable_for(quarter)
        if not timetable.opens <= today <= timetable.publication:
            continue
        lines = quarter_lines(quarter)
        key = quarter.key
        if today <= timetable.due:
            counts[OPEN] += _send(OPEN, timetable, lines_by_officer(lines), today, key)
        outstanding = lines_by_officer(lines, OUTSTANDING)
        if timetable.reminder <= today <= timetable.due:
            counts[REMINDER] += _send(REMINDER, timetable, outstanding, today, key)
        if today >= timetable.late:
            counts[LATE] += _send(LATE, timetable, outstanding, today, key)
    return counts


@dataclass(frozen=True)
class Chased:
    """What a chase did: officers e-mailed now, those chased earlier today, and those it
    cannot reach (no e-mail address, or the notice switched off)."""

    sent: int
    already: int
    unreachable: int


@transaction.atomic
def chase(*, quarter: FinancialQuarter, by, today: date) -> Chased:
    """E-mail every officer with lines outstanding or returned, listing them; an officer
    already chased today about this quarter is not e-mailed again."""
    if not is_performance_team(by):
        raise PermissionDenied("Only the performance team chases returns.")
    timetable = timetable_for(quarter)
    officers = lines_by_officer(quarter_lines(quarter), OUTSTANDING | {"returned"})
    key = f"{quarter.key} {today.isoformat()}"
    reachable = len(recipients(CHASE, list(officers)))
    sent = _send(CHASE, timetable, officers, today, key)
    return Chased(sent=sent, already=reachable - sent, unreachable=len(officers) - reachable)
