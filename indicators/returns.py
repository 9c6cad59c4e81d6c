"""The period return pages: officers enter and submit figures, the performance team
returns, signs off and publishes them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from indicators.formatting import Unit
from indicators.models import Indicator, Value, ValueState, ValueStatus
from indicators.numbers import FigureError, parse_figure
from indicators.periods import (
    FINANCIAL_YEAR,
    FinancialQuarter,
    PeriodError,
    Snapshot,
    parse_period,
)
from indicators.rag import rate
from indicators.reporting import target_for, target_words
from indicators.roles import OFFICER, has_role, is_performance_team
from indicators.workflow import (
    STATE_LABELS,
    EditConflict,
    Entry,
    WorkflowError,
    publish_quarter,
    return_figure,
    return_lines,
    save_entry,
    sign_off,
)


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


def _may_enter_returns(user) -> bool:
    return is_performance_team(user) or has_role(user, OFFICER)


def _require_returns(user) -> None:
    if not _may_enter_returns(user):
        raise PermissionDenied("Returns are for officers and the performance team.")


def _editable_indicators(user):
    # Published figures and targets come along, for the context shown beside each line.
    indicators = Indicator.objects.select_related("section", "owner").prefetch_related(
        Prefetch("values", queryset=Value.objects.published()), "targets"
    )
    if is_performance_team(user):
        return indicators
    return indicators.filter(pk__in=Indicator.objects.owned_by(user).values("pk"))


def default_quarter() -> FinancialQuarter:
    latest = Value.objects.current().aggregate(latest=Max("period_end"))["latest"]
    if latest is None:
        from django.utils import timezone

        return Snapshot(timezone.localdate()).financial_quarter.previous()
    return Snapshot(latest).financial_quarter


@login_required
def return_list(request):
    """The user's indicators due for a quarter, with the state of each figure."""
    _require_returns(request.user)
    quarter = default_quarter()
    if request.GET.get("year") or request.GET.get("period"):
        quarter = quarter_from_url(request.GET.get("year", ""), request.GET.get("period", ""))
    lines = return_lines(_editable_indicators(request.user), quarter)
    return render(
        request,
        "returns/return_list.html",
        {
            "quarter": quarter,
            "lines": lines,
            "url_args": quarter_url_args(quarter),
            "previous_args": quarter_url_args(quarter.previous()),
            "is_team": is_performance_team(request.user),
            "nav": "returns",
        },
    )


class LineForm(forms.Form):
    """One line of the return: the figure (as the papers write it) and its commentary."""

    value = forms.CharField(required=False, max_length=50, label="Figure")
    missing_reason = forms.CharField(required=False, max_length=200, label="Or why it is missing")
    status = forms.ChoiceField(choices=ValueStatus.choices, initial=ValueStatus.FINAL)
    issues = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    causes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    actions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, line, **kwargs):
        self.line = line
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        text = (data.get("value") or "").strip()
        reason = (data.get("missing_reason") or "").strip()
        data["figure"] = None
        if text:
            try:
                data["figure"] = parse_figure(text, Unit(self.line.indicator.unit))
            except FigureError as error:
                self.add_error("value", str(error))
            if reason:
                self.add_error(
                    "missing_reason", "Give a figure or a reason it is missing, not both."
                )
        data["blank"] = not text and not reason
        return data

    def entry(self) -> Entry:
        data = self.cleaned_data
        figure = data["figure"]
        return Entry(
            value=figure.value if figure else None,
            count=figure.count if figure else None,
            missing_reason=data["missing_reason"].strip(),
            status=data["status"],
            issues=data["issues"],
            causes=data["causes"],
            actions=data["actions"],
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


def earlier_figures(line, how_many: int = 3) -> list[Value]:
    """The last published figures before the line's period, oldest first."""
    before = [v for v in line.indicator.values.all() if v.period.end < line.period.start]
    return sorted(before, key=lambda v: v.period)[-how_many:]


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
    _require_returns(request.user)
    quarter = quarter_from_url(year, period)
    lines = return_lines(_editable_indicators(request.user), quarter)
    team = is_performance_team(request.user)
    if request.method == "POST":
        # Lines waiting for the performance team are shown, not posted back.
        forms_ = [
            LineForm(request.POST, prefix=f"l{n}", line=line)
            if team or line.state not in LOCKED_FOR_OFFICERS
            else LineForm(prefix=f"l{n}", line=line, initial=_initial(line))
            for n, line in enumerate(lines)
        ]
        submit = "submit" in request.POST
        if all(f.is_valid() for f in forms_ if f.is_bound):
            try:
                with transaction.atomic():
                    saved = _save_lines(forms_, request.user, submit)
            except (EditConflict, WorkflowError, ValidationError) as error:
                messages.error(request, " ".join(error.messages))
            else:
                verb = "submitted" if submit else "saved as a draft"
                if saved:
                    messages.success(request, f"{saved} figure{'s' if saved != 1 else ''} {verb}.")
                else:
                    messages.info(request, "Nothing had changed, so nothing was saved.")
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


def _save_lines(forms_, user, submit: bool) -> int:
    saved = 0
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
            saved += 1
    return saved


@login_required
def review(request, year: str, period: str):
    """The performance team's view of a quarter: every line, sign-off, return, publish."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team reviews returns.")
    quarter = quarter_from_url(year, period)
    lines = return_lines(_editable_indicators(request.user), quarter)
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
    return render(
        request,
        "returns/review.html",
        {
            "quarter": quarter,
            "lines": shown,
            "counts": [(key, STATE_LABELS[key], counts[key]) for key in STATE_LABELS],
            "state": state,
            "section": section,
            "sections": sorted({line.indicator.section for line in lines}, key=lambda s: s.order),
            "url_args": quarter_url_args(quarter),
            "nav": "returns",
        },
    )


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
            publication = publish_quarter(quarter=quarter, by=request.user)
            messages.success(
                request, f"{quarter} published: {publication.figures} figures now public."
            )
        else:
            messages.error(request, "Unknown action.")
    except (WorkflowError, ValidationError) as error:
        messages.error(request, " ".join(error.messages))


@login_required
def live_rating(request):
    """The rating a figure would get, for the return form while the officer types."""
    _require_returns(request.user)
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
