"""Who sees and does what with meetings. The public (anyone not signed in, or signed in
without a role) reads published Part I papers only; committee members, officers, clerks and
the performance team also read Part II; clerks build agendas and publish them; a report's
author drafts it until it is published."""

from indicators.roles import CLERK, PERFORMANCE_TEAM, ROLES, has_role, role_names
from meetings.models import Meeting, MeetingStatus


def can_see_exempt(user) -> bool:
    """Part II papers: committee members and the council's staff, never the public."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(role_names(user) & set(ROLES))


def is_clerk(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, CLERK))


def can_see_meeting(user, meeting: Meeting) -> bool:
    if meeting.status != MeetingStatus.DRAFT:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if is_clerk(user) or has_role(user, PERFORMANCE_TEAM):
        return True
    return meeting.items.filter(report__author=user).exists()


def can_edit_report(user, item, *, published: bool) -> bool:
    if published or not user.is_authenticated or not user.is_active:
        return False
    if is_clerk(user):
        return True
    report = getattr(item, "report", None)
    return report is not None and report.author_id == user.pk
