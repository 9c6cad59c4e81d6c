"""The register in the admin: entries with their history, reviews read-only."""

from django.contrib import admin

from indicators.roles import is_performance_team
from risks.models import Entry, Review, ReviewEntry, RiskMatrix, RiskType
from risks.services import save_entry, save_matrix
from scorecard.history_admin import GuardedHistoryAdmin


@admin.register(Entry)
class EntryAdmin(GuardedHistoryAdmin):
    list_display = ("reference", "title", "kind", "inherent", "residual", "owner_title", "status")
    list_filter = ("kind", "status", "types", "owner")
    search_fields = ("reference", "title", "description")
    filter_horizontal = ("types",)
    list_select_related = ("owner",)

    @admin.display(description="Inherent score")
    def inherent(self, obj):
        return obj.inherent_score

    @admin.display(description="Residual score")
    def residual(self, obj):
        return obj.residual_score

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        # Officers keep their own entries up to date; the performance team any.
        return is_performance_team(request.user) or obj.owner_id == request.user.pk

    def save_model(self, request, obj, form, change):
        save_entry(obj, by=request.user)


class ReviewEntryInline(admin.TabularInline):
    model = ReviewEntry
    fields = ("reference", "title", "inherent_score", "residual_score", "travel", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("quarter", "status", "opened_at", "closed_at")
    readonly_fields = ("quarter", "status", "opened_at", "closed_at")
    inlines = (ReviewEntryInline,)

    def has_add_permission(self, request):
        return False


admin.site.register(RiskType)


@admin.register(RiskMatrix)
class RiskMatrixAdmin(admin.ModelAdmin):
    list_display = ("__str__", "threshold")

    def save_model(self, request, obj, form, change):
        save_matrix(obj, by=request.user)
