"""Forms for clerks and report authors: meetings, agenda items, reports, appendices and
minutes. Each refuses what it cannot use with a message naming the field."""

from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.fields import PeriodFormField
from indicators.models import Section
from indicators.periods import FINANCIAL_QUARTER
from indicators.roles import OFFICER, PERFORMANCE_TEAM
from meetings.models import (
    EXEMPT_PARAGRAPHS,
    MAX_UPLOAD_BYTES,
    AppendixKind,
    Attendance,
    Committee,
    ItemKind,
    Meeting,
    Part,
)
from meetings.uploads import check_pdf
from recovery_plans.models import RecoveryPlan
from risks.models import Review
from scorecard.dates import GovukDateField
from scorecard.forms import GovukForm


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class MeetingForm(GovukForm):
    committee = forms.ModelChoiceField(Committee.objects.all(), empty_label=None)
    date = GovukDateField(label="Date", help_text="For example 27 6 2018.")
    time = forms.TimeField(widget=TimeInput(), help_text="For example 14:00.")
    venue = forms.CharField(max_length=300)
    signatory = forms.CharField(
        label="Signed by", max_length=200, required=False, help_text="For example L Sales."
    )
    signatory_title = forms.CharField(
        label="Their post",
        max_length=200,
        required=False,
        help_text="For example Director of Corporate Services.",
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(datetime.combine(data["date"], data["time"]))
        return data


class ItemForm(GovukForm):
    number = forms.IntegerField(
        min_value=1,
        max_value=99,
        help_text="In a draft agenda, the items from this number on move down one.",
    )
    kind = forms.ChoiceField(
        label="Kind of item", choices=ItemKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(max_length=300)
    body = forms.CharField(
        label="Text under the item",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Printed on the agenda under the title (Markdown).",
    )
    part = forms.TypedChoiceField(
        choices=Part.choices, coerce=int, initial=Part.ONE, widget=forms.RadioSelect
    )
    exempt_paragraph = forms.TypedChoiceField(
        label="Paragraph of Schedule 12A (Part II only)",
        choices=[("", "Not exempt")] + EXEMPT_PARAGRAPHS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    exempt_reason = forms.CharField(
        label="Reason for inclusion in Part II",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    author = forms.ModelChoiceField(
        get_user_model().objects.none(),
        label="Report author",
        required=False,
        help_text="The officer who drafts the report (reports only).",
    )
    minutes_of = forms.ModelChoiceField(
        Meeting.objects.none(),
        label="Minutes of",
        required=False,
        help_text="For the minutes item: the meeting whose minutes are to be confirmed.",
    )

    # A report asks for its author, the minutes item for the meeting it confirms, and a
    # Part II item for its paragraph of Schedule 12A and the reason.
    REVEALS = {
        "kind": {ItemKind.REPORT: ["author"], ItemKind.MINUTES: ["minutes_of"]},
        "part": {str(Part.TWO): ["exempt_paragraph", "exempt_reason"]},
    }

    def kind_choices(self):
        return self.revealing("kind")

    def part_choices(self):
        return self.revealing("part")

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[OFFICER, PERFORMANCE_TEAM])
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["author"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["minutes_of"].queryset = Meeting.objects.filter(
            committee=meeting.committee, starts_at__lt=meeting.starts_at
        ).select_related("committee")

    def clean(self):
        data = super().clean()
        if data.get("part") == Part.TWO:
            if not data.get("exempt_paragraph"):
                self.add_error(
                    "exempt_paragraph", "Choose the paragraph of Schedule 12A that applies."
                )
            if not (data.get("exempt_reason") or "").strip():
                self.add_error("exempt_reason", "Say why the item is exempt.")
        elif data.get("part") == Part.ONE:
            data["exempt_paragraph"], data["exempt_reason"] = None, ""
        if data.get("kind") != ItemKind.REPORT:
            data.pop("author", None)
        if data.get("kind") != ItemKind.MINUTES:
            data["minutes_of"] = None
        return data


class ReportForm(GovukForm):
    report_of = forms.CharField(
        label="Report of", max_length=200, help_text="For example Chief Executive."
    )
    divisions = forms.CharField(
        label="Electoral divisions affected", max_length=300, help_text="For example All."
    )
    contact = forms.CharField(
        label="Contact for further information",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Name, post, telephone and e-mail.",
    )
    executive_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown. The scorecard can draft highlights and concerns from the "
        "figures: Scorecard, then “Draft an executive summary from these figures”.",
    )
    recommendation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    background = forms.CharField(
        label="Background and advice", widget=forms.Textarea(attrs={"rows": 12})
    )
    consultations = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    implications_intro = forms.CharField(
        label="Implications: introduction",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    risk_management = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    financial = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    equality = forms.CharField(
        label="Equality and cohesion", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    background_papers = forms.CharField(
        label="List of background papers",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One paper per line: paper | date | contact.",
    )

    def clean_background_papers(self) -> list[dict]:
        papers = []
        lines = self.cleaned_data["background_papers"].splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) != 3 or not cells[0]:
                raise forms.ValidationError(
                    f"Line {number} needs a paper, a date and a contact separated by |, "
                    f'for example "Report to Cabinet | 26 February 2013 | Michael Walder".'
                )
            papers.append({"paper": cells[0], "date": cells[1], "contact": cells[2]})
        return papers

    @staticmethod
    def initial_for(report) -> dict:
        initial = {name: getattr(report, name) for name in ReportForm.base_fields}
        initial["background_papers"] = "\n".join(
            f"{p['paper']} | {p['date']} | {p['contact']}" for p in report.background_papers
        )
        return initial


class AppendixForm(GovukForm):
    letter = forms.RegexField(
        regex=r"^[A-Z]{1,2}$",
        max_length=2,
        error_messages={"invalid": "Use a capital letter, for example A."},
        help_text="As the report refers to it: A, B, C…",
    )
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(
        label="What it is", choices=AppendixKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label="PDF (uploaded appendix)",
        required=False,
        help_text="A PDF of at most 20 MB, without a password.",
    )
    body = forms.CharField(
        label="Text (written appendix)",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    quarter = PeriodFormField(
        label="Quarter (performance report)", period_kind=FINANCIAL_QUARTER, required=False
    )
    sections = forms.ModelMultipleChoiceField(
        Section.objects.order_by("order"),
        label="Sections (performance report)",
        help_text="None ticked means every section.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    review = forms.ModelChoiceField(
        Review.objects.all(), label="Review (risk register)", required=False
    )
    plans = forms.ModelMultipleChoiceField(
        RecoveryPlan.objects.order_by("title"),
        label="Recovery plans",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"
        self.fields["file"].widget.attrs["accept"] = "application/pdf"

    # The fields each kind of appendix asks for, revealed under its choice.
    REVEALS = {
        "kind": {
            AppendixKind.UPLOAD: ["file"],
            AppendixKind.WRITTEN: ["body"],
            AppendixKind.PERFORMANCE: ["quarter", "sections"],
            AppendixKind.RISK_REGISTER: ["review"],
            AppendixKind.RECOVERY_PLANS: ["plans"],
        }
    }

    def kind_choices(self):
        return self.revealing("kind")

    def clean_letter(self):
        letter = self.cleaned_data["letter"]
        if self.report.appendices.filter(letter=letter).exists():
            raise forms.ValidationError(f"This report already has an Appendix '{letter}'.")
        return letter

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        upload = data.get("file")
        if kind == AppendixKind.UPLOAD:
            if not upload:
                self.add_error("file", "Choose the PDF to upload.")
            elif upload.size > MAX_UPLOAD_BYTES:
                self.add_error(
                    "file",
                    f"The file is {upload.size / 1024 / 1024:.1f} MB; appendices can be at "
                    "most 20 MB.",
                )
            else:
                data["file_bytes"] = upload.read()
                try:
                    data["page_count"] = check_pdf(data["file_bytes"], name="The file")
                except forms.ValidationError as error:
                    self.add_error("file", error)
        elif kind == AppendixKind.WRITTEN and not (data.get("body") or "").strip():
            self.add_error("body", "Write the appendix.")
        elif kind == AppendixKind.PERFORMANCE and not data.get("quarter"):
            self.add_error("quarter", "Give the quarter, for example Q4 2017/18.")
        elif kind == AppendixKind.RISK_REGISTER and not data.get("review"):
            self.add_error("review", "Choose the review of the register.")
        elif kind == AppendixKind.RECOVERY_PLANS and not data.get("plans"):
            self.add_error("plans", "Choose at least one recovery plan.")
        return data


class MinutesForm(GovukForm):
    """Attendance, then the minute and resolution of each item."""

    attendance = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "One person per line: name | role (chair, member, officer, other) | "
            "present, apologies or absent."
        ),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(meeting.items.all())
        for item in self.items:
            self.fields[f"minute_{item.number}"] = forms.CharField(
                label=f"{item.number}. {item.title}: minute",
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=item.minute,
            )
            self.fields[f"resolution_{item.number}"] = forms.CharField(
                label=f"{item.number}. {item.title}: resolved",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=item.resolution,
                help_text='The words after "Resolved:", e.g. "That the Cabinet Committee '
                'note the report."',
            )
        self.fields["attendance"].initial = "\n".join(
            f"{p.name} | {p.role} | {p.attended}" for p in meeting.attendance.all()
        )

    def clean_attendance(self) -> list[dict]:
        people = []
        roles = dict(Attendance.Role.choices)
        attended = dict(Attendance.Attended.choices)
        for number, line in enumerate(self.cleaned_data["attendance"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip().lower() for cell in line.split("|")]
            name = line.split("|")[0].strip()
            if len(cells) != 3 or not name:
                raise forms.ValidationError(
                    f"Line {number} needs a name, a role and whether they attended, separated "
                    'by |, for example "County Councillor A Atkinson | member | present".'
                )
            if cells[1] not in roles:
                raise forms.ValidationError(
                    f'Line {number}: "{cells[1]}" is not a role; use chair, member, officer or '
                    "other."
                )
            if cells[2] not in attended:
                raise forms.ValidationError(
                    f'Line {number}: "{cells[2]}" should be present, apologies or absent.'
                )
            people.append({"name": name, "role": cells[1], "attended": cells[2]})
        if not people:
            raise forms.ValidationError("List who attended.")
        return people

    def minutes(self) -> dict[int, dict]:
        return {
            item.number: {
                "minute": self.cleaned_data.get(f"minute_{item.number}", ""),
                "resolution": self.cleaned_data.get(f"resolution_{item.number}", ""),
            }
            for item in self.items
        }
