from django.apps import AppConfig


class PublishedRowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "published_rows"
    verbose_name = "Published scorecard rows"
