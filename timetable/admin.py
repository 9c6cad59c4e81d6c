"""Quarters' return timetables in the admin: the performance team's to change."""

from django.contrib import admin

from scorecard.history_admin import GuardedHistoryAdmin
from timetable.models import QuarterTimetable
from timetable.services import set_timetable


@admin.register(QuarterTimetable)
class QuarterTimetableAdmin(GuardedHistoryAdmin):
    list_display = ("quarter", "opens_on", "due_on", "sign_off_on", "publication_on", "committee")
    list_select_related = ("committee",)

    def get_readonly_fields(self, request, obj=None):
        # A timetable belongs to its quarter: another quarter's is another row.
        return ("quarter",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        set_timetable(
            quarter=obj.quarter,
            opens_on=obj.opens_on,
            due_on=obj.due_on,
            sign_off_on=obj.sign_off_on,
            publication_on=obj.publication_on,
            committee=obj.committee,
            meeting=obj.meeting,
            by=request.user,
        )
