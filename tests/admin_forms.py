"""Turn a rendered admin change form back into the POST data a browser would send."""

from decimal import Decimal

from indicators.periods import Period


def _widget_value(value):
    if value is None:
        return ""
    if isinstance(value, Period):
        return value.label
    if isinstance(value, bool):
        return "on" if value else None
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_widget_value(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _add_form(data: dict, form) -> None:
    for name in form.fields:
        bound = form[name]
        value = _widget_value(bound.value())
        if value is not None:
            data[bound.html_name] = value


def change_form_data(response) -> dict:
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _add_form(data, formset.management_form)
        for form in formset.forms:
            _add_form(data, form)
    return data
