"""Forms of the performance team's comparator pages, with GOV.UK Frontend classes."""

from django import forms

from comparators.models import Area, AreaKind, ComparatorGroup, Measure
from indicators.models import Indicator


class UploadForm(forms.Form):
    file = forms.FileField(label="Comparator figures (.csv, at most 20 MB)")


class CouncilForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=Area.objects.filter(kind=AreaKind.LOCAL_AUTHORITY),
        label="This council",
        help_text="The area whose figures are the council's own in every comparison.",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class MeasureForm(forms.ModelForm):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.select_related(None).order_by("reference"),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    class Meta:
        model = Measure
        fields = ["code", "name", "indicator"]
        widgets = {
            "code": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
            "name": forms.TextInput(attrs={"class": "govuk-input"}),
        }


class GroupForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=Area.objects.filter(kind=AreaKind.LOCAL_AUTHORITY),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The councils of the group.",
    )

    class Meta:
        model = ComparatorGroup
        fields = ["name", "kind", "order", "published_area", "published_note", "members"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
            "kind": forms.Select(attrs={"class": "govuk-select"}),
            "order": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
            "published_area": forms.Select(attrs={"class": "govuk-select"}),
            "published_note": forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        }
