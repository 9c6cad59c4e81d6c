from django.apps import AppConfig
from django.db.models import signals


class PublishedRowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "published_rows"
    verbose_name = "Published scorecard rows"

    def ready(self) -> None:
        """Every save of what a scorecard row prints works the stored rows out again
        (published_rows.services), whichever page, service or admin screen made it."""
        from comparators import models as national
        from indicators.models import Comparator, Indicator, ProcessChange, Target, Value
        from published_rows import services
        from recovery_plans.models import RecoveryPlan

        uid = "published_rows"
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(services.indicator_saved, sender=Indicator, dispatch_uid=uid)
            signal.connect(services.target_saved, sender=Target, dispatch_uid=uid)
            signal.connect(services.target_saved, sender=ProcessChange, dispatch_uid=uid)
            signal.connect(services.comparator_saved, sender=Comparator, dispatch_uid=uid)
            signal.connect(services.value_saved, sender=Value, dispatch_uid=uid)
            for model in (
                national.Area,
                national.Measure,
                national.MeasureCode,
                national.ComparatorGroup,
                national.ComparatorValue,
            ):
                signal.connect(services.benchmarks_changed, sender=model, dispatch_uid=uid)
        signals.post_save.connect(services.plan_saved, sender=RecoveryPlan, dispatch_uid=uid)
        signals.pre_delete.connect(services.plan_deleting, sender=RecoveryPlan, dispatch_uid=uid)
        signals.post_delete.connect(services.plan_deleted, sender=RecoveryPlan, dispatch_uid=uid)
        signals.m2m_changed.connect(
            services.plan_coverage_changed,
            sender=RecoveryPlan.indicators.through,
            dispatch_uid=uid,
        )
        signals.m2m_changed.connect(
            services.benchmarks_changed,
            sender=national.ComparatorGroup.members.through,
            dispatch_uid=uid,
        )
