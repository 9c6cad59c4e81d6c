from django.conf import settings
from django.db import models


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One e-mail to one person: what it said, and whether the mail server took it."""

    kind = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # What the notice is about ("2017/18 Q3", "action 12 due 2017-09-30"): a person gets one
    # notice of a kind per key, however often the command or the action that sends it runs.
    key = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "key"],
                condition=~models.Q(key=""),
                name="delivery_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.get_status_display()})"


class Preference(models.Model):
    """A notice someone has switched off (or back on); without a row, a notice is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"


class PasswordResetRequest(models.Model):
    """A request for a password reset link, kept to throttle them per address and per
    account (in the database, so every web process counts the same requests)."""

    email = models.EmailField(db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} from {self.client_ip} at {self.at:%Y-%m-%d %H:%M}"
