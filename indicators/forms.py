"""The scorecard's filters: every value is checked, and a bad one is named, not obeyed."""

from django import forms
from django.contrib.auth import get_user_model

from indicators.forecast import Verdict
from indicators.models import ProcessChange, Section, Service
from indicators.periods import FINANCIAL_YEAR, PeriodError, parse_period
from indicators.rag import Direction, Rag
from indicators.spc import Assurance, Variation
from reporting.forecast import NO_FORECAST
from reporting.scorecard import NOT_RATED

RAG_CHOICES = [("", "Any rating")] + [(r.value, r.label) for r in Rag] + [(NOT_RATED, "Not rated")]
DIRECTION_CHOICES = [("", "Any direction")] + [(d.value, d.label) for d in Direction]
VARIATION_CHOICES = (
    [("", "Any variation")]
    + [(v.value, v.label) for v in Variation]
    + [(NOT_RATED, "Not enough data")]
)
ASSURANCE_CHOICES = (
    [("", "Any assurance")]
    + [(a.value, a.label) for a in Assurance]
    + [(NOT_RATED, "No assurance")]
)
FORECAST_CHOICES = (
    [("", "Any forecast")] + [(v.value, v.label) for v in Verdict] + [(NO_FORECAST, "No forecast")]
)
QUARTER_CHOICES = [("", "Latest")] + [(f"Q{q}", f"Q{q}") for q in range(1, 5)]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ScorecardFilterForm(forms.Form):
    """Year, quarter and the filters of the scorecard and its exports."""

    year = forms.CharField(required=False, max_length=20, label="Financial year")
    period = forms.ChoiceField(choices=QUARTER_CHOICES, required=False, label="Quarter")
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), required=False, empty_label="All sections", label="Section"
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.all(), required=False, empty_label="All services", label="Service"
    )
    owner = OwnerChoiceField(
        queryset=get_user_model().objects.filter(owned_indicators__isnull=False).distinct(),
        required=False,
        empty_label="All officers",
        label="Accountable officer",
    )
    rag = forms.ChoiceField(choices=RAG_CHOICES, required=False, label="Rating")
    direction = forms.ChoiceField(
        choices=DIRECTION_CHOICES, required=False, label="Direction of travel"
    )
    variation = forms.ChoiceField(
        choices=VARIATION_CHOICES, required=False, label="Variation (SPC)"
    )
    assurance = forms.ChoiceField(
        choices=ASSURANCE_CHOICES, required=False, label="Assurance (SPC)"
    )
    forecast = forms.ChoiceField(
        choices=FORECAST_CHOICES, required=False, label="Year-end forecast"
    )
    plan = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("needed", "Recovery plan needed"),
            ("covered", "Covered by a recovery plan"),
        ],
        required=False,
        label="Recovery plan",
    )
    q = forms.CharField(required=False, max_length=100, label="Search measures")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = (
                    f"There is no such {field.label.lower()}: choose one from the list."
                )
            elif name == "q":
                field.error_messages["max_length"] = "Search for at most 100 characters."

    def clean_year(self):
        text = self.cleaned_data["year"].strip()
        if not text:
            return None
        try:
            return parse_period(text, kind=FINANCIAL_YEAR)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


class ProcessChangeForm(forms.Form):
    """The performance team records a change to how a service works: the first period
    under the new process (one of the chart's, after its first) and what changed."""

    period = forms.ChoiceField(
        label="First period under the new process",
        error_messages={
            "required": "Choose the first period under the new process.",
            "invalid_choice": "Choose one of the chart's periods, after its first.",
        },
    )
    reason = forms.CharField(
        max_length=300,
        label="What changed",
        error_messages={
            "required": "Say what changed in the process.",
            "max_length": "Keep it to 300 characters; the chart's note is short.",
        },
        help_text='As the chart\'s note will say it, e.g. "New triage service from October".',
    )

    def __init__(self, *args, periods=(), indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.periods = {p.key: p for p in periods}
        self.fields["period"].choices = [("", "Choose a period")] + [
            (p.key, str(p)) for p in reversed(periods)
        ]

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Say what changed in the process.")
        return reason

    def clean_period(self):
        period = self.periods.get(self.cleaned_data["period"])
        if period is None:
            raise forms.ValidationError("Choose one of the chart's periods, after its first.")
        if ProcessChange.objects.filter(indicator=self.indicator, period=period).exists():
            raise forms.ValidationError(f"A process change from {period} is already recorded.")
        return period

    def change(self) -> ProcessChange:
        return ProcessChange(
            indicator=self.indicator,
            period=self.cleaned_data["period"],
            reason=self.cleaned_data["reason"],
        )
