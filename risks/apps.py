from django.apps import AppConfig


class RisksConfig(AppConfig):
    """The corporate risk and opportunity register and its quarterly reviews."""

    name = "risks"
    verbose_name = "Risk and opportunity register"
