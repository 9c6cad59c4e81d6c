"""The risk and opportunity register: entries store their factors, never their scores;
a quarterly review freezes every entry as it stood."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from indicators import periods
from indicators.fields import PeriodField
from risks import scoring

FACTOR = [MinValueValidator(1), MaxValueValidator(5)]


class RiskMatrix(models.Model):
    """The council's key to scores: level names, bands and the cover-report threshold."""

    impact_names = models.JSONField(default=list)
    likelihood_names = models.JSONField(default=list)
    opportunity_top_name = models.CharField(max_length=50, default="Outstanding")
    bands = models.JSONField(default=list, help_text='[{"name", "low", "high", "colour"}]')
    threshold = models.PositiveSmallIntegerField(
        default=12, help_text="Entries at or above this residual score go on the cover report."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "key to scores"
        verbose_name_plural = "key to scores"

    def __str__(self) -> str:
        return "Key to scores"

    @classmethod
    def current(cls) -> scoring.Matrix:
        row = cls.objects.order_by("pk").first()
        return row.matrix() if row else scoring.DEFAULT

    def matrix(self) -> scoring.Matrix:
        return scoring.Matrix(
            impact_names=tuple(self.impact_names),
            likelihood_names=tuple(self.likelihood_names),
            bands=tuple(scoring.Band(**band) for band in self.bands),
            threshold=self.threshold,
            opportunity_top_name=self.opportunity_top_name,
        )

    def clean(self) -> None:
        try:
            self.matrix()
        except (scoring.ScoreError, TypeError) as error:
            field = getattr(error, "field", "bands")
            field = field if field in {"bands", "threshold"} else "bands"
            raise ValidationError({field: str(error)}) from None


class RiskType(models.Model):
    """A kind of risk: Economic, Social, Legal/Political, Organisational, Reputational."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    RISK = "risk", "Risk"
    OPPORTUNITY = "opportunity", "Opportunity"


class EntryStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Scored(models.Model):
    """Impact and likelihood before and after mitigation; scores are their products."""

    inherent_impact = models.PositiveSmallIntegerField(validators=FACTOR)
    inherent_likelihood = models.PositiveSmallIntegerField(validators=FACTOR)
    residual_impact = models.PositiveSmallIntegerField(validators=FACTOR)
    residual_likelihood = models.PositiveSmallIntegerField(validators=FACTOR)

    class Meta:
        abstract = True

    @property
    def inherent_score(self) -> int:
        return self.inherent_impact * self.inherent_likelihood

    @property
    def residual_score(self) -> int:
        return self.residual_impact * self.residual_likelihood


class Entry(Scored):
    """A risk (CR1) or opportunity (CO1) on the corporate register."""

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.RISK)
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True, help_text="Numbered sub-parts as a list.")
    types = models.ManyToManyField(RiskType, blank=True, related_name="entries")
    consequences = models.TextField(
        blank=True, help_text="Possible consequences (risk) or possible benefits (opportunity)."
    )
    controls = models.TextField(
        blank=True, help_text="Current controls (risk) or progress to date (opportunity)."
    )
    actions = models.TextField(
        blank=True, help_text="Mitigating (risk) or maximising (opportunity) actions."
    )
    residual_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the residual score is above the inherent."
    )
    owner_title = models.CharField(max_length=150, help_text='As printed: "CMT".')
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_entries",
        help_text="The officer who keeps the entry up to date.",
    )
    travel_override = models.CharField(
        max_length=10, choices=[(t.value, t.label) for t in scoring.Travel], blank=True
    )
    travel_reason = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default="open")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-kind", "order", "reference"]  # risks, then opportunities
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        errors = {}
        factors = (
            ("inherent_impact", self.inherent_impact),
            ("inherent_likelihood", self.inherent_likelihood),
            ("residual_impact", self.residual_impact),
            ("residual_likelihood", self.residual_likelihood),
        )
        # Mitigation should lower a risk; maximising actions are meant to raise an
        # opportunity, so only a risk needs a reason for a higher residual score.
        if self.kind == Kind.RISK and all(isinstance(v, int) and 1 <= v <= 5 for _, v in factors):
            try:
                scoring.check_residual(
                    self.inherent_score, self.residual_score, self.residual_reason
                )
            except scoring.ScoreError as error:
                errors[error.field] = str(error)
        if self.travel_override and not self.travel_reason.strip():
            errors["travel_reason"] = "Say why the direction of travel is overridden."
        if self.status == EntryStatus.CLOSED and not (self.closed_on and self.closed_reason):
            errors["closed_reason"] = "A closed entry needs the date and the reason it closed."
        if errors:
            raise ValidationError(errors)


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Review(models.Model):
    """A quarterly review of the register; closing it freezes every entry as it stood."""

    quarter = PeriodField(unique=True, period_kind=periods.FINANCIAL_QUARTER)
    ends_on = models.DateField(editable=False, help_text="The quarter's last day, for order.")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default="open")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ends_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="open"), name="one_open_review"
            )
        ]

    def __str__(self) -> str:
        return f"Review {self.quarter}"

    def save(self, *args, **kwargs):
        self.ends_on = self.quarter.end
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        """For its URL: "2018-19-Q1"."""
        return f"{self.quarter.financial_year.label.replace('/', '-')}-Q{self.quarter.quarter}"


class ReviewEntry(Scored):
    """An entry as it stood when its review closed."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="entries")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="reviews")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=EntryStatus.choices)
    travel = models.CharField(max_length=10)
    actions = models.TextField(blank=True)
    data = models.JSONField(default=dict, help_text="Every other field, as it stood.")

    class Meta:
        ordering = ["review", "-kind", "entry__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "entry"], name="one_snapshot_per_review")
        ]

    def __str__(self) -> str:
        return f"{self.reference} at {self.review}"
