from django.apps import AppConfig


class ComparatorsConfig(AppConfig):
    """National comparators: other councils' published figures, imported from CSV, and the
    groups the council compares itself with."""

    name = "comparators"
    verbose_name = "National comparators"
