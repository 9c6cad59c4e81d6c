"""Onboarding a council: its whole catalogue of indicators, their targets and their history
in one workbook, imported all or nothing and exported in the same format.

One importer (`import_catalogue`) serves `manage.py import_catalogue` and the upload page;
a dry run computes exactly what a real import would write, and writes nothing. The file
checks, the reading and the reporting by sheet and cell are the return workbook's
(`spreadsheets.workbooks`); the writes are bulk, in one transaction, with history naming the
importing user, so the number of queries does not grow with the number of rows.
"""

from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Lower

from indicators.formatting import Unit
from indicators.models import (
    Aggregation,
    Commentary,
    Comparator,
    Frequency,
    Indicator,
    Section,
    Service,
    Target,
    Value,
    ValueState,
    ValueStatus,
)
from indicators.numbers import FigureError, figure_problems, with_count
from indicators.roles import OFFICER
from onboarding import catalogue_cells as cells
from onboarding.catalogue_format import (  # noqa: F401  (the format's public names, here too)
    AGGREGATION_WORDS,
    ALL_SHEETS,
    CATALOGUE,
    CATALOGUE_FIELDS,
    COMPARATORS,
    FIELD_COLUMNS,
    FREQUENCY_WORDS,
    HISTORY,
    KIND_COLUMNS,
    KIND_WORDS,
    OPTIONAL_LAST,
    SHEETS,
    TARGET_FIELDS,
    TARGETS,
    UNIT_LABELS,
    UNIT_WORDS,
    build_catalogue_workbook,
    catalogue_row,
    comparator_kind,
    comparator_name,
    comparator_row,
    export_catalogue,
    plain,
    read_rank,
    target_row,
)
from published_rows.services import EVERY_INDICATOR, refresh_indicators, refreshed_once
from published_rows.tasks import store_published_quarters
from scorecard.bulk import create_objects_with_history, create_with_history, update_with_history
from spreadsheets import excel_cells
from spreadsheets.workbooks import Problem, cell_text, column_letter, read_workbook

# Reading ------------------------------------------------------------------------------------

# The History sheet's column for each field a figure's problem can be in.
COLUMNS = {"value": "Figure", "missing_reason": "Or why it is missing", "count": "Count"}


class _Sheet:
    """A sheet's rows as dictionaries by heading, with each cell's address."""

    def __init__(self, name: str, rows: list[list], problems: list[Problem]):
        self.name, self.rows, self.problems = name, rows, problems
        self.headers = [header for header, _ in ALL_SHEETS[name]]
        self.letters = {h: column_letter(i) for i, h in enumerate(self.headers)}
        found = [cell_text(c) for c in rows[0][: len(self.headers)]] if rows else []
        found += [""] * (len(self.headers) - len(found))
        self.ok = bool(rows) and found == self.headers
        # A workbook made before the sheet's last columns were added reads as it always
        # did: those columns read as empty.
        self.without_last = 0
        optional = OPTIONAL_LAST.get(name, ())
        for count in range(1, len(optional) + 1):
            kept = len(self.headers) - count
            if (
                rows
                and not self.ok
                and tuple(self.headers[kept:]) == optional[-count:]
                and found == self.headers[:kept] + [""] * count
            ):
                self.without_last = count
        self.ok = self.ok or bool(self.without_last)
        if rows and not self.ok:
            problems.append(
                Problem(
                    name,
                    "A1",
                    "",
                    "the headings are not those of the catalogue workbook: "
                    + ", ".join(self.headers),
                )
            )

    def lines(self):
        if not self.ok:
            return
        width = len(self.headers)
        headers, blank = self.headers, (None, "")
        for number, row in enumerate(self.rows[1:], start=2):
            values = row[:width] if len(row) >= width else row + [None] * (width - len(row))
            if self.without_last:
                values[-self.without_last :] = [None] * self.without_last
            # A row of empty cells, or of spaces only, is no row.
            if any(c not in blank for c in values) and any(cell_text(c) for c in values):
                yield number, dict(zip(headers, values, strict=True))

    def problem(self, header: str, number: int, reference: str, reason) -> None:
        self.problems.append(
            Problem(self.name, f"{self.letters[header]}{number}", reference, str(reason))
        )


# Planning: what the import would do ---------------------------------------------------------


@dataclass
class Change:
    """One column of an indicator that the import changes."""

    column: str
    old: str
    new: str


@dataclass
class IndicatorPlan:
    """What the import does to one indicator and the rows that belong to it."""

    reference: str
    title: str
    action: str = "unchanged"  # "created", "changed" or "unchanged"
    changes: list[Change] = field(default_factory=list)
    targets: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "changed": 0, "unchanged": 0}
    )
    history: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "changed": 0, "unchanged": 0}
    )
    comparators: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "changed": 0, "unchanged": 0}
    )


@dataclass
class CatalogueResult:
    """What an import did (or, dry, would do), or the problems that stopped it."""

    problems: list[Problem] = field(default_factory=list)
    indicators: list[IndicatorPlan] = field(default_factory=list)
    new_sections: list[str] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)
    created_owners: list[str] = field(default_factory=list)
    dry_run: bool = True

    def count(self, action: str) -> int:
        return sum(1 for plan in self.indicators if plan.action == action)

    def total(self, part: str, action: str) -> int:
        return sum(getattr(plan, part)[action] for plan in self.indicators)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"Indicators: {self.count('created')} new, {self.count('changed')} changed, "
            f"{self.count('unchanged')} left alone. Targets: "
            f"{self.total('targets', 'created')} new, {self.total('targets', 'changed')} "
            f"changed, {self.total('targets', 'unchanged')} unchanged. History figures: "
            f"{self.total('history', 'created')} new, {self.total('history', 'changed')} "
            f"changed, {self.total('history', 'unchanged')} unchanged. Comparators: "
            f"{self.total('comparators', 'created')} new, "
            f"{self.total('comparators', 'changed')} changed, "
            f"{self.total('comparators', 'unchanged')} unchanged. "
            f"Sections that {verb} created: {len(self.new_sections)}; services: "
            f"{len(self.new_services)}; owner accounts: {len(self.created_owners)}."
        )


@dataclass
class _Writes:
    users: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    services: list = field(default_factory=list)
    new_indicators: list = field(default_factory=list)
    changed_indicators: list = field(default_factory=list)
    indicator_fields: set = field(default_factory=set)
    new_targets: list = field(default_factory=list)
    changed_targets: list = field(default_factory=list)
    new_values: list = field(default_factory=list)
    changed_values: list = field(default_factory=list)  # (pk, version, entry of _same)
    new_notes: list = field(default_factory=list)
    changed_notes: list = field(default_factory=list)
    new_comparators: list = field(default_factory=list)
    changed_comparators: list = field(default_factory=list)


def import_catalogue(
    data: bytes, *, by, dry_run: bool = False, create_owners: bool = False
) -> CatalogueResult:
    """Check every cell of a catalogue workbook, then (unless a dry run) write everything
    in one transaction, or nothing. Raises ImportRefused for a file that is not a safe
    workbook."""
    sheets = read_workbook(data)
    result = CatalogueResult(dry_run=dry_run)
    writes = _plan(sheets, result, create_owners=create_owners)
    if result.problems or dry_run:
        return result
    try:
        _write(writes, by)
    except (IntegrityError, _Changed):
        # Someone saved figures or indicators of this workbook between the check and the
        # writes: the transaction is rolled back, and a new check will show the changes.
        result.problems.append(Problem("", "", "", CHANGED_MEANWHILE))
    return result


CHANGED_MEANWHILE = (
    "Scorecard changed while the workbook was being imported (someone saved figures or "
    "indicators it holds): nothing was saved. Check the workbook again, then import it."
)


class _Changed(Exception):
    """A figure the import corrects was saved by someone else after the check."""


def _plan(sheets: dict, result: CatalogueResult, *, create_owners: bool) -> _Writes:
    problems = result.problems
    missing = [name for name in SHEETS if name not in sheets]
    if missing:
        problems.append(
            Problem("", "", "", "the workbook has no sheet named " + " or ".join(missing))
        )
        return _Writes()
    catalogue = _Sheet("Catalogue", sheets["Catalogue"], problems)
    targets = _Sheet("Targets", sheets["Targets"], problems)
    history = _Sheet("History", sheets["History"], problems)
    comparators = _Sheet("Comparators", sheets.get("Comparators", []), problems)
    catalogue_lines = list(catalogue.lines())
    target_lines = list(targets.lines())
    history_lines = list(history.lines())
    comparator_lines = list(comparators.lines())
    references = {
        cell_text(line["Reference"])
        for _, line in catalogue_lines + target_lines + history_lines + comparator_lines
    } - {""}
    existing = {
        i.reference: i
        for i in Indicator.objects.filter(reference__in=references).select_related(
            "section", "service", "owner"
        )
    }
    writes = _Writes()
    indicators, plans, failed = _plan_indicators(
        catalogue, catalogue_lines, existing, result, writes, create_owners=create_owners
    )
    saved_ids = [i.pk for i in existing.values()]
    for reference, indicator in existing.items():
        if reference not in plans and reference not in failed:
            plans[reference] = IndicatorPlan(reference, indicator.title)
            indicators[reference] = indicator
    # The Targets and History rows of an indicator whose Catalogue row is wrong are checked
    # too, so that one upload lists every problem; they are only checked, never planned.
    _plan_targets(targets, target_lines, indicators, plans, saved_ids, writes, failed)
    _plan_history(history, history_lines, indicators, plans, saved_ids, writes, failed)
    _plan_comparators(comparators, comparator_lines, indicators, plans, saved_ids, writes, failed)
    result.indicators = sorted(plans.values(), key=lambda p: p.reference)
    result.indicators.sort(key=lambda p: ("created", "changed", "unchanged").index(p.action))
    return writes


def _named(model, names: set[str], writes_list: list, new_names: list[str], extra=None):
    """Rows of Section or Service by name (any case), planning the missing ones."""
    rows = {row.name.lower(): row for row in model.objects.all()}
    order = max((getattr(r, "order", 0) for r in rows.values()), default=0)
    for name in sorted(names, key=str.lower):
        if name.lower() not in rows:
            order += 1
            row = model(name=name, **({"order": order} if extra else {}))
            rows[name.lower()] = row
            writes_list.append(row)
            new_names.append(name)
    return rows


def _plan_indicators(sheet, lines, existing, result, writes, *, create_owners):
    problems = result.problems
    User = get_user_model()
    emails = {owner_address(cell_text(line["Owner e-mail"]))[1].lower() for _, line in lines} - {""}
    users: dict[str, list] = {}
    for user in User.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=emails):
        users.setdefault(user.lower_email, []).append(user)
    sections = _named(
        Section,
        {cell_text(line["Section"]) for _, line in lines} - {""},
        writes.sections,
        result.new_sections,
        extra=True,
    )
    services = _named(
        Service,
        {cell_text(line["Service"]) for _, line in lines} - {""},
        writes.services,
        result.new_services,
    )
    order = Indicator.objects.aggregate(last=Max("order"))["last"] or 0
    # failed: the reference of each Catalogue row with a problem -> the fields of the cells
    # that were read, against which its Targets and History rows are still checked.
    indicators, plans, seen, failed = {}, {}, {}, {}
    for number, line in lines:
        reference = cell_text(line["Reference"])
        before = len(problems)
        # A row without a reference, or repeating one, is refused; its other cells are
        # still read, so that their problems are listed now rather than after a re-upload.
        if not reference:
            sheet.problem("Reference", number, "", "give the indicator's reference")
        elif reference in seen:
            sheet.problem(
                "Reference",
                number,
                reference,
                f"duplicate reference: also on row {seen[reference]}",
            )
        else:
            seen[reference] = number
        first = reference and seen[reference] == number
        fields = {}
        readers = {
            "Title": lambda c: (
                cells.length(cell_text(c), Indicator, "title") or cells.required("a title")
            ),
            "Definition": cell_text,
            "Group": lambda c: cells.length(cell_text(c), Indicator, "group"),
            "Unit": lambda c: cells.word(cell_text(c), UNIT_WORDS, UNIT_LABELS, "unit"),
            "Decimal places": lambda c: cells.whole(c, high=6),
            "Rate per": lambda c: cells.whole(c, low=1, high=10**9, default=None),
            "Score out of": lambda c: cells.decimal(c, places=2),
            "Polarity": cells.polarity,
            "Frequency": lambda c: cells.word(
                cell_text(c), FREQUENCY_WORDS, dict(Frequency.choices), "frequency"
            ),
            "Reporting lag": lambda c: cells.whole(c, high=12),
            "Year to date": lambda c: cells.word(
                cell_text(c) or "mean",
                AGGREGATION_WORDS,
                dict(Aggregation.choices),
                "year-to-date rule",
            ),
            "Section": lambda c: sections.get(cell_text(c).lower()) or cells.required("a section"),
            "Service": lambda c: services.get(cell_text(c).lower()) or cells.required("a service"),
            "Owner e-mail": lambda c: _owner(c, users, result, writes, create_owners),
            "Data source": lambda c: cells.length(cell_text(c), Indicator, "data_source"),
            "RAG tolerance": cells.tolerance,
        }
        for header, read in readers.items():
            try:
                value = read(line[header])
            except cells.CellError as error:
                sheet.problem(header, number, reference, error)
                continue
            names = CATALOGUE_FIELDS[header]
            for name, part in zip(names, value if len(names) > 1 else [value], strict=True):
                fields[name] = part
        if len(problems) > before:
            if first:
                failed[reference] = fields
            continue
        indicator = existing.get(reference)
        old_row = catalogue_row(indicator) if indicator else None
        if indicator is None:
            order += 1
            indicator = Indicator(reference=reference, order=order)
        for name, value in fields.items():
            setattr(indicator, name, value)
        try:
            indicator.clean_fields(exclude=["section", "service", "owner", "order"])
            indicator.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = FIELD_COLUMNS.get(name, "Reference")
                for message in messages:
                    sheet.problem(column, number, reference, message.rstrip("."))
            if first:  # the fields at fault are not trusted for the other sheets' rows
                failed[reference] = {
                    name: value for name, value in fields.items() if name not in error.message_dict
                }
            continue
        plan = IndicatorPlan(reference, indicator.title)
        new_row = catalogue_row(indicator)
        if old_row is None:
            plan.action = "created"
            writes.new_indicators.append(indicator)
        else:
            for (header, _), old, new in zip(CATALOGUE, old_row, new_row, strict=True):
                if old != new:
                    plan.changes.append(Change(header, str(old), str(new)))
                    writes.indicator_fields.update(CATALOGUE_FIELDS[header])
            if plan.changes:
                plan.action = "changed"
                writes.changed_indicators.append(indicator)
        indicators[reference], plans[reference] = indicator, plan
    taken = set(
        User.objects.filter(username__in=[u.username for u in writes.users]).values_list(
            "username", flat=True
        )
        if writes.users
        else ()
    )
    for user in writes.users:
        if user.username in taken:
            problems.append(
                Problem(
                    "Catalogue",
                    "",
                    "",
                    f"an account named {user.username} exists with another e-mail: "
                    "give it that e-mail, or use the e-mail it has",
                )
            )
    return indicators, plans, failed


def owner_address(text: str) -> tuple[str, str]:
    """The name and e-mail of an accountable officer as a cell gives them: an address alone
    ("jane.smith@council.gov.uk") or with a name, as Outlook copies it ("Jane Smith
    <jane.smith@council.gov.uk>")."""
    name, email = parseaddr(text)
    if "<" not in text:
        return "", text.strip()
    return name.strip(), email.strip()


def _owner(cell, users, result, writes, create_owners):
    text = cell_text(cell)
    if not text:
        return None
    name, email = owner_address(text)
    if not email:
        raise cells.CellError(f"'{text}' is not an e-mail address")
    try:
        validate_email(email)
    except ValidationError:
        raise cells.CellError(f"'{email}' is not an e-mail address") from None
    found = users.get(email.lower(), [])
    if len(found) > 1:
        raise cells.CellError(f"{len(found)} accounts have the e-mail {email}; give each its own")
    if found:
        return found[0]
    if email.lower() not in result.unknown_owners:
        result.unknown_owners.append(email.lower())
    if not create_owners:
        raise cells.CellError(
            f"no account has the e-mail {email}: correct it, or ask for accounts to be "
            "created for unknown owners"
        )
    # An inactive account with no password: an administrator activates it and the officer
    # sets a password, so an import never opens a way in by itself.
    first, _, last = name.rpartition(" ") if " " in name else (name, "", "")
    user = get_user_model()(
        username=email.lower(),
        email=email,
        first_name=first[:150],
        last_name=last[:150],
        is_active=False,
    )
    user.set_unusable_password()
    users[email.lower()] = [user]
    writes.users.append(user)
    result.created_owners.append(email.lower())
    return user


def _plan_targets(sheet, lines, indicators, plans, saved_ids, writes, failed):
    held = {}
    for target in Target.objects.filter(indicator_id__in=saved_ids):
        held[(target.indicator_id, target.year, target.period)] = target
    seen = {}
    for number, line in lines:
        reference = cell_text(line["Reference"])
        indicator = indicators.get(reference)
        if indicator is None and reference in failed:
            indicator = Indicator(reference=reference)  # its Catalogue row is wrong: check only
        if indicator is None:
            _unknown(sheet, number, reference)
            continue
        row = _Row(sheet, number, reference, line)
        fields = {}
        year = row.read("Year", cells.year)
        kind = row.read("Kind", cells.kind)
        # Every cell of the row is read, whatever the year and kind; which columns the kind
        # leaves empty, and the target as a whole, are checked once those two are known.
        if kind is not None:
            for header in KIND_COLUMNS["all"] - KIND_COLUMNS[kind]:
                if cell_text(line[header]):
                    row.refuse(
                        header, f"a {KIND_WORDS[kind].lower()} target has no {header.lower()}"
                    )
        if reference in failed:
            # Its Catalogue row is wrong: a unit or frequency that could not be read doubts
            # no number or period that some unit or frequency would take.
            known = failed[reference]
            frequency = known.get("frequency", Frequency.ACADEMIC_YEAR)
            unit = Unit(known["unit"]) if "unit" in known else None
        else:
            frequency, unit = indicator.frequency, Unit(indicator.unit)
        period = row.read("Period", partial(cells.optional_period, frequency=frequency))
        for header, name in (
            ("Target", "value"),
            ("Low", "low"),
            ("High", "high"),
            ("Baseline", "baseline"),
        ):
            reader = partial(cells.target_number, unit=unit) if unit else cells.decimal
            fields[name] = row.read(header, reader)
        change = cell_text(line["Change"])
        fields["change_is_percent"] = change.endswith("%") or not change
        fields["change"] = row.read("Change", cells.change)
        fields["increase"] = row.read("Increase or reduce", cells.increase)
        fields["by_year"] = row.read("By", lambda c: cells.year(c) if cell_text(c) else None)
        fields["note"] = row.read("Note", lambda c: cells.length(cell_text(c), Target, "note"))
        if row.bad:
            continue
        if not _once(
            seen,
            (reference, year, period),
            sheet,
            "Year",
            number,
            reference,
            f"target for {period or year}",
        ):
            continue
        target = held.get((indicator.pk, year, period)) if indicator.pk else None
        old_row = target_row(target, reference) if target else None
        target = target or Target(indicator=indicator, year=year, period=period)
        target.kind = kind
        for name, value in fields.items():
            setattr(target, name, value)
        try:
            target.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = {"value": "Target", "by_year": "By", "period": "Period"}.get(
                    name, name.capitalize() if name.capitalize() in sheet.letters else "Kind"
                )
                for message in messages:
                    sheet.problem(column, number, reference, message.rstrip("."))
            continue
        if reference in failed:
            continue
        _tally(
            plans[reference].targets,
            target,
            old_row,
            target_row(target, reference),
            writes.new_targets,
            writes.changed_targets,
        )


def _plan_comparators(sheet, lines, indicators, plans, saved_ids, writes, failed):
    """Comparators matched by indicator, comparator name and period: new, changed or as
    held."""
    held = {
        (c.indicator_id, c.name.lower(), c.period): c
        for c in Comparator.objects.filter(indicator_id__in=saved_ids)
    }
    seen = {}
    for number, line in lines:
        reference = cell_text(line["Reference"])
        indicator = indicators.get(reference)
        if indicator is None and reference in failed:
            indicator = Indicator(reference=reference)  # its Catalogue row is wrong: check only
        if indicator is None:
            _unknown(sheet, number, reference)
            continue
        row = _Row(sheet, number, reference, line)
        kind = row.read("Kind", lambda c: comparator_kind(cell_text(c)) if cell_text(c) else "")
        named = row.read("Comparator", partial(_comparator_name, kind=kind or ""))
        kind, name = named or (None, "")
        if reference in failed:
            known = failed[reference]
            frequency = known.get("frequency", Frequency.ACADEMIC_YEAR)
            unit = Unit(known["unit"]) if "unit" in known else None
        else:
            frequency, unit = indicator.frequency, Unit(indicator.unit)
        period = row.read("Period", partial(cells.optional_period, frequency=frequency))
        if period is None and not row.bad:
            row.refuse("Period", "give the period it is shown with, e.g. Q3 2017/18")
        reader = partial(cells.target_number, unit=unit) if unit else cells.decimal
        value = row.read("Figure", reader)
        ranked = row.read("Rank", lambda c: read_rank(cell_text(c)))
        if value is None and ranked is None and not row.bad:
            row.refuse("Figure", "give the comparator's figure (or the council's Rank)")
        own = row.read(
            "Its own period", lambda c: cells.length(cell_text(c), Comparator, "value_period")
        )
        source = row.read("Source", lambda c: cells.length(cell_text(c), Comparator, "source"))
        limits = (row.read("Lower CI", reader), row.read("Upper CI", reader))
        if not row.bad:
            _check_interval(row, value, *limits)
        if row.bad or reference in failed:
            continue
        if not _once(
            seen,
            (reference, name.lower(), period),
            sheet,
            "Period",
            number,
            reference,
            f"{name} for {period}",
        ):
            continue
        comparator = held.get((indicator.pk, name.lower(), period)) if indicator.pk else None
        old_row = comparator_row(comparator, reference) if comparator else None
        comparator = comparator or Comparator(
            indicator=indicator,
            period=period,
            period_start=period.start,
            period_end=period.end,
        )
        comparator.kind, comparator.name = kind, name
        comparator.value, comparator.value_period = value, own
        comparator.rank, comparator.rank_of = ranked or (None, None)
        comparator.source = source
        comparator.lower_ci, comparator.upper_ci = limits
        _tally(
            plans[reference].comparators,
            comparator,
            old_row,
            comparator_row(comparator, reference),
            writes.new_comparators,
            writes.changed_comparators,
        )


def _check_interval(row, value, lower, upper) -> None:
    """A published 95% interval has both its limits and contains its figure."""
    if lower is None and upper is None:
        return
    if lower is None or upper is None:
        row.refuse(
            "Lower CI" if lower is None else "Upper CI",
            "a 95% confidence interval has two limits: give both Lower CI and Upper CI",
        )
    elif value is None:
        row.refuse("Figure", "a confidence interval is printed around a figure: give it")
    elif not lower <= value <= upper:
        row.refuse(
            "Lower CI" if lower > value else "Upper CI",
            f"the confidence interval {plain(lower)} to {plain(upper)} does not contain the "
            f"figure {plain(value)}",
        )


def _comparator_name(cell, *, kind: str) -> tuple[str, str]:
    kind, name = comparator_name(cell_text(cell), kind)
    return kind, cells.length(name, Comparator, "name")


def _once(seen: dict, key, sheet, column: str, number: int, reference: str, what: str) -> bool:
    """Whether this is the first row with `key`; a second is refused naming the first."""
    if key in seen:
        sheet.problem(column, number, reference, f"duplicate {what}: also on row {seen[key]}")
        return False
    seen[key] = number
    return True


def _tally(counts: dict, row, old: list | None, new: list, created: list, changed: list):
    """Count a planned row as created, changed or unchanged (by its sheet cells, before and
    after), and list it for writing when it is one of the first two."""
    if old is None:
        counts["created"] += 1
        created.append(row)
    elif old != new:
        counts["changed"] += 1
        changed.append(row)
    else:
        counts["unchanged"] += 1


class _Row:
    """One row being read: each reader's problem is listed against its cell."""

    def __init__(self, sheet: _Sheet, number: int, reference: str, line: dict):
        self.sheet, self.number, self.reference, self.line = sheet, number, reference, line
        self.bad = False

    def read(self, header: str, reader):
        try:
            return reader(self.line[header])
        except cells.CellError as error:
            self.refuse(header, error)

    def refuse(self, header: str, reason) -> None:
        self.sheet.problem(header, self.number, self.reference, reason)
        self.bad = True


def _unknown(sheet, number, reference):
    sheet.problem(
        "Reference",
        number,
        reference,
        f"'{reference}' is not an indicator of the Catalogue sheet or of Scorecard"
        if reference
        else "give the indicator's reference",
    )


HELD_FIELDS = (
    "pk",
    "indicator_id",
    "period",
    "value",
    "count",
    "missing_reason",
    "status",
    "qualifier",
    "state",
    "is_current",
    "superseded",
    "version",
)


def _plan_history(sheet, lines, indicators, plans, saved_ids, writes, failed):
    current, published = {}, {}
    # Tens of thousands of figures held: compared as plain rows, not model instances; the
    # few that change are read again as instances to be saved (_write).
    for value in (
        Value.objects.filter(indicator_id__in=saved_ids)
        .filter(Q(is_current=True) | Q(state=ValueState.PUBLISHED, superseded=False))
        .values_list(*HELD_FIELDS, named=True)
    ):
        key = (value.indicator_id, value.period)
        if value.is_current:
            current[key] = value
        if value.state == ValueState.PUBLISHED and not value.superseded:
            published[key] = value
    # Commentary belongs to a revision of its figure.
    notes = {
        c.figure_id: c
        for c in Commentary.objects.filter(indicator_id__in=saved_ids, figure__isnull=False)
    }
    statuses = {label.lower(): value for value, label in ValueStatus.choices}
    periods: dict = {}  # a workbook repeats the same few dozen periods thousands of times
    # What each row needs of its indicator, looked up once per indicator, not per row.
    facts = {
        reference: (
            indicator,
            indicator.pk,
            Unit(indicator.unit),
            indicator.frequency,
            indicator.score_out_of,
        )
        for reference, indicator in indicators.items()
    }
    # An indicator whose Catalogue row is wrong: its rows are checked against the cells of
    # that row that could be read. A unit or frequency that could not be read doubts no
    # figure or period that some unit or frequency would take.
    for reference, known in failed.items():
        frequency = known.get("frequency", Frequency.ACADEMIC_YEAR)
        unit = Unit(known["unit"]) if "unit" in known else None
        facts[reference] = (
            None,
            None,
            unit,
            frequency,
            known.get("score_out_of"),
        )
    seen = {}
    for number, line in lines:
        reference = cell_text(line["Reference"])
        if reference not in facts:
            _unknown(sheet, number, reference)
            continue
        indicator, pk, unit, frequency, out_of = facts[reference]
        bad = False  # every cell of the row is checked before the row is refused
        raw = line["Period"]
        cache_key = (type(raw), raw, frequency)  # the type: True is 1.0 to a dictionary
        try:
            if cache_key not in periods:
                periods[cache_key] = cells.period(raw, frequency=frequency)
            period = periods[cache_key]
        except cells.CellError as error:
            sheet.problem("Period", number, reference, error)
            bad = True
        value = count = None
        reason = cell_text(line["Or why it is missing"])
        figure = line["Figure"]
        if cell_text(figure):
            try:
                parsed = _parse_figure(figure, unit)
                value, count = parsed.value, parsed.count
                try:
                    # An unknown unit (its Catalogue row is wrong) doubts no count.
                    count = with_count(parsed, line["Count"], unit or Unit.PERCENTAGE).count
                except FigureError as error:
                    sheet.problem("Count", number, reference, str(error).rstrip("."))
                    bad = True
                cells.check_fits(value)
                if count is not None:
                    cells.check_fits(count, 0)
            except cells.CellError as error:
                sheet.problem("Figure", number, reference, str(error).rstrip("."))
                bad = True
        elif cell_text(line["Count"]):
            sheet.problem("Figure", number, reference, "give the figure that goes with the count")
            bad = True
        if value is not None or not (cell_text(figure) or cell_text(line["Count"])):
            for problem in figure_problems(value, count, reason, unit=unit, out_of=out_of):
                # A line with neither figure nor reason is missing its figure.
                column = "Figure" if value is None else COLUMNS[problem.field]
                sheet.problem(column, number, reference, problem.in_cell.rstrip("."))
                bad = True
        elif reason:
            sheet.problem(
                "Or why it is missing",
                number,
                reference,
                "give a figure or a reason it is missing, not both",
            )
            bad = True
        status_text = cell_text(line["Status"]).lower() or "final"
        if status_text not in statuses:
            sheet.problem(
                "Status",
                number,
                reference,
                f"'{cell_text(line['Status'])}' is not a status: "
                "use Provisional, Estimate or Final",
            )
            bad = True
        texts = {}
        for header, name in (
            ("Or why it is missing", "missing_reason"),
            ("Qualifier", "qualifier"),
        ):
            try:
                texts[name] = cells.length(cell_text(line[header]), Value, name)
            except cells.CellError as error:
                sheet.problem(header, number, reference, error)
        if bad or len(texts) < 2:
            continue
        key = (reference, period)
        if key in seen:
            sheet.problem(
                "Period",
                number,
                reference,
                f"duplicate figure for {period}: also on row {seen[key]}",
            )
            continue
        seen[key] = number
        if indicator is None:
            continue  # checked only: its Catalogue row is wrong
        entry = (value, count, texts["missing_reason"], statuses[status_text], texts["qualifier"])
        held_key = (pk, period)
        row = current.get(held_key) if pk else None
        outcome = "unchanged"
        if row is None:
            outcome = "created"
            # Historic figures were reported in past committee papers: they are final and
            # public, so they are written as published (revision 1) rather than sent through
            # draft, submission and sign-off again, as services.record_value does for
            # history. A figure of a period still being worked on in a return is left to the
            # return (below). A row of NEW_VALUE_FIELDS, with the indicator for its key.
            writes.new_values.append((indicator, period, period.start, period.end, *entry))
        elif _same(row, entry) or (
            row.state != ValueState.PUBLISHED
            and held_key in published
            and _same(published[held_key], entry)
        ):
            pass
        elif row.state != ValueState.PUBLISHED:
            sheet.problem(
                "Figure",
                number,
                reference,
                f"{period} is {ValueState(row.state).label.lower()} on the return; "
                "change it there, or leave this row as it was",
            )
            continue
        else:
            # A migrated history corrected during onboarding is edited in place, not made a
            # "(revised)" revision: the audit trail keeps the old figure and who changed it.
            writes.changed_values.append((row.pk, row.version, entry))
            outcome = "changed"
        text = tuple(cell_text(line[h]) for h in ("Issues", "Causes", "Actions"))
        if any(text):
            # Commentary is published with its figure: written with a new figure, corrected
            # in place with a published one (as the figure is), and left to the return
            # while a revision is being worked on there.
            shown = row if row is None or row.state == ValueState.PUBLISHED else None
            shown = shown or published.get(held_key)
            note = notes.get(shown.pk) if shown is not None else None
            held = (note.issues.strip(), note.causes.strip(), note.actions.strip()) if note else ()
            if held != text:
                if row is not None and row.state != ValueState.PUBLISHED:
                    sheet.problem(
                        "Issues",
                        number,
                        reference,
                        f"{period} is {ValueState(row.state).label.lower()} on the return; "
                        "change its commentary there, or leave this row as it was",
                    )
                    continue
                if note is None:
                    writes.new_notes.append((indicator, period, row.pk if row else None, *text))
                else:
                    note.issues, note.causes, note.actions = text
                    writes.changed_notes.append(note)
                outcome = "created" if outcome == "created" else "changed"
        plans[reference].history[outcome] += 1


def _parse_figure(cell, unit: Unit | None):
    """The cell's figure, read with its number format; for an indicator whose unit could
    not be read, a figure any unit would take (34.8%, £7.989m, 12 days), or the reason it is
    no figure at all."""
    if unit is not None:
        return excel_cells.figure(cell, unit)
    for other in Unit:
        try:
            return excel_cells.figure(cell, other)
        except excel_cells.CellError:
            pass
    return excel_cells.figure(cell, Unit.NUMBER)


def _same(value, entry: tuple) -> bool:
    """Whether a figure held (a row of HELD_FIELDS) is the workbook's entry."""
    return (
        value.value,
        value.count,
        value.missing_reason.strip(),
        value.status,
        value.qualifier.strip(),
    ) == entry


# Writing ------------------------------------------------------------------------------------

# The columns of the rows _plan_history writes: the entry of _same, after the period.
NEW_VALUE_FIELDS = (
    "indicator_id",
    "period",
    "period_start",
    "period_end",
    "value",
    "count",
    "missing_reason",
    "status",
    "qualifier",
)
NEW_NOTE_FIELDS = ("indicator_id", "period", "figure_id", "issues", "causes", "actions")


@transaction.atomic
@refreshed_once()
def _write(writes: _Writes, by) -> None:
    """Everything in bulk, in one transaction; history rows name the importing user."""
    User = get_user_model()
    if writes.users:
        User.objects.bulk_create(writes.users)
        officers = Group.objects.get(name=OFFICER)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=officers.pk) for u in writes.users]
        )
    if writes.sections:
        Section.objects.bulk_create(writes.sections)
    if writes.services:
        Service.objects.bulk_create(writes.services)
    create_objects_with_history(Indicator, writes.new_indicators, key=["reference"], by=by)
    update_with_history(
        Indicator, writes.changed_indicators, sorted(writes.indicator_fields), by=by
    )
    create_objects_with_history(
        Target, writes.new_targets, key=["indicator_id", "year", "period"], by=by
    )
    update_with_history(Target, writes.changed_targets, TARGET_FIELDS, by=by)
    # Tens of thousands of figures: plain rows, not model instances (scorecard.bulk).
    new_value_pks = create_with_history(
        Value,
        NEW_VALUE_FIELDS,
        [(indicator.pk, *row) for indicator, *row in writes.new_values],
        key=["indicator_id", "period", "revision"],
        by=by,
        constants={"state": ValueState.PUBLISHED},
    )
    if writes.changed_values:
        entries = {pk: (version, entry) for pk, version, entry in writes.changed_values}
        changed = list(Value.objects.select_for_update().filter(pk__in=entries))
        for row in changed:
            version, entry = entries[row.pk]
            if row.version != version:
                raise _Changed(row.pk)
            row.value, row.count, row.missing_reason, row.status, row.qualifier = entry
            row.version += 1
        update_with_history(
            Value,
            changed,
            ["value", "count", "missing_reason", "status", "qualifier", "version"],
            by=by,
        )
    # A new figure's commentary goes with the figure just written for its period.
    new_figures = {
        (indicator.pk, period): pk
        for (indicator, period, *_), pk in zip(writes.new_values, new_value_pks, strict=True)
    }
    create_with_history(
        Commentary,
        NEW_NOTE_FIELDS,
        [
            (indicator.pk, period, figure or new_figures[(indicator.pk, period)], *text)
            for indicator, period, figure, *text in writes.new_notes
        ],
        key=["figure_id"],
        by=by,
    )
    update_with_history(Commentary, writes.changed_notes, ["issues", "causes", "actions"], by=by)
    create_objects_with_history(
        Comparator, writes.new_comparators, key=["indicator_id", "name", "period"], by=by
    )
    update_with_history(
        Comparator,
        writes.changed_comparators,
        ["kind", "name", "value", "value_period", "rank", "rank_of", "source"]
        + ["lower_ci", "upper_ci"],
        by=by,
    )
    # Figures, targets and benchmarks of any indicator: the stored rows they reach; and the
    # quarters of a published history, stored by the task worker once the import commits.
    refresh_indicators(EVERY_INDICATOR)
    transaction.on_commit(store_published_quarters.enqueue)
