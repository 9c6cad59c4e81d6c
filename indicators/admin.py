"""The admin an officer can use all day: an indicator with its figures, targets and history."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from indicators.audit import audit_trail
from indicators.models import (
    Commentary,
    Comparator,
    Indicator,
    ProcessChange,
    Publication,
    Scorecard,
    Section,
    Service,
    Target,
    Value,
)
from indicators.roles import can_edit_figures, is_performance_team
from indicators.services import record_process_change, withdraw_process_change
from scorecard.history_admin import GuardedHistoryAdmin


def editable_indicators(user):
    """The indicators whose figures and commentary the user may change."""
    if is_performance_team(user):
        return Indicator.objects.all()
    return Indicator.objects.filter(Q(owner=user) | Q(delegates=user)).distinct()


def visible_values(queryset, user):
    """Drafts are the performance team's and their owners': others see published figures."""
    if is_performance_team(user):
        return queryset
    return queryset.filter(
        Q(pk__in=Value.objects.published().values("pk"))
        | Q(indicator__in=editable_indicators(user).values("pk"))
    )


def visible_commentary(queryset, user):
    """Commentary is seen with its figure: published, or on an indicator the user keeps."""
    if is_performance_team(user):
        return queryset
    return queryset.filter(
        Q(pk__in=Commentary.objects.published().values("pk"))
        | Q(indicator__in=editable_indicators(user).values("pk"))
    )


class OwnerHistoryMixin:
    """The history of figures and commentary (drafts, who typed what) is the performance
    team's and, for the indicators they keep, their officers'."""

    def has_view_history_or_change_history_permission(self, request, obj=None):
        allowed = super().has_view_history_or_change_history_permission(request, obj)
        return allowed and obj is not None and can_edit_figures(request.user, obj.indicator)


class OwnedInlineMixin:
    """Inline rows of an indicator are changed only by whoever may change its figures."""

    def _may_edit(self, request, obj) -> bool:
        return obj is None or can_edit_figures(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class ValueInline(admin.TabularInline):
    """Figures are shown here; they are entered through the period return, which keeps
    their drafts, sign-off and publication straight."""

    model = Value
    extra = 0
    fields = ("period", "value", "count", "status", "missing_reason", "state", "revision")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return visible_values(super().get_queryset(request), request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TargetInline(OwnedInlineMixin, admin.TabularInline):
    model = Target
    extra = 0
    fields = (
        "year",
        "kind",
        "period",
        "value",
        "low",
        "high",
        "baseline",
        "change",
        "change_is_percent",
        "increase",
        "by_year",
        "is_demo",
        "note",
    )


class ComparatorFormSet(BaseInlineFormSet):
    """Two new rows of one name for one period, whatever their case, are refused here:
    each row alone passes its check against what is held, and the database would refuse
    the second only after the first was saved."""

    def clean(self):
        super().clean()
        seen: dict[tuple, str] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            row = form.instance
            if not row.name or row.period is None:
                continue
            key = (row.period, row.name.lower())
            if key in seen:
                form.add_error(
                    "name",
                    f'"{row.name}" for {row.period} is also on another row as "{seen[key]}": '
                    "names are matched whatever their case; keep one of them.",
                )
            else:
                seen[key] = row.name


class ComparatorInline(OwnedInlineMixin, admin.TabularInline):
    model = Comparator
    formset = ComparatorFormSet
    extra = 0
    fields = (
        "period",
        "kind",
        "name",
        "value",
        "lower_ci",
        "upper_ci",
        "value_period",
        "rank",
        "rank_of",
        "source",
    )


class ProcessChangeInline(admin.TabularInline):
    """Changes to how the service works, from which SPC limits start afresh: the
    performance team's to record (role permissions), everyone else's to read."""

    model = ProcessChange
    extra = 0
    fields = ("period", "reason", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")


class CommentaryInline(admin.StackedInline):
    """Commentary is shown here; it is written on the period return with its figure, and
    signed off and published with it."""

    model = Commentary
    extra = 0
    fields = ("period", "figure", "issues", "causes", "actions")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return visible_commentary(super().get_queryset(request), request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(GuardedHistoryAdmin):
    list_display = (
        "reference",
        "title",
        "section",
        "service",
        "owner",
        "polarity",
        "latest_period",
        "value_count",
    )
    list_display_links = ("reference", "title")
    list_filter = ("section", "owner", "polarity", "service", "frequency")
    search_fields = ("reference", "title")
    list_select_related = ("section", "service", "owner")
    inlines = (
        ValueInline,
        TargetInline,
        ComparatorInline,
        ProcessChangeInline,
        CommentaryInline,
    )
    fieldsets = (
        (None, {"fields": ("reference", "title", "definition", "group", "section", "service")}),
        ("Ownership", {"fields": ("owner", "delegates", "data_source")}),
        (
            "Measurement",
            {
                "fields": (
                    "unit",
                    "decimal_places",
                    "rate_per",
                    "score_out_of",
                    "polarity",
                    "frequency",
                    "reporting_lag",
                    "aggregation",
                )
            },
        ),
        ("RAG rating", {"fields": ("tolerance_kind", "tolerance_amount")}),
        ("Statistical process control", {"fields": ("spc_fix_after",)}),
        ("Order", {"fields": ("order",)}),
    )
    history_list_display = ("title", "owner")
    filter_horizontal = ("delegates",)
    change_form_template = "admin/indicators/indicator/change_form.html"

    def get_urls(self):
        audit = path(
            "<int:object_id>/audit/",
            self.admin_site.admin_view(self.audit_view),
            name="indicators_indicator_audit",
        )
        return [audit, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        indicator = self.get_object(request, unquote(object_id))
        may_audit = indicator is not None and can_edit_figures(request.user, indicator)
        extra_context = {**(extra_context or {}), "may_audit": may_audit}
        return super().change_view(request, object_id, form_url, extra_context)

    def audit_view(self, request, object_id: int):
        """Every change to the indicator and its rows: who, when, before and after."""
        indicator = get_object_or_404(Indicator, pk=object_id)
        # Who entered which draft is for the performance team and the indicator's own
        # officers, as on the return; clerks and other officers read what is published.
        if not self.has_view_permission(request, indicator) or not can_edit_figures(
            request.user, indicator
        ):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": indicator,
            "title": f"Audit trail: {indicator}",
            "entries": audit_trail(indicator),
        }
        return TemplateResponse(request, "admin/indicators/indicator/audit.html", context)

    def get_queryset(self, request):
        latest = Value.objects.filter(indicator=OuterRef("pk")).order_by("-period_end")
        # Annotations keep the changelist at a fixed number of queries however many rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                _latest_period=Subquery(latest.values("period")[:1]),
                _value_count=Count("values", distinct=True),
            )
        )

    @admin.display(description="Latest period", ordering="_latest_period")
    def latest_period(self, obj):
        return Value._meta.get_field("period").to_python(obj._latest_period) or "-"

    @admin.display(description="Figures", ordering="_value_count")
    def value_count(self, obj):
        return obj._value_count

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_edit_figures(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        # Officers keep their figures current; the definition is the performance team's.
        if is_performance_team(request.user):
            return ()
        return (
            "reference",
            "title",
            "definition",
            "group",
            "section",
            "service",
            "owner",
            "delegates",
            "unit",
            "decimal_places",
            "rate_per",
            "score_out_of",
            "polarity",
            "frequency",
            "reporting_lag",
            "aggregation",
            "tolerance_kind",
            "tolerance_amount",
            "spc_fix_after",
            "order",
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProcessChange:
            return super().save_formset(request, form, formset, change)
        # Recorded through the same service as the indicator page's form, so both keep
        # who recorded it and validate the same way.
        changed = formset.save(commit=False)
        for obj in formset.deleted_objects:
            withdraw_process_change(obj, by=request.user)
        for instance in changed:
            record_process_change(instance, by=request.user)
        formset.save_m2m()


@admin.register(Value)
class ValueAdmin(OwnerHistoryMixin, GuardedHistoryAdmin):
    """Figures and their history, read-only: changes go through the period return."""

    list_display = ("indicator", "period", "value", "count", "state", "revision", "status")
    list_filter = ("state", "status", "indicator__section")
    readonly_fields = [f.name for f in Value._meta.fields]
    allow_revert = False

    def get_queryset(self, request):
        return visible_values(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    search_fields = ("indicator__reference", "indicator__title")
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nothing is ever deleted from a published period.
        return False


@admin.register(Target)
class TargetAdmin(GuardedHistoryAdmin):
    list_display = ("indicator", "year", "kind", "period", "value", "low", "high", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("indicator__reference", "indicator__title")
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)


@admin.register(Commentary)
class CommentaryAdmin(OwnerHistoryMixin, GuardedHistoryAdmin):
    """Commentary and its history, read-only: it is written on the period return with its
    figure, and goes through sign-off and publication with it."""

    list_display = ("indicator", "period", "figure")
    search_fields = ("indicator__reference", "indicator__title", "issues", "causes", "actions")
    list_select_related = ("indicator", "figure")
    readonly_fields = [f.name for f in Commentary._meta.fields]
    allow_revert = False

    def get_queryset(self, request):
        return visible_commentary(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comparator)
class ComparatorAdmin(GuardedHistoryAdmin):
    list_display = ("indicator", "period", "kind", "name", "value", "value_period", "standing")
    # The interval beside the figure it surrounds, as it is printed.
    fields = ("indicator", "period", "kind", "name", *ComparatorInline.fields[3:])
    list_filter = ("kind", "name")
    search_fields = ("indicator__reference", "indicator__title")
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("quarter", "published_at", "published_by", "figures")
    readonly_fields = ("quarter", "published_at", "published_by", "figures")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "indicator_count")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_count=Count("indicators"))

    @admin.display(description="Indicators", ordering="_count")
    def indicator_count(self, obj):
        return obj._count


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    filter_horizontal = ("indicators",)
