"""Who may do what with recovery plans, checked on the server for every request.

Everyone signed in reads plans (members, clerks, officers). Officers change the plans of
indicators they own or enter figures for; the performance team changes any. A lead with
a login may move their own actions on.
"""

from indicators.models import Indicator
from indicators.roles import is_performance_team


def can_read(user) -> bool:
    return user.is_authenticated and user.is_active


def editable_indicator_ids(user) -> set[int] | None:
    """The indicators whose plans the user may change; None: every one."""

    if not can_read(user):
        return set()
    if is_performance_team(user):
        return None
    return set(Indicator.objects.owned_by(user).values_list("pk", flat=True))


def can_edit_plan(user, plan, indicator_ids: set[int] | None = None) -> bool:
    if not can_read(user):
        return False
    if is_performance_team(user) or plan.owner_id == user.pk:
        return True
    if indicator_ids is None:
        indicator_ids = editable_indicator_ids(user)
    plan_indicators = {i.pk for i in plan.indicators.all()}
    return bool(plan_indicators & indicator_ids)


def can_update_action(user, action, *, plan_editable: bool) -> bool:
    if plan_editable:
        return True
    return can_read(user) and any(lead.user_id == user.pk for lead in action.leads.all())


def can_create_plans(user) -> bool:
    return can_read(user) and (is_performance_team(user) or editable_indicator_ids(user) != set())


def can_manage_calendar(user, lead) -> bool:
    """The lead themself (through their login) and the performance team turn a lead's
    calendar address off or give it a new one."""
    return can_read(user) and (is_performance_team(user) or lead.user_id == user.pk)
