"""Forms of the performance team's comparator pages, with GOV.UK Frontend classes."""

from django import forms

from comparators import services
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

    other_codes = forms.CharField(
        required=False,
        label="Other codes",
        help_text="The same measure's codes in other publishers' files, separated by commas "
        '(e.g. its Fingertips indicator ID "90282" beside its ASCOF code "1A").',
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["other_codes"].initial = ", ".join(self.instance.codes[1:])

    def clean_other_codes(self) -> list[str]:
        codes = [c.strip() for c in self.cleaned_data["other_codes"].split(",") if c.strip()]
        clashes = services.clashing_codes(codes, measure=self.instance)
        if clashes:
            raise forms.ValidationError(clashes)
        return codes

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").strip()
        if code and "code" not in self.errors:
            # Another measure's other code: the model's own check sees only main codes.
            clashes = [
                c
                for c in services.clashing_codes([code], measure=self.instance)
                if "is a code of" in c
            ]
            if clashes:
                self.add_error("code", clashes)
        return data

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
