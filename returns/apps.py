from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """The period return: figures and commentary entered, signed off and published."""

    name = "returns"
    verbose_name = "Period return"
