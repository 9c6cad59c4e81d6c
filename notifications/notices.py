"""The notices Scorecard sends by e-mail: what each is, who it is for, and whether anyone may
switch it off.

Each notice's e-mail is three templates, `templates/notifications/<kind>/subject.txt`,
`body.txt` and `body.html`. A notice is mandatory when the council says so
(`MANDATORY_NOTICES` in the environment) or when it exists only because the person asked for
it (a password reset)."""

from dataclasses import dataclass

from django.conf import settings

from indicators.roles import CLERK, COMMITTEE_MEMBER, OFFICER, PERFORMANCE_TEAM


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    description: str
    # Who may receive it, by role; a person with none of these roles is not offered it.
    roles: tuple[str, ...] = ()
    # Always sent: nobody may switch it off.
    always: bool = False
    # Holds a secret (a password reset link): the record keeps who, what and when, but not
    # the body once it has been sent or has failed for good.
    secret: bool = False

    @property
    def mandatory(self) -> bool:
        return self.always or self.kind in settings.MANDATORY_NOTICES


NOTICES: dict[str, Notice] = {
    notice.kind: notice
    for notice in [
        Notice(
            "figure_returned",
            "A figure returned to you",
            "When the performance team sends one of your figures back, with their reason.",
            roles=(OFFICER,),
        ),
        Notice(
            "return_submitted",
            "A return submitted",
            "When an officer submits figures for you to check and sign off.",
            roles=(PERFORMANCE_TEAM,),
        ),
        Notice(
            "action_due",
            "Recovery plan actions falling due",
            "A week before an action you lead is due to be complete.",
            roles=(OFFICER, PERFORMANCE_TEAM),
        ),
        Notice(
            "action_overdue",
            "Recovery plan actions overdue",
            "When an action you lead has passed its completion date and is not complete.",
            roles=(OFFICER, PERFORMANCE_TEAM),
        ),
        Notice(
            "pack_published",
            "Agenda papers published",
            "When a meeting's agenda pack or a supplementary agenda is published.",
            roles=(COMMITTEE_MEMBER, CLERK),
        ),
        Notice(
            "return_open",
            "Returns open",
            "When a quarter's returns open: the figures due from you, and by when.",
            roles=(OFFICER,),
        ),
        Notice(
            "return_reminder",
            "A return due soon",
            "A few working days before a quarter's returns are due, if you have figures "
            "still to submit.",
            roles=(OFFICER,),
        ),
        Notice(
            "return_late",
            "A return late",
            "The working day after a quarter's returns were due, if you have figures still "
            "to submit.",
            roles=(OFFICER,),
        ),
        Notice(
            "return_chase",
            "Chased by the performance team",
            "When the performance team chases the figures you have still to submit or "
            "that were returned to you.",
            roles=(OFFICER,),
        ),
        Notice(
            "password_reset",
            "Resetting your password",
            "The link to choose a new password, when you ask for one.",
            always=True,
            secret=True,
        ),
    ]
}


def notice(kind: str) -> Notice:
    try:
        return NOTICES[kind]
    except KeyError:
        raise ValueError(f"There is no notice called {kind!r}.") from None


def offered_to(roles: frozenset[str]) -> list[Notice]:
    """The notices a person with these roles may receive, in the order above."""
    return [n for n in NOTICES.values() if not n.roles or roles.intersection(n.roles)]
