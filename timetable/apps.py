from django.apps import AppConfig


class TimetableConfig(AppConfig):
    """Each quarter's return timetable: when returns open, are due, signed off, published."""

    name = "timetable"
    verbose_name = "Return timetable"
