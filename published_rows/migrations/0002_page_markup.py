# Rows stored before these columns keep an empty head; their quarters' code_version is empty,
# so they are not read until `store_published_rows --stale` writes them again.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("published_rows", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="storedquarter",
            name="code_version",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="storedrow",
            name="head",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="storedrow",
            name="page",
            field=models.JSONField(default=dict),
            preserve_default=False,
        ),
    ]
