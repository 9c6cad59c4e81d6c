"""Committees, their meetings and agendas, the reports on them, and the packs issued."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from simple_history.models import HistoricalRecords

from indicators.fields import PeriodField
from indicators.models import Section
from indicators.periods import FINANCIAL_QUARTER

# Local Government Act 1972, Schedule 12A, Part 1: the descriptions of exempt information.
EXEMPT_PARAGRAPHS = [
    (1, "1. Information relating to any individual."),
    (2, "2. Information which is likely to reveal the identity of an individual."),
    (
        3,
        "3. Information relating to the financial or business affairs of any particular "
        "person (including the authority holding that information).",
    ),
    (
        4,
        "4. Information relating to any consultations or negotiations, or contemplated "
        "consultations or negotiations, in connection with any labour relations matter "
        "arising between the authority or a Minister of the Crown and employees of, or "
        "office holders under, the authority.",
    ),
    (
        5,
        "5. Information in respect of which a claim to legal professional privilege could "
        "be maintained in legal proceedings.",
    ),
    (
        6,
        "6. Information which reveals that the authority proposes to give a notice under "
        "any enactment or to make an order or direction under any enactment.",
    ),
    (
        7,
        "7. Information relating to any action taken or to be taken in connection with the "
        "prevention, investigation or prosecution of crime.",
    ),
]


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A councillor on the committee, by name as the minutes print it."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    chair = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["committee", "-chair", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} (Chair)" if self.chair else self.name


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    HELD = "held", "Held"


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField("Date and time")
    venue = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    signatory = models.CharField(
        max_length=200, blank=True, help_text="Who signs the agenda front sheet, e.g. L Sales."
    )
    signatory_title = models.CharField(
        max_length=200, blank=True, help_text="Their post, e.g. Director of Corporate Services."
    )
    address = models.CharField(max_length=200, default="County Hall\nPreston", blank=True)
    supplement_intro = models.TextField(
        blank=True,
        help_text="The opening of a supplementary agenda; a standard sentence when empty.",
    )
    minutes_approved_at = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_minutes_of",
        help_text="The meeting that confirmed these minutes.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.committee}, {self.date_text}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at)

    @property
    def date_text(self) -> str:
        """'Wednesday, 27 June 2018', as agendas print it."""
        return formats.date_format(self.local_start, "l, j F Y")

    @property
    def time_text(self) -> str:
        """'2.00 pm'."""
        start = self.local_start
        hour = start.hour % 12 or 12
        return f"{hour}.{start.minute:02d} {'am' if start.hour < 12 else 'pm'}"

    @property
    def is_published(self) -> bool:
        return self.status != MeetingStatus.DRAFT

    @property
    def apologies(self) -> list["Attendance"]:
        return [p for p in self.attendance.all() if p.attended == Attendance.Attended.APOLOGIES]

    def default_supplement_intro(self) -> str:
        return self.supplement_intro or (
            f"We are now able to enclose, for consideration at the next meeting of the "
            f"{self.committee} to be held on {self.date_text}, the following report(s)."
        )


class ItemKind(models.TextChoices):
    APOLOGIES = "apologies", "Apologies for absence"
    INTERESTS = "interests", "Disclosure of interests"
    MINUTES = "minutes", "Minutes of the last meeting"
    REPORT = "report", "Report"
    URGENT = "urgent", "Urgent business"
    NEXT_MEETING = "next_meeting", "Date of next meeting"


STANDARD_TITLES = {
    ItemKind.APOLOGIES: "Apologies for Absence",
    ItemKind.INTERESTS: "Disclosure of Pecuniary and Non-Pecuniary Interests",
    ItemKind.MINUTES: "Minutes of the last meeting",
    ItemKind.URGENT: "Urgent Business",
    ItemKind.NEXT_MEETING: "Date of Next Meeting",
}


class Part(models.IntegerChoices):
    ONE = 1, "Part I (open to press and public)"
    TWO = 2, "Part II (exempt)"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=15, choices=ItemKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Text printed under the item (Markdown).")
    part = models.PositiveSmallIntegerField(choices=Part.choices, default=Part.ONE)
    exempt_paragraph = models.PositiveSmallIntegerField(
        "Paragraph of Schedule 12A", choices=EXEMPT_PARAGRAPHS, null=True, blank=True
    )
    exempt_reason = models.TextField("Reason for inclusion in Part II", blank=True)
    supplementary = models.BooleanField(
        default=False, help_text="Added after the agenda was published."
    )
    minutes_of = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_items",
        help_text="For the minutes item: the meeting whose minutes are confirmed.",
    )
    minute = models.TextField(blank=True, help_text="What the minutes record (Markdown).")
    resolution = models.TextField(
        blank=True, help_text='The resolution, after "Resolved:" (Markdown).'
    )
    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up with every change to the item, its report or its appendices: "
        "a pack is published only if what it printed is still the latest.",
    )
    # The version is counted by the database (an F expression until saved), and says
    # nothing a reader of the history needs.
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_item_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # Counted by the database, so two writes at once make two changes.
            self.version = models.F("version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
        if self.pk is not None and not isinstance(self.version, int):
            self.refresh_from_db(fields=["version"])

    def get_absolute_url(self) -> str:
        return reverse("meetings:item", args=[self.meeting_id, self.number])

    @property
    def is_exempt(self) -> bool:
        return self.part == Part.TWO

    @property
    def has_pages(self) -> bool:
        """Whether the item brings papers into the pack: a report, or the minutes of a
        meeting that has been held."""
        return self.kind == ItemKind.REPORT or (
            self.kind == ItemKind.MINUTES
            and self.minutes_of_id is not None
            and self.minutes_of.status == MeetingStatus.HELD
        )


def changed(item) -> None:
    """Count a change to an agenda item's report or appendices as a change to the item."""
    AgendaItem.objects.filter(pk__in=[item] if isinstance(item, int) else item).update(
        version=models.F("version") + 1
    )


class Report(models.Model):
    """A committee report, with the parts every report has."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_reports",
        help_text="The officer who drafts the report.",
    )
    report_of = models.CharField(max_length=200, blank=True, help_text="e.g. Chief Executive")
    divisions = models.CharField("Electoral divisions affected", max_length=300, blank=True)
    contact = models.TextField("Contact for further information", blank=True)
    executive_summary = models.TextField(blank=True)
    recommendation = models.TextField(blank=True)
    background = models.TextField("Background and advice", blank=True)
    consultations = models.TextField(blank=True)
    implications_intro = models.TextField(
        blank=True, default="This item has the following implications, as indicated:"
    )
    risk_management = models.TextField(blank=True)
    financial = models.TextField(blank=True)
    legal = models.TextField(blank=True)
    equality = models.TextField(blank=True)
    background_papers = models.JSONField(
        default=list, blank=True, help_text="Rows of paper, date and contact."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self) -> str:
        return self.item.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        changed(self.item_id)

    @property
    def is_empty(self) -> bool:
        return not (self.executive_summary.strip() or self.background.strip())

    @property
    def implications(self) -> list[tuple[str, str]]:
        parts = [
            ("Risk management", self.risk_management),
            ("Financial", self.financial),
            ("Legal", self.legal),
            ("Equality and cohesion", self.equality),
        ]
        return [(name, text) for name, text in parts if text.strip()]

    @property
    def appendix_letters(self) -> str:
        """ "(Appendix 'A' refers)" or "(Appendices 'A' and 'B' refer)"."""
        letters = [f"'{a.letter}'" for a in self.appendices.all()]
        if not letters:
            return ""
        if len(letters) == 1:
            return f"(Appendix {letters[0]} refers)"
        return f"(Appendices {', '.join(letters[:-1])} and {letters[-1]} refer)"


class AppendixKind(models.TextChoices):
    UPLOAD = "upload", "Uploaded PDF"
    WRITTEN = "written", "Written appendix"
    PERFORMANCE = "performance", "Quarterly performance report (generated)"
    RISK_REGISTER = "risk_register", "Risk and opportunity register (generated)"
    RECOVERY_PLANS = "recovery_plans", "Recovery plans (generated)"


GENERATED_KINDS = {
    AppendixKind.PERFORMANCE,
    AppendixKind.RISK_REGISTER,
    AppendixKind.RECOVERY_PLANS,
}

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class Appendix(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="appendices")
    letter = models.CharField(max_length=3)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=AppendixKind.choices)
    file = models.FileField(upload_to="appendices/%Y/", blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(blank=True, help_text="A written appendix (Markdown).")
    quarter = PeriodField(null=True, blank=True, period_kind=FINANCIAL_QUARTER)
    sections = models.ManyToManyField(Section, blank=True, related_name="+")
    review = models.ForeignKey(
        "risks.Review", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plans = models.ManyToManyField("recovery_plans.RecoveryPlan", blank=True, related_name="+")
    frozen_html = models.TextField(blank=True, editable=False)
    frozen_figures = models.JSONField(default=dict, blank=True, editable=False)
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The frozen text and figures are whole rendered appendices: the history keeps when
    # they were frozen, not a copy of them in every row.
    history = HistoricalRecords(excluded_fields=["frozen_html", "frozen_figures"])

    class Meta:
        ordering = ["report", "letter"]
        verbose_name_plural = "appendices"
        constraints = [
            models.UniqueConstraint(fields=["report", "letter"], name="one_appendix_per_letter")
        ]

    def __str__(self) -> str:
        return f"Appendix '{self.letter}': {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        changed(self._item())

    def delete(self, *args, **kwargs):
        item = self._item()
        result = super().delete(*args, **kwargs)
        changed(item)
        return result

    def _item(self) -> list[int]:
        return list(
            AgendaItem.objects.filter(report__pk=self.report_id).values_list("pk", flat=True)
        )

    @property
    def is_generated(self) -> bool:
        return self.kind in GENERATED_KINDS

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def upload_pages(self) -> range:
        return range(self.page_count or 0)

    @property
    def landscape(self) -> bool:
        return self.kind == AppendixKind.RISK_REGISTER


def _appendix_choices_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Choosing an appendix's sections or plans writes only the join table: count it as a
    change to the appendix's item, as a save of the appendix is."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        changed(instance._item())
    elif pk_set:  # from a section's or plan's side: pk_set holds the appendices
        items = AgendaItem.objects.filter(report__appendices__pk__in=pk_set)
        changed(list(items.values_list("pk", flat=True)))


models.signals.m2m_changed.connect(_appendix_choices_changed, sender=Appendix.sections.through)
models.signals.m2m_changed.connect(_appendix_choices_changed, sender=Appendix.plans.through)


class IssueKind(models.TextChoices):
    AGENDA = "agenda", "Agenda"
    SUPPLEMENT = "supplement", "Supplementary agenda"


# What the clerk reads while the papers wait for their turn to be rendered.
QUEUED_STAGE = "Queued: rendering starts in a moment"


class IssueStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to render"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Published"
    FAILED = "failed", "Failed"


class PackIssue(models.Model):
    """One publication of a meeting's papers: the agenda, or a supplement with the re-issued
    pack. Its PDFs are rendered once by the task worker and served as files afterwards."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=IssueKind.choices)
    status = models.CharField(
        max_length=10, choices=IssueStatus.choices, default=IssueStatus.QUEUED
    )
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    items = models.JSONField(default=list, help_text="Numbers of the items it publishes.")
    versions = models.JSONField(
        default=dict, blank=True, help_text="The version of each item its render printed."
    )
    requeued = models.BooleanField(
        default=False, help_text="Queued again because an item changed while it rendered."
    )
    public_pack = models.FileField(upload_to="packs/%Y/", blank=True)
    full_pack = models.FileField(upload_to="packs/%Y/", blank=True)
    public_supplement = models.FileField(upload_to="packs/%Y/", blank=True)
    full_supplement = models.FileField(upload_to="packs/%Y/", blank=True)
    public_ranges = models.JSONField(default=dict, blank=True)
    full_ranges = models.JSONField(default=dict, blank=True)
    supplement_ranges = models.JSONField(default=dict, blank=True)
    full_supplement_ranges = models.JSONField(default=dict, blank=True)
    public_pages = models.PositiveIntegerField(default=0)
    full_pages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_issue_per_number"),
            # Two issues rendered at once would each publish the same new items.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(status__in=["queued", "rendering"]),
                name="one_issue_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} issue {self.number} of {self.meeting}"

    @property
    def is_ready(self) -> bool:
        return self.status == IssueStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (IssueStatus.QUEUED, IssueStatus.RENDERING)


class ItemPaper(models.Model):
    """One item of an issue as a PDF of its own, cut from the issue's pack (the public pack
    for a Part I item, the full one for Part II): the same pages with the same page numbers,
    so "page 12" means the same page in either."""

    issue = models.ForeignKey(PackIssue, on_delete=models.CASCADE, related_name="papers")
    number = models.PositiveSmallIntegerField(help_text="The agenda item's number.")
    file = models.FileField(upload_to="packs/%Y/")
    size = models.PositiveIntegerField(help_text="Bytes.")
    first_page = models.PositiveIntegerField()
    last_page = models.PositiveIntegerField()

    class Meta:
        ordering = ["issue", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="one_paper_per_item")
        ]

    def __str__(self) -> str:
        return f"Item {self.number} of {self.issue}"

    @property
    def pages(self) -> int:
        return self.last_page - self.first_page + 1


class Attendance(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        OFFICER = "officer", "Officer"
        OTHER = "other", "Also in attendance"

    class Attended(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    attended = models.CharField(max_length=10, choices=Attended.choices, default=Attended.PRESENT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_attended_display()}"
