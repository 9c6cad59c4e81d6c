from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: health and readiness checks, the task worker's heartbeat and
    structured logs."""

    name = "operations"
    verbose_name = "Operations"
