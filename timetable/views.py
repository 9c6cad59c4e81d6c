"""The performance team's page for a quarter's return timetable."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from indicators.roles import is_performance_team
from returns.lines import quarter_from_url, quarter_url_args
from timetable.forms import TimetableForm
from timetable.services import set_timetable, timetable_for


@login_required
def edit(request, year: str, period: str):
    """Set when a quarter's returns open and are due, its sign-off and publication dates,
    and the committee (and meeting) it goes to."""
    if not is_performance_team(request.user):
        raise PermissionDenied("Only the performance team sets the return timetable.")
    quarter = quarter_from_url(year, period)
    current = timetable_for(quarter)
    initial = {
        "opens_on": current.opens,
        "due_on": current.due,
        "sign_off_on": current.sign_off,
        "publication_on": current.publication,
        "committee": current.committee,
        "meeting": current.meeting,
    }
    form = TimetableForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_timetable(quarter=quarter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The timetable for {quarter} is saved.")
            return redirect("returns:review", *quarter_url_args(quarter))
    return render(
        request,
        "timetable/edit.html",
        {
            "form": form,
            "quarter": quarter,
            "current": current,
            "url_args": quarter_url_args(quarter),
            "nav": "returns",
        },
    )
