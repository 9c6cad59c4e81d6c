from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo council and its demo users (`manage.py load_demo`)."""

    name = "demo"
    verbose_name = "Demo council"
