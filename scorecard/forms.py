"""The project's form base: every widget gets the GOV.UK Design System class for its kind,
so a form of any app renders with templates/components/field.html as GOV.UK asks."""

from django import forms

from scorecard.dates import GovukDateWidget

_GOVUK_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select app-select-multiple",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovukForm(forms.Form):
    """Gives every widget the GOV.UK Design System class for its kind. `REVEALS` names,
    for a choice field shown as radios, the fields each choice reveals under it."""

    REVEALS: dict[str, dict[str, list[str]]] = {}

    def revealing(self, name: str) -> list[tuple]:
        """(value, label, its bound fields) for each choice of field `name`."""
        shown = self.REVEALS.get(name, {})
        return [
            (value, label, [self[f] for f in shown.get(str(value), []) if f in self.fields])
            for value, label in self.fields[name].choices
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, GovukDateWidget):
                continue  # its boxes carry their own classes
            css = next(
                (c for kind, c in _GOVUK_CLASSES.items() if type(widget) is kind), "govuk-input"
            )
            widget.attrs["class"] = css
