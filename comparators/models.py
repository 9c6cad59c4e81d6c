"""Other councils' published figures (national comparators), the areas they are for, the
measure codes that map them to the council's indicators and the groups the council
compares itself with."""

from django.conf import settings
from django.db import models

from indicators.fields import PeriodField
from indicators.models import Indicator


class AreaKind(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    LOCAL_AUTHORITY = "local_authority", "Local authority"


class GroupKind(models.TextChoices):
    ENGLAND = "england", "England"
    REGION = "region", "Region"
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
    NEAREST_NEIGHBOURS = "nearest_neighbours", "Nearest neighbours"


class Area(models.Model):
    """A place national statistics publish figures for: England, a region or a council."""

    code = models.CharField(max_length=20, unique=True, help_text='The ONS code, e.g. "E10000017".')
    name = models.CharField(max_length=150, help_text="As tables print it.")
    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    is_council = models.BooleanField(
        "this council",
        default=False,
        help_text="The council this service reports for (one area only).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_council"], condition=models.Q(is_council=True), name="one_council"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """A published measure code (e.g. ASCOF "1A") and the indicator it is compared with."""

    code = models.CharField(max_length=50, unique=True, help_text="As the CSV writes it.")
    name = models.CharField(max_length=300, blank=True)
    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="national_measure"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.indicator.reference})"

    @property
    def codes(self) -> list[str]:
        """Every code the measure is published under, its own first."""
        return [self.code, *(other.code for other in self.other_codes.all())]


class MeasureCode(models.Model):
    """Another publisher's code for the same measure (a Fingertips indicator ID beside an
    ASCOF code), so that files of either source feed the same indicator."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="other_codes")
    code = models.CharField(max_length=50, unique=True, help_text="As the CSV writes it.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ComparatorGroup(models.Model):
    """Councils the council compares itself with: its region, statistical or nearest
    neighbours, England; and the area whose published figure is the group's average."""

    name = models.CharField(max_length=100, unique=True, help_text='e.g. "North West".')
    kind = models.CharField(max_length=30, choices=GroupKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    members = models.ManyToManyField(
        Area,
        blank=True,
        related_name="groups",
        limit_choices_to={"kind": AreaKind.LOCAL_AUTHORITY},
        help_text="The councils of the group.",
    )
    published_area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_for",
        limit_choices_to={"kind__in": [AreaKind.ENGLAND, AreaKind.REGION]},
        help_text="The area whose published figure is the group's official average.",
    )
    published_note = models.TextField(
        blank=True,
        help_text="Why the published average may differ from the mean of the members "
        '(e.g. "weighted by each council\'s number of respondents").',
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ComparatorValue(models.Model):
    """One area's published figure for a measure and period, as imported."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="values")
    period = PeriodField()
    period_end = models.DateField(editable=False)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    # The published 95% confidence interval, where the publisher gives one (Fingertips).
    lower_ci = models.DecimalField(
        "lower 95% confidence limit", max_digits=20, decimal_places=6, null=True, blank=True
    )
    upper_ci = models.DecimalField(
        "upper 95% confidence limit", max_digits=20, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["measure", "period_end", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area", "period"], name="one_comparator_value"
            )
        ]
        indexes = [models.Index(fields=["measure", "period_end"], name="comparator_latest")]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.area.code} {self.period}: {self.value}"


class ImportRun(models.Model):
    """Who imported which comparator file, when, and what it changed."""

    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filename = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(help_text="Figures imported.")
    replaced = models.PositiveIntegerField(help_text="Figures held before that the import updated.")
    skipped = models.PositiveIntegerField(
        default=0, help_text="Rows left out when asked: of unknown codes, or with problems."
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'Import'} {self.imported_at:%d %b %Y %H:%M}"
