"""The performance team keeps areas, measure mappings and groups in the admin too; the
figures themselves change only by import."""

from django.contrib import admin

from comparators.models import Area, ComparatorGroup, ComparatorValue, ImportRun, Measure
from indicators.roles import is_performance_team


class TeamAdmin(admin.ModelAdmin):
    """Only the performance team (and administrators) see or change comparators."""

    def has_module_permission(self, request):
        return is_performance_team(request.user)

    def has_view_permission(self, request, obj=None):
        return is_performance_team(request.user)

    def has_add_permission(self, request):
        return is_performance_team(request.user)

    def has_change_permission(self, request, obj=None):
        return is_performance_team(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_performance_team(request.user)


@admin.register(Area)
class AreaAdmin(TeamAdmin):
    list_display = ["name", "code", "kind", "is_council"]
    list_filter = ["kind", "is_council"]
    search_fields = ["name", "code"]


@admin.register(Measure)
class MeasureAdmin(TeamAdmin):
    list_display = ["code", "name", "indicator"]
    search_fields = ["code", "name", "indicator__reference", "indicator__title"]
    autocomplete_fields = ["indicator"]
    list_select_related = ["indicator"]


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(TeamAdmin):
    list_display = ["name", "kind", "order", "published_area"]
    filter_horizontal = ["members"]
    list_select_related = ["published_area"]


@admin.register(ComparatorValue)
class ComparatorValueAdmin(TeamAdmin):
    list_display = ["measure", "area", "period", "value", "lower_ci", "upper_ci"]
    list_filter = ["measure"]
    search_fields = ["area__name", "area__code", "measure__code"]
    list_select_related = ["measure__indicator", "area"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(TeamAdmin):
    list_display = ["imported_at", "imported_by", "filename", "rows", "replaced", "skipped"]
    list_select_related = ["imported_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
