from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The e-mails Scorecard sends, who chose to receive which, and a record of each send."""

    name = "notifications"
    verbose_name = "Notifications"
