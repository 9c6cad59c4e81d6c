"""Sending notices: `notify` queues them (once the caller's transaction commits), the task
worker sends each (`notifications.tasks`), and a failed send is tried again later (`retry_due`).

A page never waits on the mail server: the send runs in the task worker, and everything
about it (to whom, what, when, sent or failed and why) is kept in `Delivery`."""

import re
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template import Context, Engine, engines
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.notices import NOTICES, notice
from notifications.tasks import enqueue
from recovery_plans.models import Action
from scorecard.pdf import site_url

# A send claimed this long ago with no outcome died with its worker: try it again.
STALE_SENDING = timedelta(minutes=15)


def recipients(kind: str, users) -> list:
    """The users who get notice `kind`: active, with an e-mail address, once each, and not
    having switched it off (unless it is mandatory)."""
    seen: dict[int, object] = {}
    for user in users:
        if user.is_active and user.email and user.pk not in seen:
            seen[user.pk] = user
    if not notice(kind).mandatory and seen:
        off = set(
            Preference.objects.filter(kind=kind, enabled=False, user__in=list(seen)).values_list(
                "user_id", flat=True
            )
        )
        seen = {pk: user for pk, user in seen.items() if pk not in off}
    return list(seen.values())


@cache
def _plain_engine() -> Engine:
    """The project's templates, without HTML escaping: for subject lines and plain text,
    where "&" must stay "&"."""
    html = engines["django"].engine
    return Engine(dirs=html.dirs, app_dirs=html.app_dirs, autoescape=False)


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    plain = _plain_engine()
    subject = plain.get_template(f"notifications/{kind}/subject.txt").render(
        Context(context, autoescape=False)
    )
    text = plain.get_template(f"notifications/{kind}/body.txt").render(
        Context(context, autoescape=False)
    )
    html = render_to_string(f"notifications/{kind}/body.html", context)
    subject = re.sub(r"\s+", " ", subject).strip()
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return subject, text, html


def notify(kind: str, users, *, context: dict | None = None, key: str = "") -> list[Delivery]:
    """Queue notice `kind` to each of `users` who should get it, and send after the
    transaction commits. With a `key`, someone who already had this notice about this key
    gets nothing more."""
    notice(kind)
    queued = []
    for user in recipients(kind, users):
        full = {
            "user": user,
            "site_url": site_url().rstrip("/"),
            "council_name": settings.COUNCIL_NAME,
            **(context or {}),
        }
        subject, text, html = _render(kind, full)
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    kind=kind,
                    user=user,
                    to=user.email,
                    subject=subject,
                    text=text,
                    html=html,
                    key=key,
                )
        except IntegrityError:
            # Sent already about this key (perhaps by a run at the same moment).
            continue
        queued.append(delivery)
    if queued:
        ids = [d.pk for d in queued]
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return queued


def retry_due(now=None) -> int:
    """Queue again each delivery whose next attempt is due, and any whose worker stopped
    while sending; returns how many. `manage.py send_notices` runs it."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, next_attempt_at__lt=now - STALE_SENDING
    ).update(status=DeliveryStatus.QUEUED)
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    enqueue(ids)
    return len(ids)


def set_preferences(user, enabled: dict[str, bool]) -> None:
    """Record which notices `user` receives; mandatory ones cannot be switched off."""
    with transaction.atomic():
        for kind, on in enabled.items():
            if notice(kind).mandatory:
                continue
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": on})


def enabled_kinds(user) -> set[str]:
    off = set(Preference.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return {kind for kind in NOTICES if kind not in off or notice(kind).mandatory}


# Leads hear about an action this many days before its completion date.
ACTION_DUE_DAYS = 7


def send_action_reminders(today) -> int:
    """E-mail each lead with a login about the actions they lead that fall due within a
    week, and those now overdue: once per action and completion date, however often this
    runs (a changed date is a new reminder). Returns how many e-mails were queued."""
    due = Action.objects.due_between(today, today + timedelta(days=ACTION_DUE_DAYS))
    overdue = Action.objects.overdue(today)
    queued = 0
    for kind, actions in (("action_due", due), ("action_overdue", overdue)):
        by_user: dict[int, list] = {}
        users = {}
        rows = (
            actions.filter(leads__user__isnull=False)
            .select_related("plan")
            .prefetch_related("leads__user")
        )
        for action in rows.distinct().order_by("due_on", "plan_id", "number"):
            for lead in action.leads.all():
                if lead.user_id:
                    users[lead.user_id] = lead.user
                    by_user.setdefault(lead.user_id, []).append(action)
        for user_pk, user_actions in by_user.items():
            told = _tokens_sent(kind, user_pk)
            new = [a for a in user_actions if _token(a) not in told]
            if new:
                queued += len(
                    notify(
                        kind,
                        [users[user_pk]],
                        context={"actions": new, "due_by": today + timedelta(days=ACTION_DUE_DAYS)},
                        key=" ".join(_token(a) for a in new),
                    )
                )
    return queued


def _token(action) -> str:
    return f"{action.pk}@{action.due_on:%Y-%m-%d}"


def _tokens_sent(kind: str, user_pk: int) -> set[str]:
    keys = Delivery.objects.filter(kind=kind, user_id=user_pk).values_list("key", flat=True)
    return {token for key in keys for token in key.split()}
