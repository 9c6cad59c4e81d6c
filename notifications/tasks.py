"""Sending an e-mail, run by the task worker (`manage.py db_worker`)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.tasks import default_task_backend, task
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus
from notifications.notices import notice

log = logging.getLogger(__name__)

# Minutes to wait before each further attempt; after the last, the delivery has failed.
RETRY_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1


@task()
def deliver(delivery_id: int) -> str:
    return send_delivery(delivery_id)


def enqueue(ids: list[int], run_after=None) -> None:
    runner = deliver.using(run_after=run_after) if run_after else deliver
    for pk in ids:
        runner.enqueue(pk)


def send_delivery(pk: int) -> str:
    """Send one queued delivery; returns its status afterwards. Claimed first, so two
    workers never send the same e-mail."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, next_attempt_at=now
    )
    if not claimed:
        return "not queued"
    delivery = Delivery.objects.get(pk=pk)
    message = EmailMultiAlternatives(
        delivery.subject,
        delivery.text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.to],
        # An automatic message (RFC 3834): out-of-office replies are not sent back to it.
        headers={"Auto-Submitted": "auto-generated"},
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    attempts = delivery.attempts + 1
    try:
        mailers.default.send_messages([message])
    except Exception as error:  # the mail server refused or was away: try again later
        failed = attempts >= MAX_ATTEMPTS
        retry_at = (
            None if failed else timezone.now() + timedelta(minutes=RETRY_MINUTES[attempts - 1])
        )
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=retry_at,
            **(_forget_body(delivery) if failed else {}),
        )
        log.warning("e-mail %s to %s not sent (attempt %s): %s", pk, delivery.to, attempts, error)
        if retry_at is not None and default_task_backend.supports_defer:
            enqueue([pk], run_after=retry_at)
        return DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED
    Delivery.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        **_forget_body(delivery),
    )
    return DeliveryStatus.SENT


def _forget_body(delivery: Delivery) -> dict:
    """The fields that drop a secret body (a reset link) once it needs no sending again."""
    if not notice(delivery.kind).secret:
        return {}
    return {"text": "(It held a password reset link, which is not kept.)", "html": ""}
