"""A hand-entered comparator can carry its published 95% confidence interval, and its name
is one per indicator and period whatever its case ("England average", "england average").
Rows held that differ only in case stop the migration, naming them, rather than one being
dropped unseen: the performance team merges them in the admin first."""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


def refuse_names_differing_only_in_case(apps, schema_editor):
    held = defaultdict(list)
    for row in apps.get_model("indicators", "Comparator").objects.select_related("indicator"):
        held[(row.indicator_id, row.period, row.name.lower())].append(row)
    clashes = [rows for rows in held.values() if len(rows) > 1]
    if clashes:
        listed = "; ".join(
            f"{rows[0].indicator.reference} {rows[0].period}: "
            + ", ".join(repr(r.name) for r in rows)
            for rows in clashes
        )
        raise RuntimeError(
            "Comparators whose names differ only in case must be merged in the admin before "
            f"this migration: {listed}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0007_comparator_names_and_ranks'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='comparator',
            name='one_comparator_per_name',
        ),
        migrations.AddField(
            model_name='comparator',
            name='lower_ci',
            field=models.DecimalField(blank=True, decimal_places=6, help_text="The published 95% confidence interval's lower limit, if any: 13.1.", max_digits=20, null=True, verbose_name='95% CI lower limit'),
        ),
        migrations.AddField(
            model_name='comparator',
            name='upper_ci',
            field=models.DecimalField(blank=True, decimal_places=6, help_text='Its upper limit: 14.5.', max_digits=20, null=True, verbose_name='95% CI upper limit'),
        ),
        migrations.AddField(
            model_name='historicalcomparator',
            name='lower_ci',
            field=models.DecimalField(blank=True, decimal_places=6, help_text="The published 95% confidence interval's lower limit, if any: 13.1.", max_digits=20, null=True, verbose_name='95% CI lower limit'),
        ),
        migrations.AddField(
            model_name='historicalcomparator',
            name='upper_ci',
            field=models.DecimalField(blank=True, decimal_places=6, help_text='Its upper limit: 14.5.', max_digits=20, null=True, verbose_name='95% CI upper limit'),
        ),
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='comparator',
            constraint=models.UniqueConstraint(models.F('indicator'), models.F('period'), django.db.models.functions.text.Lower('name'), name='one_comparator_per_name_in_any_case', violation_error_message='This indicator already has a comparator of this name for this period (names are matched whatever their case).'),
        ),
    ]
