"""Forms for plans, actions, status changes, presentations, updates and closing."""

import csv
import re
from datetime import date

from django import forms
from django.contrib.auth import get_user_model

from indicators.fields import PeriodFormField
from indicators.models import Indicator
from recovery_plans.dates import CompletionDateError, parse_completion
from recovery_plans.models import ActionStatus, PlanStatus
from scorecard.dates import GovukDateField
from scorecard.forms import GovukForm


def parse_table(text: str) -> dict:
    """A table pasted from a spreadsheet (tab-separated) or typed as CSV: the first row is
    the headings. Each row must have as many cells as there are headings."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return {}
    if any("\t" in line for line in lines):
        rows = [[cell.strip() for cell in line.split("\t")] for line in lines]
    else:
        rows = [[cell.strip() for cell in row] for row in csv.reader(lines)]
    columns, body = rows[0], rows[1:]
    if len(columns) < 2:
        raise forms.ValidationError(
            "The first row should hold the column headings, separated by tabs or commas."
        )
    for number, row in enumerate(body, start=2):
        if len(row) != len(columns):
            raise forms.ValidationError(
                f"Row {number} has {len(row)} cells but the headings have {len(columns)}."
            )
    if not body:
        raise forms.ValidationError("The table has headings but no rows.")
    return {"columns": columns, "rows": body}


def table_text(table: dict) -> str:
    if not table:
        return ""
    return "\n".join("\t".join(row) for row in [table["columns"], *table["rows"]])


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.title}"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PlanForm(GovukForm):
    title = forms.CharField(
        max_length=300,
        help_text='What the plan sets out to put right, e.g. "Improve the proportion of '
        'children in care placed with adopters within 12 months from 75% to 83%".',
    )
    indicators = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="One plan may cover several related indicators.",
        error_messages={"required": "Choose at least one indicator for the plan to cover."},
    )
    period = PeriodFormField(
        label="Period", help_text='The figures it responds to, e.g. "2012/13" or "Q2 2018/19".'
    )
    owner = OwnerChoiceField(
        queryset=get_user_model().objects.none(), label="Accountable officer", empty_label=None
    )
    opened_on = GovukDateField(
        label="Opened on", initial=date.today, help_text="For example 27 6 2018."
    )
    why = forms.CharField(
        label="Why is it under-performing?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: a line starting with - is a bullet; **bold**.",
    )
    comparative_intro = forms.CharField(
        label="Comparative data: introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comparative_table = forms.CharField(
        label="Comparative data table",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Paste it from a spreadsheet, or type it with commas between the cells. "
        "The first row is the column headings.",
    )
    actions_intro = forms.CharField(
        label="What actions are required: introduction",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, indicators, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["owner"].queryset = owners

    def clean_comparative_table(self):
        return parse_table(self.cleaned_data.get("comparative_table", ""))


def split_leads(text: str) -> list[str]:
    """Leads as plans write them: one a line, or separated by "/" or ";"."""
    return [name.strip() for name in re.split(r"[\n/;]", text or "") if name.strip()]


class ActionForm(GovukForm):
    heading = forms.CharField(
        max_length=300, required=False, help_text="The group it is printed under, if any."
    )
    text = forms.CharField(label="Action to be taken", widget=forms.Textarea(attrs={"rows": 4}))
    leads = forms.CharField(
        label="Lead",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='One or more people, one a line or separated by "/".',
        error_messages={"required": "Name at least one lead for the action."},
    )
    completion = forms.CharField(
        label="Completion date",
        max_length=60,
        required=False,
        help_text='As you would write it: "July 2013", "31 March 2014", "March 2014/15", '
        '"From July 2013" or "Ongoing".',
    )
    expected_outcome = forms.CharField(
        label="Expected outcome", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    note = forms.CharField(
        label="Note on the status",
        required=False,
        max_length=1000,
        help_text="Kept in the action's history when its status changes.",
    )

    def clean_leads(self):
        names = split_leads(self.cleaned_data["leads"])
        if not names:
            raise forms.ValidationError("Name at least one lead for the action.")
        for name in names:
            if len(name) > 150:
                raise forms.ValidationError(f'"{name[:40]}…" is too long for a name.')
        return names

    def clean_completion(self):
        text = self.cleaned_data["completion"]
        if text:
            try:
                return parse_completion(text).label
            except CompletionDateError as error:
                raise forms.ValidationError(str(error)) from None
        return text

    def clean(self):
        data = super().clean()
        if (
            not data.get("completion")
            and data.get("status") != ActionStatus.COMPLETE
            and "completion" not in self.errors
        ):
            self.add_error("completion", "Give a completion date, or mark the action complete.")
        return data


class StatusForm(GovukForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(required=False, max_length=1000, label="Note")


class CloseForm(GovukForm):
    closed_on = GovukDateField(
        label="Closed on", initial=date.today, help_text="For example 27 6 2018."
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when any indicator is not yet back on track.",
    )


class PresentationForm(GovukForm):
    committee = forms.CharField(
        max_length=200, initial="Cabinet Committee on Performance Improvement"
    )
    meeting_date = GovukDateField(label="Meeting date", help_text="For example 27 6 2018.")
    note = forms.CharField(max_length=300, required=False)


class UpdateForm(GovukForm):
    written_on = GovukDateField(
        label="Date", initial=date.today, help_text="For example 27 6 2018."
    )
    text = forms.CharField(
        label="Progress", widget=forms.Textarea(attrs={"rows": 5}), help_text="Markdown."
    )


class PlanFilters(GovukForm):
    status = forms.ChoiceField(
        choices=[("", "Open and closed"), *PlanStatus.choices], required=False, label="Status"
    )
    owner = OwnerChoiceField(
        queryset=get_user_model().objects.filter(recovery_plans__isnull=False).distinct(),
        required=False,
        empty_label="Any officer",
        label="Accountable officer",
    )
    overdue = forms.BooleanField(required=False, label="Only plans with overdue actions")
