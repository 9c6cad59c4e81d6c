from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IndicatorsConfig(AppConfig):
    """The corporate scorecard: indicators, their values, targets and commentary."""

    name = "indicators"
    verbose_name = "Corporate scorecard"

    def ready(self) -> None:
        from indicators import roles

        # Groups need the permissions, which exist only once every app has migrated.
        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="indicators.role_groups")
