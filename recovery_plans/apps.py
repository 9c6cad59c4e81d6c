from django.apps import AppConfig


class RecoveryPlansConfig(AppConfig):
    """Recovery plans for indicators that miss their targets, and their actions."""

    name = "recovery_plans"
    verbose_name = "Recovery plans"
