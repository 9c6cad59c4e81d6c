"""The layouts national comparator files are published in, recognised from their header:
Fingertips (OHID public health profiles) data CSV, the ASCOF open-data CSV, LG Inform's CSV
export and the scorecard's own long format. Each is read into the same rows (measure code,
area, period, value and, where published, the 95% confidence interval), keeping only the
headline rows and counting the breakdown rows left aside, by reason.

Plain Python, no Django: `comparators.imports` checks and saves what this reads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

# AreaKind values (comparators.models), kept as strings so this module needs no Django.
ENGLAND, REGION, LOCAL_AUTHORITY = "england", "region", "local_authority"

SCORECARD, FINGERTIPS, ASCOF, LG_INFORM = "scorecard", "Fingertips", "ASCOF", "LG Inform"

# The scorecard's own columns, by normalised header name (lower case, "_" and "-" as spaces).
COLUMNS = ("measure code", "area code", "area name", "area type", "period", "value")
ALIASES = {
    "measure": "measure code",
    "indicator code": "measure code",
    "type": "area type",
    "lower ci": "lower ci",
    "lower ci 95.0 limit": "lower ci",
    "lower 95% ci": "lower ci",
    "upper ci": "upper ci",
    "upper ci 95.0 limit": "upper ci",
    "upper 95% ci": "upper ci",
}
AREA_KINDS = {
    "england": ENGLAND,
    "country": ENGLAND,
    "national": ENGLAND,
    "region": REGION,
    "regional": REGION,
    "english region": REGION,
    "regions (statistical)": REGION,
    "local authority": LOCAL_AUTHORITY,
    "council": LOCAL_AUTHORITY,
    "county": LOCAL_AUTHORITY,
    "unitary authority": LOCAL_AUTHORITY,
    "metropolitan district": LOCAL_AUTHORITY,
    "london borough": LOCAL_AUTHORITY,
}
# Fingertips names its council geographies by the boundaries they follow:
# "County & UA (pre 4/19)", "Counties & UAs (from Apr 2021)", "Districts & UAs (from Apr
# 2021)", "Upper tier local authorities (4/23)".
_COUNCIL_TYPES = re.compile(
    r"^((count(y|ies)|districts?) & uas?|(upper|lower) tier local authorities)( \(.*\))?$"
)
# The first three characters of a GSS code: England, the English regions, the councils.
GSS_KINDS = {
    "E92": ENGLAND,
    "E12": REGION,
    "E06": LOCAL_AUTHORITY,
    "E07": LOCAL_AUTHORITY,
    "E08": LOCAL_AUTHORITY,
    "E09": LOCAL_AUTHORITY,
    "E10": LOCAL_AUTHORITY,
}


def normalise(header: str) -> str:
    name = re.sub(r"[\s_\-]+", " ", header.strip().lower())
    return ALIASES.get(name, name)


def area_kind(text: str) -> str:
    """England, region or local authority for an area type as publishers write it, or ""."""
    name = re.sub(r"[\s_\-]+", " ", text.strip().lower())
    kind = AREA_KINDS.get(name)
    if kind:
        return kind
    return LOCAL_AUTHORITY if _COUNCIL_TYPES.match(name) else ""


def normalise_period(text: str) -> str:
    """Periods as Fingertips writes them, in words `parse_period` reads. Pooled years are a
    window of whole months: "2018 - 20" is Jan 2018 to Dec 2020, "2018/19 - 20/21" April 2018
    to March 2021; "2019 Q3" is the calendar quarter Q3 2019."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d{2}|\d{4})", text)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if last < 100:
            last = first // 100 * 100 + last + (100 if last < first % 100 else 0)
        return f"Jan {first} - Dec {last}"
    match = re.fullmatch(r"(\d{4})/(\d{2})\s*-\s*(\d{2}|\d{4})/(\d{2})", text)
    if match:
        first, last = int(match.group(1)), int(match.group(4))  # the window ends in March
        last = first // 100 * 100 + last + (100 if last < first % 100 else 0)
        return f"Apr {first} - Mar {last}"
    match = re.fullmatch(r"(\d{4})\s+Q\s*(\d)", text, flags=re.IGNORECASE)
    if match:
        return f"Q{match.group(2)} {match.group(1)}"
    return text


def year_in_filename(filename: str) -> str | None:
    """The financial year an ASCOF file's name gives ("...-2019-20-open-data-csv.csv")."""
    match = re.search(r"(?<!\d)(20\d{2})[-_ ]?(?:to[-_ ]?)?(?:20)?(\d{2})(?!\d)", filename)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        return f"{match.group(1)}/{match.group(2)}"
    return None


class HeaderRefused(ValueError):
    """The header is not one of the layouts this reads."""


@dataclass
class LeftAside:
    """Rows of one kind of breakdown, left aside: how many, and the values seen."""

    reason: str
    rows: int = 0
    examples: dict[str, None] = field(default_factory=dict)  # insertion-ordered set

    def __str__(self) -> str:
        shown = list(self.examples)[:4]
        more = ", ..." if len(self.examples) > len(shown) else ""
        rows = f"{self.rows} row{'s' if self.rows != 1 else ''}"
        return f"{rows} {self.reason} ({', '.join(shown)}{more})"


# One headline row, as the checks need it: line, measure code, area code, area name, area
# type as written, area kind, period, value, lower and upper confidence limits. A plain
# tuple: a large file has 300,000 of them.
Row = tuple[int, str, str, str, str, str, str, str, str, str]


@dataclass
class Layout:
    """Where a format keeps each field, and which of its rows are headline figures."""

    name: str
    at: dict[str, int]  # field -> column position
    names: dict[str, str]  # field -> the file's own header text, for messages
    period: str | None = None  # the period of every row, when the file names it once
    # A row's (key, reason, example) when it is a breakdown, not a headline figure.
    breakdowns: Callable[[list[str]], tuple[str, str, str] | None] | None = None
    # Rows of area types that are not England, a region or a council are left aside
    # (publishers' files carry GPs, council types...) rather than reported as problems.
    lenient_areas: bool = False
    kind_of: Callable[[list[str]], tuple[str, str]] | None = None
    left_aside: dict[str, LeftAside] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max(self.at.values()) + 1

    def set_aside(self, key: str, reason: str, example: str) -> None:
        entry = self.left_aside.get(key)
        if entry is None:
            entry = self.left_aside[key] = LeftAside(reason)
        entry.rows += 1
        entry.examples.setdefault(example.strip() or "blank")

    def rows(self, reader, on_short: Callable[[int, int], None]) -> Iterator[Row]:
        """The headline rows; short rows go to `on_short(line, cells)`."""
        at, width, period = self.at, self.width, self.period
        i_code, i_area, i_name = at["measure code"], at["area code"], at["area name"]
        i_type, i_period, i_value = at.get("area type"), at.get("period"), at["value"]
        i_lower, i_upper = at.get("lower ci"), at.get("upper ci")
        breakdowns, kind_of, kinds = self.breakdowns, self.kind_of, {}
        for row in reader:
            if not "".join(row).strip():
                continue  # blank lines are harmless
            line = reader.line_num
            if len(row) < width:
                on_short(line, len(row))
                continue
            if breakdowns is not None:
                aside = breakdowns(row)
                if aside is not None:
                    self.set_aside(*aside)
                    continue
            if kind_of is not None:
                type_text, kind = kind_of(row)
            else:
                type_text = row[i_type]
                kind = kinds.get(type_text)
                if kind is None:
                    kind = kinds[type_text] = area_kind(type_text)
            if not kind and self.lenient_areas:
                self.set_aside(
                    "area type",
                    "of areas that are not England, a region or a council",
                    type_text,
                )
                continue
            yield (
                line,
                row[i_code].strip(),
                row[i_area].strip(),
                row[i_name].strip(),
                type_text,
                kind,
                period if period is not None else row[i_period].strip(),
                row[i_value].strip(),
                row[i_lower].strip() if i_lower is not None else "",
                row[i_upper].strip() if i_upper is not None else "",
            )


def _positions(header: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """The position of each field, by the first header cell of one of its names."""
    cells = [normalise(cell) for cell in header]
    found = {}
    for key, names in wanted.items():
        for name in names:  # the likeliest name first: "Metric type id" before "Metric"
            if name in cells:
                found[key] = cells.index(name)
                break
    return found


def _require(name: str, header: list[str], at: dict[str, int], wanted: dict) -> None:
    missing = [names[0] for key, names in wanted.items() if key not in at]
    if missing:
        raise HeaderRefused(
            f"The header looks like a {name} file, but it has no column "
            f"{', '.join(repr(m) for m in missing)}."
        )


# Fingertips data CSV (fingertips.phe.org.uk/api/all_data/csv/..., fingertipsR's
# fingertips_data(), fingertips_py's get_data_...): "Indicator ID", "Indicator Name",
# "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
# "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
# "Upper CI 95.0 limit", "Lower CI 99.8 limit", ..., "Time period Sortable", ...
_FINGERTIPS = {
    "measure code": ("indicator id",),
    "area code": ("area code",),
    "area name": ("area name",),
    "area type": ("area type",),
    "sex": ("sex",),
    "age": ("age",),
    "category type": ("category type",),
    "period": ("time period",),
    "value": ("value",),
}
_FINGERTIPS_CI = {"lower ci": ("lower ci",), "upper ci": ("upper ci",)}

# The ASCOF open-data CSV (NHS Digital, then DHSC on GOV.UK "How to use the CSV file"):
# "Geographical Code", "Geographical Description", "Geographical Level", "ONS Code",
# "ASCOF Measure Code", "Disaggregation Level", ["Measure Group"], "Measure Type",
# "Measure Value"; the year is in the file name, or a "Year" column.
_ASCOF = {
    "measure code": ("ascof measure code", "measure code"),
    "area code": ("ons code",),
    "area name": ("geographical description",),
    "area type": ("geographical level",),
    "disaggregation": ("disaggregation level",),
    "measure type": ("measure type",),
    "value": ("measure value",),
}
_ASCOF_OPTIONAL = {
    "measure group": ("measure group",),
    "period": ("year", "period", "financial year", "reporting period"),
}

# LG Inform's CSV download of a metric: the metric's id, the area's GSS code and name, the
# period and the value; the area's type is read from its GSS code.
_LG_INFORM = {
    "measure code": ("metric type id", "metric id", "metric type", "metric"),
    "area code": ("area code", "area", "gss code", "area gss code"),
    "area name": ("area name", "area label"),
    "period": ("period", "period label", "time period"),
    "value": ("value", "data value"),
}


# A measure code naming one sex of a Fingertips indicator: "90366 (Male)" takes the male
# rows of indicator 90366 (life expectancy at birth, male), which are otherwise left aside.
_SEX_CODE = re.compile(r"^(.+?)\s*\((persons|male|female)\)$", re.IGNORECASE)


def _fingertips(header: list[str], text: str, codes=()) -> Layout:
    by_sex = {}
    for wanted in codes:
        if match := _SEX_CODE.match(wanted):
            by_sex[(match.group(1).strip(), match.group(2).lower())] = wanted
    plain_codes = set(codes)
    sexed = {key[0] for key in by_sex}  # indicators some sex of which is taken
    at = _positions(header, _FINGERTIPS)
    _require(FINGERTIPS, header, at, _FINGERTIPS)
    at.update(_positions(header, _FINGERTIPS_CI))
    i_code, i_sex, i_age = at["measure code"], at["sex"], at["age"]
    i_category = at["category type"]
    # The headline of each indicator: Persons, or the one sex it is published for; "All
    # ages", or the one age band left, or the widest. Known only after a first reading.
    sexes: dict[str, dict[str, None]] = {}
    ages: dict[tuple[str, str], dict[str, None]] = {}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    for row in reader:
        if len(row) > max(i_code, i_sex, i_age, i_category) and not row[i_category].strip():
            code, sex = row[i_code].strip(), row[i_sex].strip()
            sexes.setdefault(code, {})[sex] = None
            ages.setdefault((code, sex), {})[row[i_age].strip()] = None
    headline_sex = {}
    for code, seen in sexes.items():
        persons = next((s for s in seen if s.lower() == "persons"), None)
        headline_sex[code] = persons or (next(iter(seen)) if len(seen) == 1 else None)
    headline_age = {
        key: _widest(list(seen))
        for key, seen in ages.items()
        if headline_sex.get(key[0]) == key[1] or (key[0], key[1].lower()) in by_sex
    }

    def breakdowns(row: list[str]) -> tuple[str, str, str] | None:
        category = row[i_category].strip()
        if category:
            return "category", "broken down by a category", category
        code, sex = row[i_code].strip(), row[i_sex].strip()
        chosen = by_sex.get((code, sex.lower()))
        if chosen is not None:
            if row[i_age].strip() != headline_age.get((code, sex)):
                return "age", "broken down by age band", row[i_age].strip()
            row[i_code] = chosen  # read as the code of the indicator that takes this sex
            return None
        headline = headline_sex.get(code)
        if headline is not None and code in sexed and code not in plain_codes:
            return "other sex", "of sexes no indicator takes", sex
        if headline is None:
            return (
                "no persons",
                "of indicators published by sex only, with no Persons figure",
                code,
            )
        if sex != headline:
            return "sex", "broken down by sex", sex
        age = row[i_age].strip()
        if age != headline_age.get((code, sex)):
            return "age", "broken down by age band", age
        return None

    names = {key: header[index].strip() for key, index in at.items()}
    return Layout(FINGERTIPS, at, names, breakdowns=breakdowns, lenient_areas=True)


def _widest(ages: list[str]) -> str:
    """The headline age band: "All ages", or the only one, or the widest ("18+ yrs" over
    "18-64 yrs" and "65+ yrs")."""
    for age in ages:
        if age.lower() == "all ages":
            return age
    if len(ages) == 1:
        return ages[0]

    def width(age: str) -> int:
        numbers = [int(n) for n in re.findall(r"\d+", age)]
        if "+" in age and numbers:
            return 120 - numbers[0]
        if age.startswith("<") and numbers:
            return numbers[0]
        if len(numbers) >= 2:
            return numbers[1] - numbers[0]
        return 0

    return max(ages, key=width)  # ties: the first published


def _ascof(header: list[str], filename: str) -> Layout:
    at = _positions(header, _ASCOF)
    _require(ASCOF, header, at, _ASCOF)
    at.update(_positions(header, _ASCOF_OPTIONAL))
    period = None
    if "period" not in at:
        period = year_in_filename(filename)
        if period is None:
            raise HeaderRefused(
                "The ASCOF file has no Year column and its name gives no year: name the file "
                'with its year (e.g. "ascof-2019-20.csv") or add a Year column.'
            )
    i_level, i_dis, i_type = at["area type"], at["disaggregation"], at["measure type"]
    i_group = at.get("measure group")

    def breakdowns(row: list[str]):
        level = row[i_level].strip()
        if level.lower().startswith("council type"):
            return "council type", "of council-type averages, not areas", level
        dis = row[i_dis].strip()
        group = row[i_group].strip() if i_group is not None else ""
        if dis.lower() != "total" or (group and group.lower() != "total"):
            # Earlier files name the breakdown (Gender) and put its value in Measure Group.
            shown = group if group and group.lower() != "total" else dis
            return "disaggregation", "broken down by age or sex", shown
        kind = row[i_type].strip()
        if kind.lower() != "outcome":
            return "measure type", "of bases, numerators and denominators", kind
        return None

    names = {key: header[index].strip() for key, index in at.items()}
    return Layout(ASCOF, at, names, period=period, breakdowns=breakdowns, lenient_areas=True)


def _lg_inform(header: list[str]) -> Layout:
    at = _positions(header, _LG_INFORM)
    _require(LG_INFORM, header, at, _LG_INFORM)
    i_area = at["area code"]

    def kind_of(row: list[str]) -> tuple[str, str]:
        code = row[i_area].strip()
        return code, GSS_KINDS.get(code[:3].upper(), "")

    names = {key: header[index].strip() for key, index in at.items()}
    names["area type"] = names["area code"]
    return Layout(LG_INFORM, at, names, kind_of=kind_of)


def _scorecard(header: list[str]) -> Layout:
    at: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = normalise(cell)
        if name in (*COLUMNS, "lower ci", "upper ci") and name not in at:
            at[name] = index
    missing = [name for name in COLUMNS if name not in at]
    if missing:
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            raise HeaderRefused(
                "The columns are not separated by commas. Save the file as CSV (comma delimited)."
            )
        raise HeaderRefused(
            "The first line must be the header of a Fingertips data file, an ASCOF open-data "
            "file, an LG Inform download, or name the columns "
            f"{', '.join(COLUMNS)}. Missing: {', '.join(missing)}."
        )
    return Layout(SCORECARD, at, {key: header[index].strip() for key, index in at.items()})


def detect(header: list[str], text: str, filename: str = "", codes=()) -> Layout:
    """The layout of a file from its header (`text` is the whole file, which Fingertips
    files are read twice from; `codes`, the measure codes mapped, say which sex of a
    Fingertips indicator feeds which one); HeaderRefused when it is none of them."""
    cells = {normalise(cell) for cell in header}
    if "indicator id" in cells and "time period" in cells:
        return _fingertips(header, text, codes)
    if "ascof measure code" in cells or "measure value" in cells:
        return _ascof(header, filename)
    if "measure code" not in cells and cells & set(_LG_INFORM["measure code"]):
        return _lg_inform(header)
    return _scorecard(header)
