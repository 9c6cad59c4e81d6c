"""The roles people have in Scorecard, as Django groups with their model permissions.

Object-level rules (an officer changes only the indicators they own) sit on top of these,
in indicators.permissions.
"""

from django.contrib.auth.models import Group, Permission

OFFICER = "Officers"
PERFORMANCE_TEAM = "Performance team"
COMMITTEE_MEMBER = "Committee members"
CLERK = "Clerks"

ROLES = (OFFICER, PERFORMANCE_TEAM, COMMITTEE_MEMBER, CLERK)

_MODELS = (
    "indicator",
    "value",
    "commentary",
    "target",
    "comparator",
    "section",
    "service",
    "processchange",
)
_KEEP = ("view", "add", "change", "delete")
_RISK_MODELS = ("entry", "review", "reviewentry", "risktype", "riskmatrix")

ROLE_PERMISSIONS: dict[str, set[str]] = {
    OFFICER: {f"view_{m}" for m in _MODELS + _RISK_MODELS}
    | {"change_indicator", "add_value", "change_value", "add_commentary", "change_commentary"}
    | {"change_entry"},
    PERFORMANCE_TEAM: {f"{action}_{m}" for m in _MODELS for action in ("view", "add", "change")}
    | {"delete_value", "delete_commentary", "delete_target", "delete_comparator"}
    | {"delete_processchange"}
    | {"add_scorecard", "change_scorecard", "view_scorecard"}
    | {f"{action}_{m}" for m in _RISK_MODELS for action in ("view", "add", "change")}
    | {"view_lead", "add_lead", "change_lead"}
    | {"view_quartertimetable", "add_quartertimetable", "change_quartertimetable"},
    COMMITTEE_MEMBER: set(),
    CLERK: {f"view_{m}" for m in _MODELS + _RISK_MODELS}
    | {f"{action}_{m}" for m in ("committee", "committeemember") for action in _KEEP},
}


def ensure_role_groups(**kwargs) -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label__in=[
                "indicators",
                "risks",
                "recovery_plans",
                "meetings",
                "timetable",
            ]
        )
    }
    if not permissions:
        return
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permissions[c] for c in sorted(codenames) if c in permissions])


def role_names(user) -> frozenset[str]:
    """The user's roles, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_scorecard_roles"):
        user._scorecard_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._scorecard_roles


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def is_performance_team(user) -> bool:
    return user.is_superuser or has_role(user, PERFORMANCE_TEAM)


def can_edit_figures(user, indicator) -> bool:
    """Officers change only the indicators they own or are delegated; the performance team
    changes any."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_performance_team(user) or indicator.owner_id == user.pk:
        return True
    return indicator.delegates.filter(pk=user.pk).exists()
