from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Committee meetings, their agendas, reports, minutes and agenda packs."""

    name = "meetings"
    verbose_name = "Committee meetings"
