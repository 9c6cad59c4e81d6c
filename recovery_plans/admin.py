"""Leads in the admin: the performance team links a lead to their login, so they can move
their own actions on and find their calendar feed. Plans and actions are kept on the
recovery plan pages, where every change is checked and its history kept."""

from django.contrib import admin

from recovery_plans.models import Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "user")
    search_fields = ("name", "job_title")
    readonly_fields = ("calendar_feed",)

    @admin.display(description="Calendar feed")
    def calendar_feed(self, obj):
        if not obj.pk:
            return "-"
        return obj.get_calendar_url() or "Turned off"
