"""GOV.UK's date input: day, month and year in three boxes, as the Design System asks for
dates people know (a meeting, a plan's opening). The browser's date picker, shown under a
"27/06/2018" hint, let a clerk save 11 December for 15 November."""

from datetime import date

from django import forms


class GovukDateWidget(forms.MultiWidget):
    template_name = "components/date_input.html"

    def __init__(self, attrs=None):
        box = {"class": "govuk-input govuk-date-input__input", "inputmode": "numeric"}
        widgets = {
            "day": forms.TextInput({**box, "class": box["class"] + " govuk-input--width-2"}),
            "month": forms.TextInput({**box, "class": box["class"] + " govuk-input--width-2"}),
            "year": forms.TextInput({**box, "class": box["class"] + " govuk-input--width-4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        # A date sent whole ("2018-06-27", as scripts and older pages send it) is read too.
        whole = data.get(name)
        if whole and not any(data.get(f"{name}_{part}") for part in ("day", "month", "year")):
            parts = str(whole).split("-")
            if len(parts) == 3:
                return [parts[2], parts[1], parts[0]]
        return super().value_from_datadict(data, files, name)


class GovukDateField(forms.MultiValueField):
    """A date from day, month and year, each refusal saying which part is wrong, in the
    Design System's words ("Meeting date must include a month")."""

    widget = GovukDateWidget

    def __init__(self, **kwargs):
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields, require_all_fields=False, **kwargs)
        label = str(self.label).lower() if self.label else "date"
        self.error_messages = {**self.error_messages, "required": f"Enter the {label}."}

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        name = str(self.label or "The date")
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and a '.join(missing)}.")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{name} must be a real date, in numbers: 27 6 2018.")
        if len(year) != 4:
            raise forms.ValidationError(f"{name}: the year must have four numbers, like 2018.")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date.") from None
