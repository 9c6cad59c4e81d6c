"""The form on which the performance team sets a quarter's timetable."""

from django import forms

from meetings.models import Committee, Meeting
from scorecard.dates import GovukDateField
from scorecard.forms import GovukForm


class TimetableForm(GovukForm):
    """A quarter's four dates, and the committee (and meeting) its report goes to."""

    opens_on = GovukDateField(label="Returns open", help_text="For example 2 1 2018.")
    due_on = GovukDateField(label="Returns due")
    sign_off_on = GovukDateField(label="Sign-off")
    publication_on = GovukDateField(label="Publication")
    committee = forms.ModelChoiceField(
        Committee.objects.all(), required=False, empty_label="No committee yet"
    )
    meeting = forms.ModelChoiceField(
        Meeting.objects.select_related("committee"),
        required=False,
        empty_label="No meeting yet",
        help_text="One of the committee's meetings.",
    )
