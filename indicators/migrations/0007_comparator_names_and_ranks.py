"""A comparator's kind and name become data ("East Midlands average", "CIPFA nearest
neighbours", a named peer group), and a comparator can carry the council's published rank
and its source. Rows held keep the names they were printed with."""

from django.db import migrations, models

# What each kind printed as before names were data.
OLD_NAMES = {
    "england": "England average",
    "region": "North West average",
    "statistical_neighbours": "Statistical neighbours",
    "nearest_neighbours": "Nearest neighbours",
}


def name_held_comparators(apps, schema_editor):
    for model in ("Comparator", "HistoricalComparator"):
        rows = apps.get_model("indicators", model).objects
        for kind, name in OLD_NAMES.items():
            rows.filter(kind=kind, name="").update(name=name)


KINDS = [
    ("england", "England or national average"),
    ("region", "Regional average"),
    ("statistical_neighbours", "Statistical neighbours"),
    ("nearest_neighbours", "Nearest neighbours"),
    ("peer_group", "Named peer group"),
]
NAME_HELP = (
    'As papers print it: "East Midlands average", "CIPFA nearest neighbours", "County '
    'councils". Empty: "England average", "Statistical neighbours" or "Nearest neighbours" by '
    "its kind; a region or a peer group must be named."
)


def _fields(model_name: str) -> list:
    return [
        migrations.RenameField(model_name=model_name, old_name="area", new_name="kind"),
        migrations.AlterField(
            model_name=model_name,
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30),
        ),
        migrations.AddField(
            model_name=model_name,
            name="name",
            field=models.CharField(blank=True, help_text=NAME_HELP, max_length=100),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="value",
            field=models.DecimalField(
                blank=True,
                decimal_places=6,
                help_text="Empty for a rank alone.",
                max_digits=20,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="rank",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The council's place among them, as published: 110.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="rank_of",
            field=models.PositiveIntegerField(
                blank=True, help_text="How many were ranked: 150.", null=True, verbose_name="out of"
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="source",
            field=models.CharField(
                blank=True,
                help_text='Where the figure is from: "DfE, March 2018".',
                max_length=200,
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_process_changes"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="comparator", name="one_comparator_per_area"),
        *_fields("comparator"),
        *_fields("historicalcomparator"),
        migrations.RunPython(name_held_comparators, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="comparator",
            options={"ordering": ["indicator", "period_end", "kind", "name"]},
        ),
        migrations.AddConstraint(
            model_name="comparator",
            constraint=models.UniqueConstraint(
                fields=("indicator", "period", "name"), name="one_comparator_per_name"
            ),
        ),
    ]
