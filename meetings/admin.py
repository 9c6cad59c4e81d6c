"""Clerks keep the committees and their members here; meetings are built on the site."""

from django.contrib import admin

from meetings.models import Committee, CommitteeMember


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 1
    fields = ("name", "chair", "order")


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count")
    search_fields = ("name",)
    inlines = [CommitteeMemberInline]

    @admin.display(description="Members")
    def member_count(self, committee) -> int:
        return committee.members.count()
