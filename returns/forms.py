"""The return's forms: one line of figures and commentary, and an uploaded workbook."""

from django import forms

from indicators.formatting import Unit
from indicators.models import ValueStatus
from indicators.numbers import FigureError, figure_problems, parse_figure
from returns.workflow import Entry


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
        data["figure"] = figure = None
        indicator = self.line.indicator
        if text:
            try:
                data["figure"] = figure = parse_figure(text, Unit(indicator.unit))
            except FigureError as error:
                self.add_error("value", str(error))
        if figure is not None or not text:
            for problem in figure_problems(
                figure.value if figure else None,
                figure.count if figure else None,
                reason,
                unit=indicator.unit,
                out_of=indicator.score_out_of,
                required=False,  # a line left blank is not part of this save
            ):
                self.add_error(
                    "value" if problem.field == "count" else problem.field, problem.sentence
                )
        elif reason:
            self.add_error("missing_reason", "Give a figure or a reason it is missing, not both.")
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


class UploadForm(forms.Form):
    """A filled-in return workbook."""

    workbook = forms.FileField(label="Return workbook (.xlsx)")
