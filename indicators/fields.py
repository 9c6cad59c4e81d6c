"""A model and form field holding a reporting period (see indicators.periods)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from indicators.periods import Period, PeriodError, parse_period


class PeriodFormField(forms.CharField):
    """Text input that accepts a period written the way committee papers write it."""

    def __init__(self, *, period_kind: str | None = None, **kwargs):
        self.period_kind = period_kind
        kwargs.setdefault(
            "help_text", 'For example "Q3 2017/18", "2017/18", "Dec 2016" or "Jul 16 - Jun 17".'
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Period):
            return value.label
        if isinstance(value, str) and ":" in value:
            try:
                return Period.from_key(value).label
            except PeriodError:
                return value
        return value

    def run_validators(self, value):
        super().run_validators(value.label if isinstance(value, Period) else value)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_period(text, kind=self.period_kind)
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from None


class PeriodField(models.CharField):
    """Stores a period as its key ("financial_quarter:Q3 2017/18"); reads back a Period."""

    description = "A reporting period"

    def __init__(self, *args, period_kind: str | None = None, **kwargs):
        self.period_kind = period_kind
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.period_kind:
            kwargs["period_kind"] = self.period_kind
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return Period.from_key(value)

    def to_python(self, value):
        if value is None or isinstance(value, Period):
            return value
        if value == "":
            return None
        try:
            if ":" in value:
                return Period.from_key(value)
            return parse_period(value, kind=self.period_kind)
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid_period") from None

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.key if isinstance(value, Period) else value

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.key if isinstance(value, Period) else ""

    def validate(self, value, model_instance):
        if self.period_kind and value is not None and value.kind != self.period_kind:
            raise ValidationError(
                f"“{value}” is not a {self.period_kind.replace('_', ' ')}.", code="wrong_kind"
            )
        # CharField.validate would check choices against the raw string; skip it.
        if not self.blank and value is None:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def run_validators(self, value):
        super().run_validators(value.key if isinstance(value, Period) else value)

    def formfield(self, **kwargs):
        defaults = {
            "form_class": PeriodFormField,
            "period_kind": self.period_kind,
            "max_length": None,
        }
        defaults.update(kwargs)
        return super().formfield(**defaults)
