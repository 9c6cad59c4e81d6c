from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """A council's catalogue of indicators and their history, imported from a workbook."""

    name = "onboarding"
    verbose_name = "Catalogue import"
