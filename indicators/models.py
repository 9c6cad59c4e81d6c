"""Indicators of the corporate scorecard, their values, targets, comparators and commentary.

The rules (periods, RAG, direction of travel, formatting) live in plain modules beside this
one; the models store facts and hand them to those rules.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from indicators import periods
from indicators.fields import PeriodField
from indicators.formatting import Unit, format_value, ordinal
from indicators.numbers import figure_problems
from indicators.rag import Polarity, Rag, TargetError, TargetKind, TargetSpec, Tolerance


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual (financial year)"
    ACADEMIC_YEAR = "academic_year", "Academic year"
    TERMLY = "termly", "Termly"
    ROLLING = "rolling", "Rolling twelve months"


class Aggregation(models.TextChoices):
    SUM = "sum", "Sum of the periods (counts)"
    MEAN = "mean", "Average of the periods"
    LATEST = "latest", "Latest figure (snapshots)"


class ValueStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Provisional"
    ESTIMATE = "estimate", "Estimate"
    FINAL = "final", "Final"


class ToleranceKind(models.TextChoices):
    ABSOLUTE = "absolute", "Absolute (in the indicator's unit)"
    RELATIVE = "relative", "Relative (% of the target)"


class ComparatorKind(models.TextChoices):
    """What a benchmark compares with; its name (data) says which: "East Midlands average"."""

    ENGLAND = "england", "England or national average"
    REGION = "region", "Regional average"
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
    NEAREST_NEIGHBOURS = "nearest_neighbours", "Nearest neighbours"
    PEER_GROUP = "peer_group", "Named peer group"


# The name a benchmark of each kind is printed with when none is given; a region or a peer
# group must be named.
COMPARATOR_NAMES = {
    ComparatorKind.ENGLAND: "England average",
    ComparatorKind.STATISTICAL_NEIGHBOURS: "Statistical neighbours",
    ComparatorKind.NEAREST_NEIGHBOURS: "Nearest neighbours",
}
COMPARATOR_ORDER = {kind: index for index, kind in enumerate(ComparatorKind)}


MONEY = {"max_digits": 20, "decimal_places": 6}


class Section(models.Model):
    """A priority section of the council plan, such as Start Well."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service or directorate accountable for indicators."""

    name = models.CharField(max_length=150, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# A benchmark applies to later periods until a newer one arrives, for at most this long.
COMPARATOR_YEARS = 5


class IndicatorQuerySet(models.QuerySet):
    def in_scorecard(self, year: periods.FinancialYear) -> "IndicatorQuerySet":
        """The year's corporate scorecard, once one has been drawn up for it; until then,
        every indicator (a council that has not listed its scorecard reports them all)."""
        return self.filter(
            models.Q(scorecards__year=year) | ~models.Exists(Scorecard.objects.filter(year=year))
        )

    def owned_by(self, user) -> "IndicatorQuerySet":
        """The indicators whose figures the user enters: owned or delegated."""
        return self.filter(models.Q(owner=user) | models.Q(delegates=user)).distinct()

    def for_report(self, quarter=None) -> "IndicatorQuerySet":
        """Everything a scorecard row needs, in a fixed number of queries: only the
        figures committee members and the public may see.

        Given a quarter, only what its scorecard reads: figures up to its end (of other
        kinds than quarters and months, only those of the year before it), the
        targets of those years and stretch goals, and the comparators it may show."""
        values = Value.objects.published()
        targets = Target.objects.all()
        comparators = Comparator.objects.all()
        if quarter is not None:
            since = quarter.start.replace(year=quarter.start.year - 1)
            # The year before the quarter for the table; every earlier quarter and month
            # for statistical process control.
            values = values.filter(period_start__lte=quarter.end).filter(
                models.Q(period_end__gte=since)
                | models.Q(period__startswith="financial_quarter:")
                | models.Q(period__startswith="month:")
            )
            years = [quarter.financial_year.shift_years(-1), quarter.financial_year]
            targets = targets.filter(models.Q(year__in=years) | models.Q(kind="stretch"))
            # The latest available benchmark, up to five years older than the quarter
            # (reporting.comparators_for).
            oldest = quarter.end.replace(year=quarter.end.year - COMPARATOR_YEARS)
            comparators = comparators.filter(period_end__range=(oldest, quarter.end))
        return self.select_related("section", "service", "owner").prefetch_related(
            models.Prefetch("values", queryset=values),
            models.Prefetch("targets", queryset=targets),
            models.Prefetch("comparators", queryset=comparators),
            "process_changes",
        )


class Indicator(models.Model):
    """A performance indicator (KPI) of the corporate scorecard."""

    reference = models.CharField(
        max_length=30, unique=True, help_text='The council\'s reference, e.g. "1C (NI130)".'
    )
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    group = models.CharField(
        max_length=150, blank=True, help_text="The sub-heading it is printed under in reports."
    )
    unit = models.CharField(max_length=20, choices=_choices(Unit), default=Unit.NUMBER)
    decimal_places = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(6)])
    rate_per = models.PositiveIntegerField(
        null=True, blank=True, help_text="For rates: per 10,000 or per 100,000 population."
    )
    score_out_of = models.DecimalField(
        null=True, blank=True, max_digits=12, decimal_places=2, help_text='For scores: "out of".'
    )
    polarity = models.CharField(max_length=10, choices=_choices(Polarity), default=Polarity.HIGH)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    reporting_lag = models.PositiveSmallIntegerField(
        default=0, help_text="Periods in arrears (1 = reported a quarter in arrears)."
    )
    aggregation = models.CharField(
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
        help_text="How the year-to-date figure is derived from the periods.",
    )
    data_source = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_indicators",
        verbose_name="accountable officer",
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="delegated_indicators",
        help_text="Officers who may also enter this indicator's figures.",
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="indicators")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveIntegerField(default=0)
    tolerance_kind = models.CharField(
        max_length=10, choices=ToleranceKind.choices, blank=True, verbose_name="RAG tolerance"
    )
    tolerance_amount = models.DecimalField(
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
        help_text="How far short of the target a figure may be and still be amber.",
    )
    spc_fix_after = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        verbose_name="fix SPC limits after",
        help_text=(
            "Work out each phase's mean and limits from its first this many figures and keep "
            "them fixed after (blank: from every figure)."
        ),
    )
    history = HistoricalRecords()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        errors = {}
        if bool(self.tolerance_kind) != (self.tolerance_amount is not None):
            errors["tolerance_amount"] = (
                "Give both the kind of tolerance and its amount, or neither."
            )
        if self.unit == Unit.RATE and not self.rate_per:
            errors["rate_per"] = "A rate needs its base: per 10,000 or per 100,000, for example."
        if self.unit == Unit.SCORE and self.score_out_of is None:
            errors["score_out_of"] = 'A score needs its maximum, as in "19 (out of 24)".'
        if errors:
            raise ValidationError(errors)

    @property
    def polarity_enum(self) -> Polarity:
        return Polarity(self.polarity)

    @property
    def tolerance(self) -> Tolerance | None:
        if not self.tolerance_kind or self.tolerance_amount is None:
            return None
        return Tolerance(kind=self.tolerance_kind, amount=self.tolerance_amount)

    def format(self, value: Decimal | None, *, count=None, missing_reason: str = "") -> str:
        return format_value(
            value,
            unit=Unit(self.unit),
            decimal_places=self.decimal_places,
            count=count,
            out_of=self.score_out_of,
            missing_reason=missing_reason,
        )


def due_periods(indicator: "Indicator", quarter: periods.FinancialQuarter) -> list[periods.Period]:
    """The periods an indicator's return asks for in a quarter, allowing for its lag."""
    for _ in range(indicator.reporting_lag):
        quarter = quarter.previous()
    frequency = indicator.frequency
    if frequency == Frequency.QUARTERLY:
        return [quarter]
    if frequency == Frequency.MONTHLY:
        first = periods.Month(quarter.start.year, quarter.start.month)
        return [first, first.plus(1), first.plus(2)]
    if frequency == Frequency.ANNUAL:
        return [quarter.financial_year] if quarter.quarter == 4 else []
    if frequency == Frequency.ROLLING:
        last = periods.Month(quarter.end.year, quarter.end.month)
        return [periods.RollingWindow(last.plus(-11), last)]
    if frequency == Frequency.ACADEMIC_YEAR:
        year = periods.AcademicYear(quarter.end.year - 1)
        return [year] if quarter.contains(year.end) else []
    if frequency == Frequency.TERMLY:
        terms = [periods.Term(s, quarter.end.year) for s in ("autumn", "spring", "summer")]
        return [t for t in terms if quarter.contains(t.end)]
    return []


class Scorecard(models.Model):
    """A financial year's corporate scorecard: the indicators reported that year."""

    year = PeriodField(unique=True, period_kind=periods.FINANCIAL_YEAR)
    indicators = models.ManyToManyField(Indicator, related_name="scorecards", blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Corporate scorecard {self.year}"


class PeriodDatesMixin(models.Model):
    """Start and end of the row's period, copied from it so the database can sort by date."""

    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.period_start, self.period_end = self.period.start, self.period.end
        super().save(*args, **kwargs)


class ValueState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    SIGNED_OFF = "signed_off", "Signed off"
    PUBLISHED = "published", "Published"


class ValueQuerySet(models.QuerySet):
    def published(self) -> "ValueQuerySet":
        """Figures members and the public may see: the latest published revision of each."""
        return self.filter(state=ValueState.PUBLISHED, superseded=False)

    def current(self) -> "ValueQuerySet":
        """The revision being worked on for each indicator and period (perhaps published)."""
        return self.filter(is_current=True)


class Value(PeriodDatesMixin):
    """An indicator's figure for one period, or the reason it is missing."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = PeriodField()
    value = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    count = models.DecimalField(
        null=True,
        blank=True,
        max_digits=20,
        decimal_places=0,
        help_text='The count of a count-and-rate pair, as in "9,907/403.9".',
    )
    status = models.CharField(max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL)
    missing_reason = models.CharField(
        max_length=200, blank=True, help_text='When there is no figure: "Available in Q4".'
    )
    qualifier = models.CharField(
        max_length=100, blank=True, help_text='Printed beside the figure: "17/18 forecast".'
    )
    state = models.CharField(
        max_length=12, choices=ValueState.choices, default=ValueState.DRAFT, db_index=True
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="A correction to a published figure is a new revision."
    )
    is_current = models.BooleanField(
        default=True, editable=False, help_text="The latest revision for its period."
    )
    superseded = models.BooleanField(
        default=False, editable=False, help_text="A later revision has been published."
    )
    return_reason = models.TextField(
        blank=True, help_text="Why the performance team returned it to its officer."
    )
    corrects_figure = models.BooleanField(
        default=False,
        editable=False,
        help_text="A later revision whose figure differs from the one published before "
        '(printed "revised"); one that only changes the commentary does not.',
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Counts saves, so two editors cannot overwrite."
    )
    judged_rag = models.CharField(
        "rating by judgement",
        max_length=5,
        blank=True,
        choices=[(rag.value, rag.label) for rag in Rag],
        help_text="The performance team's rating, when it is not the one computed.",
    )
    judgement_reason = models.CharField(
        "reason for the judgement",
        max_length=300,
        blank=True,
        help_text="Why the figure is rated as judged, printed beside the rating.",
    )
    history = HistoricalRecords()

    objects = ValueQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period_end", "period_start", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "revision"], name="one_value_per_revision"
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(is_current=True),
                name="one_current_value_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {self.period}: {self.display}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # A figure or count that is not a number at all is reported by clean_fields.
        if (self.value is None or isinstance(self.value, Decimal)) and (
            self.count is None or isinstance(self.count, Decimal)
        ):
            known = self.indicator_id is not None
            for problem in figure_problems(
                self.value,
                self.count,
                self.missing_reason,
                unit=self.indicator.unit if known else None,
                out_of=self.indicator.score_out_of if known else None,
            ):
                errors.setdefault(problem.field, problem.sentence)
        if self.judged_rag and not self.judgement_reason.strip():
            errors["judgement_reason"] = "Give the reason for the judgement."
        if self.judged_rag and self.value is None:
            errors["judged_rag"] = "A missing figure cannot be rated."
        if self.judgement_reason.strip() and not self.judged_rag:
            errors["judged_rag"] = "Choose the rating the reason is for."
        if errors:
            raise ValidationError(errors)

    @property
    def display(self) -> str:
        text = self.indicator.format(
            self.value, count=self.count, missing_reason=self.missing_reason
        )
        return f"{text} (revised)" if self.is_revised else text

    @property
    def is_revised(self) -> bool:
        """A published correction of a figure published before."""
        return self.corrects_figure and self.state == ValueState.PUBLISHED


class Publication(models.Model):
    """The performance team's publication of a quarter's signed-off figures."""

    quarter = PeriodField(period_kind=periods.FINANCIAL_QUARTER)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="publications"
    )
    figures = models.PositiveIntegerField(help_text="How many figures it published.")

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.quarter} published {self.published_at:%d %b %Y %H:%M}"


class CommentaryQuerySet(models.QuerySet):
    def published(self) -> "CommentaryQuerySet":
        """Commentary members and the public may see: that of each published figure. It is
        drafted, submitted, signed off and published with its figure, never before."""
        return self.filter(figure__state=ValueState.PUBLISHED, figure__superseded=False)


def published_commentary() -> models.Prefetch:
    """Prefetches each indicator's published commentary as `published_commentary`."""
    return models.Prefetch(
        "commentaries",
        queryset=Commentary.objects.published(),
        to_attr="published_commentary",
    )


class Commentary(models.Model):
    """An officer's commentary on one revision of a figure: issues, causes and actions
    (Markdown). A change to the commentary of a published figure is a new revision of the
    figure, so it goes through sign-off as a corrected figure does."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="commentaries")
    period = PeriodField(
        help_text="The period it speaks for: its figure's, or the quarter of the report."
    )
    figure = models.OneToOneField(
        "Value",
        on_delete=models.CASCADE,
        related_name="commentary",
        null=True,
        editable=False,
        help_text="The revision of the figure it is published with; none: never shown.",
    )
    issues = models.TextField(blank=True, help_text="What the figures show.")
    causes = models.TextField(blank=True, help_text="Why.")
    actions = models.TextField(blank=True, help_text="What is being done about it.")
    history = HistoricalRecords()

    objects = CommentaryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "commentaries"

    def __str__(self) -> str:
        return f"{self.indicator.reference} commentary {self.period}"

    def clean(self) -> None:
        if not self.said:
            raise ValidationError("Write at least one of issues, causes or actions.")

    @property
    def said(self) -> bool:
        return bool(self.issues.strip() or self.causes.strip() or self.actions.strip())

    @property
    def text(self) -> tuple[str, str, str]:
        return (self.issues, self.causes, self.actions)


class Target(models.Model):
    """A target for an indicator: year-end, profiled, baseline-relative, range or stretch."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = PeriodField(
        period_kind=periods.FINANCIAL_YEAR, help_text='The financial year, e.g. "2017/18".'
    )
    kind = models.CharField(max_length=10, choices=_choices(TargetKind))
    period = PeriodField(
        null=True,
        blank=True,
        help_text="For a profiled target: the period it applies to (year to date).",
    )
    value = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    low = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    high = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    baseline = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=6)
    change = models.DecimalField(
        null=True, blank=True, max_digits=20, decimal_places=6, help_text="e.g. 5 for 5%"
    )
    change_is_percent = models.BooleanField(default=True)
    increase = models.BooleanField(
        default=True, help_text="For a baseline target: increase (ticked) or reduce."
    )
    baseline_year = PeriodField(
        null=True,
        blank=True,
        period_kind=periods.FINANCIAL_YEAR,
        help_text='For a baseline target: the year the baseline is from, e.g. "2021/22".',
    )
    phased_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="For a baseline target: the years the change is phased over, e.g. 3.",
    )
    by_year = PeriodField(
        null=True,
        blank=True,
        period_kind=periods.FINANCIAL_YEAR,
        verbose_name="by",
        help_text='For a stretch goal: the year it should be met by, e.g. "2025/26".',
    )
    is_demo = models.BooleanField(
        default=False, help_text="An illustrative target of the demo council."
    )
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(period__isnull=True),
                name="one_year_target_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(period__isnull=False),
                name="one_profiled_target_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} target {self.year}"

    def spec(self) -> TargetSpec:
        kind = TargetKind(self.kind)
        if kind is TargetKind.YEAR_END:
            return TargetSpec.year_end(self.value)
        if kind is TargetKind.PROFILED:
            return TargetSpec.profiled(self.value)
        if kind is TargetKind.BASELINE:
            return TargetSpec.relative_to_baseline(
                baseline=self.baseline,
                change=self.change,
                percent=self.change_is_percent,
                increase=self.increase,
                baseline_year=self.baseline_year.label if self.baseline_year else "",
                by=self.year.label if self.baseline_year or self.phased_years else "",
                phased_years=self.phased_years,
            )
        if kind is TargetKind.RANGE:
            return TargetSpec.between(self.low, self.high)
        if kind is TargetKind.STRETCH:
            return TargetSpec.stretch(self.value, by=self.by_year.label if self.by_year else "")
        return TargetSpec.none()

    def clean(self) -> None:
        if not self.kind:
            return
        try:
            self.spec()
        except TargetError as error:
            field = error.field if error.field in {f.name for f in self._meta.fields} else None
            raise ValidationError({field: str(error)} if field else str(error)) from None
        errors = {}
        if self.kind == TargetKind.PROFILED:
            if self.period is None:
                errors["period"] = "A profiled target needs the period it applies to."
            elif self.year is not None and self.period.financial_year != self.year:
                errors["period"] = f"{self.period} is not in the financial year {self.year}."
        elif self.period is not None:
            errors["period"] = "Only a profiled target applies to a single period."
        if self.kind == TargetKind.STRETCH and self.by_year is None:
            errors["by_year"] = 'A stretch goal needs the year it should be met by, e.g. "2025/26".'
        if self.kind != TargetKind.BASELINE:
            if self.baseline_year is not None:
                errors["baseline_year"] = "Only a baseline target has a baseline year."
            if self.phased_years is not None:
                errors["phased_years"] = "Only a baseline target is phased over years."
        elif (
            self.baseline_year is not None
            and self.year is not None
            and not (self.baseline_year < self.year)
        ):
            errors["baseline_year"] = (
                f"The baseline year ({self.baseline_year}) must come before the target's "
                f"year ({self.year})."
            )
        if errors:
            raise ValidationError(errors)


class ProcessChange(PeriodDatesMixin):
    """A change to how a service works, recorded by the performance team: statistical
    process control works out the mean and limits afresh from its period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="process_changes"
    )
    period = PeriodField(help_text='The first period under the new process, e.g. "Q3 2019/20".')
    reason = models.CharField(
        max_length=300, help_text="What changed, as the chart's note will say it."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="one_process_change_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} process change from {self.period}"

    def clean(self) -> None:
        if not self.reason.strip():
            raise ValidationError({"reason": "Say what changed in the process."})


class Comparator(PeriodDatesMixin):
    """A benchmark for an indicator's period, as papers print it: the England average, a
    region's, neighbours', a named peer group's, and the council's rank among them."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparators")
    period = PeriodField(help_text="The reporting period the comparison is shown for.")
    kind = models.CharField(max_length=30, choices=ComparatorKind.choices)
    name = models.CharField(
        max_length=100,
        blank=True,
        help_text='As papers print it: "East Midlands average", "CIPFA nearest neighbours", '
        '"County councils". Empty: "England average", "Statistical neighbours" or "Nearest '
        'neighbours" by its kind; a region or a peer group must be named.',
    )
    value = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, blank=True, help_text="Empty for a rank alone."
    )
    value_period = models.CharField(
        max_length=50, blank=True, help_text='The comparator\'s own period if different: "2014-17".'
    )
    rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="The council's place among them, as published: 110."
    )
    rank_of = models.PositiveIntegerField(
        "out of", null=True, blank=True, help_text="How many were ranked: 150."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text='Where the figure is from: "DfE, March 2018".'
    )
    lower_ci = models.DecimalField(
        "95% CI lower limit",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="The published 95% confidence interval's lower limit, if any: 13.1.",
    )
    upper_ci = models.DecimalField(
        "95% CI upper limit",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Its upper limit: 14.5.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_end", "kind", "name"]
        constraints = [
            # One column per name on the scorecard: "England average" and "england
            # average" would be two columns for the same benchmark.
            models.UniqueConstraint(
                models.F("indicator"),
                models.F("period"),
                Lower("name"),
                name="one_comparator_per_name_in_any_case",
                violation_error_message=(
                    "This indicator already has a comparator of this name for this period "
                    "(names are matched whatever their case)."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.reference} {self.label} {self.period}"

    @property
    def label(self) -> str:
        return self.name or COMPARATOR_NAMES.get(self.kind, self.get_kind_display())

    @property
    def order(self) -> tuple:
        return (COMPARATOR_ORDER.get(self.kind, len(COMPARATOR_ORDER)), self.label.lower())

    def clean_name(self) -> None:
        """The name as printed, spaces tidied; a kind's own when none is given."""
        self.name = " ".join(self.name.split())
        if not self.name and self.kind in COMPARATOR_NAMES:
            self.name = COMPARATOR_NAMES[self.kind]
        if not self.name and self.kind:
            example = '"East Midlands average"' if self.kind == "region" else '"County councils"'
            raise ValidationError(
                {
                    "name": f"Name the {self.get_kind_display().lower()} as papers print "
                    f"it, e.g. {example}."
                }
            )

    def clean(self) -> None:
        errors = {}
        try:
            self.clean_name()
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.value is None and self.rank is None:
            errors["value"] = "Give the comparator's figure, or the council's rank, or both."
        if (self.rank is None) != (self.rank_of is None):
            errors["rank_of" if self.rank is not None else "rank"] = (
                'A rank is printed with how many were ranked: "110 of 150"; give both.'
            )
        elif self.rank is not None and not 1 <= self.rank <= self.rank_of:
            errors["rank"] = f"A rank of {self.rank} out of {self.rank_of} is not possible."
        errors.update(self._interval_errors())
        if "name" not in errors and (duplicate := self._same_name_held()):
            errors["name"] = (
                f'"{duplicate.name}" is already held for {self.period}: names are matched '
                "whatever their case, so change that comparator rather than add another."
            )
        if errors:
            raise ValidationError(errors)

    def _interval_errors(self) -> dict[str, str]:
        lower, upper = self.lower_ci, self.upper_ci
        if lower is None and upper is None:
            return {}
        if lower is None or upper is None:
            return {
                "lower_ci" if lower is None else "upper_ci": "A 95% confidence interval is "
                'printed with both its limits, "13.1 to 14.5": give both.'
            }
        if self.value is None:
            return {"value": "A confidence interval is printed around a figure: give the figure."}
        if lower > self.value:
            return {
                "lower_ci": f"The lower limit {lower.normalize():f} is above the figure "
                f"{self.value.normalize():f}: an interval contains its figure."
            }
        if upper < self.value:
            return {
                "upper_ci": f"The upper limit {upper.normalize():f} is below the figure "
                f"{self.value.normalize():f}: an interval contains its figure."
            }
        return {}

    def _same_name_held(self) -> "Comparator | None":
        if self.indicator_id is None or self.period is None or not self.name:
            return None
        return (
            Comparator.objects.filter(
                indicator_id=self.indicator_id, period=self.period, name__iexact=self.name
            )
            .exclude(pk=self.pk)
            .first()
        )

    @property
    def interval(self) -> tuple[Decimal, Decimal] | None:
        """The published 95% confidence interval (lower, upper), if one was given."""
        if self.lower_ci is None or self.upper_ci is None:
            return None
        return (self.lower_ci, self.upper_ci)

    @property
    def standing(self) -> str:
        """The published rank as printed: "110th of 150", or ""."""
        if self.rank is None or self.rank_of is None:
            return ""
        return f"{ordinal(self.rank)} of {self.rank_of}"
