"""The period return pages: officers enter and submit figures, the performance team
returns, signs off and publishes them."""

import copy
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from indicators.formatting import Unit
from indicators.models import Indicator, Value, ValueState, ValueStatus
from indicators.numbers import FigureError, parse_figure
from indicators.periods import parse_period
from indicators.rag import Direction, direction_of_travel, rate
from indicators.roles import is_performance_team
from reporting.assessment import target_for, target_words
from reporting.row_html import rag_badge
from returns.forms import LineForm, UploadForm
from returns.lines import (
    LOCKED_FOR_OFFICERS,
    default_quarter,
    earlier_figures,
    editable_indicators,
    quarter_from_url,
    quarter_url_args,
    require_returns,
)
from returns.workbook import build_workbook, import_figures
from returns.workflow import (
    NOT_STARTED,
    STATE_LABELS,
    EditConflict,
    ReturnLine,
    WorkflowError,
    announce_submission,
    commentary_of,
    plan_entry,
    publish_quarter,
    return_figure,
    return_lines,
    save_entry,
    sign_off,
)
from spreadsheets.uploads import ImportRefused
from spreadsheets.workbooks import MAX_BYTES
from timetable.progress import OUTSTANDING, progress
from timetable.reminders import chase
from timetable.services import timetable_for, today


@login_required
def return_list(request):
    """The user's indicators due for a quarter, with the state of each figure."""
    require_returns(request.user)
    quarter = default_quarter()
    if request.GET.get("year") or request.GET.get("period"):
        quarter = quarter_from_url(request.GET.get("year", ""), request.GET.get("period", ""))
    lines = return_lines(editable_indicators(request.user), quarter)
    timetable = timetable_for(quarter)
    waiting = [line for line in lines if line.state in OUTSTANDING or line.state == "returned"]
    return render(
        request,
        "returns/return_list.html",
        {
            "quarter": quarter,
            "lines": lines,
            "timetable": timetable,
            "countdown": timetable.countdown(),
            "waiting": len(waiting),
            "url_args": quarter_url_args(quarter),
            "previous_args": quarter_url_args(quarter.previous()),
            "is_team": is_performance_team(request.user),
            "nav": "returns",
        },
    )


def _initial(line) -> dict:
    value, note = line.value, line.commentary
    initial = {"status": ValueStatus.FINAL}
    if value is not None:
        shown = ""
        if value.value is not None:
            shown = line.indicator.format(value.value, count=value.count)
        initial.update(
            value=shown,
            missing_reason=value.missing_reason,
            status=value.status,
            version=value.version,
        )
    if note is not None:
        initial.update(issues=note.issues, causes=note.causes, actions=note.actions)
    return initial


def _context_for(line) -> dict:
    """What an officer needs beside a line while typing: earlier figures, target, rating."""
    indicator = line.indicator
    earlier = earlier_figures(line)
    target = target_for(indicator, line.period)
    rating = None
    if line.value is not None:
        spec = target.spec() if target else None
        rating = rate(line.value.value, spec, indicator.polarity_enum, indicator.tolerance)
    return {
        "earlier": earlier,
        "target": target_words(indicator, line.period, target),
        "rating": rating,
    }


@login_required
def return_form(request, year: str, period: str):
    """One form with a line per indicator due: save as draft, or submit."""
    require_returns(request.user)
    quarter = quarter_from_url(year, period)
    lines = return_lines(editable_indicators(request.user), quarter)
    team = is_performance_team(request.user)
    if request.method == "POST":
        # Lines waiting for the performance team are shown, not posted back.
        forms_ = [
            LineForm(request.POST, prefix=f"l{n}", line=line)
            if team or line.state not in LOCKED_FOR_OFFICERS
            else LineForm(prefix=f"l{n}", line=line, initial=_initial(line))
            for n, line in enumerate(lines)
        ]
        # "submit" asks for the check page; "confirm" (from it) submits; "back" returns
        # to the form with what was typed, carried in the check page's hidden fields.
        submit = "confirm" in request.POST
        if all(f.is_valid() for f in forms_ if f.is_bound) and "back" not in request.POST:
            if "submit" in request.POST:
                try:
                    submitting, left = _check(forms_, team)
                except (EditConflict, WorkflowError, ValidationError) as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    if submitting:
                        return render(
                            request,
                            "returns/return_check.html",
                            {
                                "quarter": quarter,
                                "submitting": submitting,
                                "left": left,
                                "forms": [f for f in forms_ if f.is_bound],
                                "url_args": quarter_url_args(quarter),
                                "nav": "returns",
                            },
                        )
                    messages.info(request, "Nothing had changed, so nothing was submitted.")
                    return redirect("returns:form", *quarter_url_args(quarter))
            elif _save(request, forms_, quarter, submit=submit):
                return redirect("returns:form", *quarter_url_args(quarter))
    else:
        forms_ = [
            LineForm(prefix=f"l{n}", line=line, initial=_initial(line))
            for n, line in enumerate(lines)
        ]
    rows = [{"form": form, "line": form.line, **_context_for(form.line)} for form in forms_]
    errors = [(f, name, e) for f in forms_ for name, es in f.errors.items() for e in es]
    return render(
        request,
        "returns/return_form.html",
        {
            "quarter": quarter,
            "rows": rows,
            "errors": errors,
            "url_args": quarter_url_args(quarter),
            "is_team": team,
            "nav": "returns",
        },
    )


def _save(request, forms_, quarter, *, submit: bool) -> bool:
    """Save (or submit) every line posted, all or none; False, with the reason told, if
    the workflow refused."""
    try:
        with transaction.atomic():
            rows = _save_lines(forms_, request.user, submit)
            if submit:
                announce_submission(values=rows, by=request.user, quarter=quarter)
    except (EditConflict, WorkflowError, ValidationError) as error:
        messages.error(request, " ".join(error.messages))
        return False
    saved = len(rows)
    verb = "submitted" if submit else "saved as a draft"
    if saved:
        messages.success(request, f"{saved} figure{'s' if saved != 1 else ''} {verb}.")
    else:
        messages.info(request, "Nothing had changed, so nothing was saved.")
    return True


@dataclass
class Checked:
    """One line as submitting it would leave it, for the check page."""

    prefix: str
    line: ReturnLine
    row: Value
    rating: str  # the badge, in words as well as colour
    commentary: str


def _detached(value: Value | None) -> Value | None:
    """A copy of a held revision that planning may change without touching the page's
    own (its commentary copied too, as planning rewrites that in place)."""
    if value is None:
        return None
    twin = copy.copy(value)
    note = commentary_of(value)
    if note is not None:
        twin._state.fields_cache["commentary"] = copy.copy(note)
    return twin


def _check(forms_, team: bool) -> tuple[list[Checked], list[tuple[str, ReturnLine]]]:
    """What submitting the posted lines would do, planned by the workflow without writing:
    the lines it would submit, and those not started, draft or returned it would leave.
    Raises what submitting would refuse, so the form can say so before the check page."""
    submitting, left = [], []
    for form in forms_:
        line = form.line
        step = None
        if form.is_bound and not form.cleaned_data["blank"]:
            expected = form.cleaned_data.get("version") or 0
            if line.value is not None and line.value.version != expected:
                raise EditConflict(line.value)
            step = plan_entry(
                indicator=line.indicator,
                period=line.period,
                current=_detached(line.value),
                entry=form.entry(),
                submit=True,
                team=team,
            )
        if step is not None and step.row is not None:
            row = step.row
            row.indicator = line.indicator
            target = target_for(line.indicator, line.period)
            rating = rate(
                row.value,
                target.spec() if target else None,
                line.indicator.polarity_enum,
                line.indicator.tolerance,
            )
            text = " ".join(part for part in form.entry().text if part)
            badge = rag_badge(rating) if row.value is not None else ""
            submitting.append(Checked(form.prefix, line, row, badge, text))
        elif line.state in {NOT_STARTED, ValueState.DRAFT, ValueState.RETURNED}:
            left.append((form.prefix, line))
    return submitting, left


def _save_lines(forms_, user, submit: bool) -> list:
    saved = []
    for form in forms_:
        line = form.line
        if not form.is_bound or form.cleaned_data["blank"]:
            continue
        expected = form.cleaned_data.get("version") or 0
        row = save_entry(
            indicator=line.indicator,
            period=line.period,
            entry=form.entry(),
            by=user,
            # A line not started when the form was opened posts no version: it expects none.
            expected_version=expected,
            submit=submit,
        )
        # Counted only if it changed: a line posted back as it was keeps its version.
        if row is not None and (
            row.pk != getattr(line.value, "pk", None) or row.version != expected
        ):
            saved.append(row)
    return saved


@login_required
def review(request, year: str, period: str):
    """The performance team's view of a quarter: every line, sign-off, return, publish."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team reviews returns.")
    quarter = quarter_from_url(year, period)
    lines = return_lines(editable_indicators(request.user), quarter)
    if request.method == "POST":
        _review_action(request, quarter, lines)
        return redirect(
            reverse("returns:review", args=quarter_url_args(quarter)) + _filters(request)
        )
    state = request.GET.get("state", "")
    if state and state not in STATE_LABELS:
        messages.error(request, f"There is no such state: {state!r}.")
        state = ""
    section = request.GET.get("section", "")
    shown = [
        line
        for line in lines
        if (not state or line.state == state)
        and (not section or str(line.indicator.section_id) == section)
    ]
    counts = {key: sum(1 for line in lines if line.state == key) for key in STATE_LABELS}
    timetable = timetable_for(quarter)
    by_officer, by_service, total = progress(lines, due=timetable.due, today=today())
    return render(
        request,
        "returns/review.html",
        {
            "quarter": quarter,
            "timetable": timetable,
            "countdown": timetable.countdown(),
            "by_officer": by_officer,
            "by_service": by_service,
            "total": total,
            "lines": shown,
            "rows": [_review_row(line) for line in shown],
            "can_sign_off": any(line.state == ValueState.SUBMITTED for line in shown),
            "counts": [(key, STATE_LABELS[key], counts[key]) for key in STATE_LABELS],
            "to_publish": counts.get("signed_off", 0),
            "held_back": [
                (key, STATE_LABELS[key], counts[key])
                for key in STATE_LABELS
                if key not in ("signed_off", "published") and counts[key]
            ],
            "state": state,
            "section": section,
            "sections": sorted({line.indicator.section for line in lines}, key=lambda s: s.order),
            "url_args": quarter_url_args(quarter),
            "nav": "returns",
        },
    )


def _review_row(line: ReturnLine) -> dict:
    """What the team reads beside a line to judge it: target, rating, the figure before
    and the change from it, and the commentary."""
    indicator, value = line.indicator, line.value
    target = target_for(indicator, line.period)
    row = {"line": line, "target": target_words(indicator, line.period, target)}
    if value is None:
        return row
    rating = rate(
        value.value, target.spec() if target else None, indicator.polarity_enum, indicator.tolerance
    )
    row["rating"] = rag_badge(rating) if value.value is not None else ""
    earlier = earlier_figures(line, 1)
    if earlier:
        row["previous"] = previous = earlier[-1]
        row["change"] = _change_words(indicator, value.value, previous.value)
    return row


def _change_words(indicator, now, before) -> str:
    """ "Up 4.2 points, improving": how far and which way a figure moved, to the places
    it is printed to."""
    if now is None or before is None:
        return ""
    quantum = Decimal(1).scaleb(-(indicator.decimal_places or 0))
    difference = abs(now - before).quantize(quantum, rounding=ROUND_HALF_UP)
    if difference == 0:
        return "No change"
    if indicator.unit in (Unit.MONEY, Unit.DAYS):
        amount = indicator.format(difference)
    else:
        amount = f"{difference:,}" + (" points" if indicator.unit == Unit.PERCENTAGE else "")
    words = f"{'Up' if now > before else 'Down'} {amount}"
    direction = direction_of_travel(
        now, before, indicator.polarity_enum, decimal_places=indicator.decimal_places
    )
    if direction in (Direction.IMPROVING, Direction.WORSENING):
        words += f", {direction.label.lower()}"
    return words


def _filters(request) -> str:
    keep = {k: request.POST.get(k) for k in ("state", "section") if request.POST.get(k)}
    return "?" + "&".join(f"{k}={v}" for k, v in keep.items()) if keep else ""


def _review_action(request, quarter, lines) -> None:
    by_key = {line.key: line for line in lines}
    action = request.POST.get("action", "")
    try:
        if action == "sign_off":
            chosen = [by_key[k] for k in request.POST.getlist("line") if k in by_key]
            values = [line.value for line in chosen if line.value is not None]
            if not values:
                messages.error(request, "Choose the figures to sign off.")
                return
            count = sign_off(values=values, by=request.user)
            messages.success(request, f"{count} figure{'s' if count != 1 else ''} signed off.")
        elif action == "return":
            line = by_key.get(request.POST.get("line_key", ""))
            if line is None or line.value is None:
                messages.error(request, "Choose a figure to return.")
                return
            return_figure(value=line.value, reason=request.POST.get("reason", ""), by=request.user)
            messages.success(
                request, f"{line.indicator.reference} {line.period} returned to its officer."
            )
        elif action == "publish":
            if request.POST.get("confirm") != "yes":
                messages.error(
                    request,
                    f"Confirm: tick the box to publish {quarter}, once you have checked what "
                    "is not yet signed off.",
                )
                return
            publication = publish_quarter(quarter=quarter, by=request.user)
            messages.success(
                request, f"{quarter} published: {publication.figures} figures now public."
            )
        elif action == "chase":
            _chase(request, quarter)
        else:
            messages.error(request, "Unknown action.")
    except (WorkflowError, ValidationError) as error:
        messages.error(request, " ".join(error.messages))


def _chase(request, quarter) -> None:
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Confirm: tick the box to send the chase.")
        return
    done = chase(quarter=quarter, by=request.user, today=today())
    told = [f"{done.sent} officer{'s' if done.sent != 1 else ''} chased."]
    if done.already:
        told.append(f"{done.already} had been chased today already, so were not sent another.")
    if done.unreachable:
        told.append(
            f"{done.unreachable} could not be e-mailed (no address, or the notice switched off)."
        )
    if not (done.sent or done.already or done.unreachable):
        told = [f"No one to chase: no figures of {quarter} are outstanding or returned."]
    messages.success(request, " ".join(told))


@login_required
def live_rating(request):
    """The rating a figure would get, for the return form while the officer types."""
    require_returns(request.user)
    try:
        indicator = Indicator.objects.prefetch_related("targets").get(
            pk=int(request.GET.get("indicator", ""))
        )
        period = parse_period(request.GET.get("period", ""))
    except (ValueError, Indicator.DoesNotExist):
        return JsonResponse({"error": "Unknown indicator or period."}, status=400)
    try:
        figure = parse_figure(request.GET.get("value", ""), Unit(indicator.unit))
    except FigureError as error:
        return JsonResponse({"rating": None, "label": "Not rated", "error": str(error)})
    target = target_for(indicator, period)
    rag = rate(
        figure.value,
        target.spec() if target else None,
        indicator.polarity_enum,
        indicator.tolerance,
    )
    return JsonResponse(
        {
            "rating": rag.value if rag else None,
            "label": rag.label if rag else "Not rated",
            "symbol": rag.symbol if rag else "",
        }
    )


@login_required
def download_workbook(request, year: str, period: str):
    require_returns(request.user)
    quarter = quarter_from_url(year, period)
    lines = return_lines(editable_indicators(request.user), quarter)
    buffer = io.BytesIO()
    build_workbook(lines, quarter, team=is_performance_team(request.user)).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"return-{'-'.join(quarter_url_args(quarter))}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def upload_workbook(request, year: str, period: str):
    require_returns(request.user)
    quarter = quarter_from_url(year, period)
    result, refused = None, ""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if upload.size > MAX_BYTES:
            refused = "The file is over 10 MB; a return workbook is far smaller."
        else:
            try:
                result = import_figures(upload.read(), by=request.user)
            except ImportRefused as error:
                refused = str(error)
        if result is not None and not result.problems:
            messages.success(
                request,
                f"Imported: {result.created} new, {result.changed} changed, "
                f"{result.unchanged} unchanged. They are drafts until you submit them.",
            )
            return redirect("returns:form", *quarter_url_args(quarter))
    return render(
        request,
        "returns/upload.html",
        {
            "form": form,
            "quarter": quarter,
            "result": result,
            "refused": refused,
            "url_args": quarter_url_args(quarter),
            "nav": "returns",
        },
    )
