"""The demo council: indicators and figures transcribed from the council's published
Quarter 3 and Quarter 4 2017/18 performance reports (fixtures/demo_council.json), and one
demo user per role."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from indicators import roles, services
from indicators.models import Scorecard, Section, Service
from indicators.periods import FINANCIAL_YEAR, parse_period

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_council.json"
DEMO_PASSWORD = "scorecard-demo"


@dataclass(frozen=True)
class DemoUser:
    """A demo login and the role it demonstrates."""

    username: str
    first_name: str
    last_name: str
    role: str | None
    is_staff: bool
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser("officer", "Alex", "Morgan", roles.OFFICER, True),
    DemoUser("officer2", "Sam", "Patel", roles.OFFICER, True),
    DemoUser("performance", "Jo", "Walker", roles.PERFORMANCE_TEAM, True),
    DemoUser("member", "Pat", "Green", roles.COMMITTEE_MEMBER, False),
    DemoUser("clerk", "Chris", "Hall", roles.CLERK, True),
    DemoUser("admin", "Site", "Administrator", None, True, True),
)


def _decimal(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def ensure_users() -> dict:
    roles.ensure_role_groups()
    users = {}
    for demo in DEMO_USERS:
        user, _ = get_user_model().objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@example.org"
        user.is_staff, user.is_superuser = demo.is_staff, demo.is_superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        if demo.role:
            user.groups.set([Group.objects.get(name=demo.role)])
        users[demo.username] = user
    return users


def load_indicator(item: dict, sections, service_rows, users, *, order: int, counts: dict, by):
    """One indicator of a demo file with its figures, commentary and targets."""
    tolerance = item.get("tolerance") or {}
    indicator = services.save_indicator(
        reference=item["reference"],
        title=item["title"],
        definition=item.get("definition", ""),
        group=item.get("group", ""),
        section=sections[item["section"]],
        service=service_rows[item["service"]],
        owner=users[item["owner"]],
        unit=item["unit"],
        decimal_places=item["decimal_places"],
        rate_per=item.get("rate_per"),
        score_out_of=_decimal(item.get("score_out_of")),
        polarity=item["polarity"],
        frequency=item["frequency"],
        reporting_lag=item.get("reporting_lag", 0),
        aggregation=item.get("aggregation", "mean"),
        data_source=item.get("data_source", ""),
        tolerance_kind=tolerance.get("kind", ""),
        tolerance_amount=_decimal(tolerance.get("amount")),
        order=order,
        by=by,
    )
    counts["indicators"] = counts.get("indicators", 0) + 1
    kind_for = {"academic_year": "academic_year"}.get(item["frequency"])
    for value in item["values"]:
        services.record_value(
            indicator=indicator,
            period=parse_period(value["period"], kind=_kind(value["period"], kind_for)),
            value=_decimal(value["value"]),
            count=_decimal(value.get("count")),
            status=value.get("status", "final"),
            missing_reason=value.get("missing_reason", ""),
            qualifier=value.get("qualifier", ""),
            by=by,
        )
        counts["values"] = counts.get("values", 0) + 1
    for comparator in item.get("comparators", []):
        services.record_comparator(
            indicator=indicator,
            period=parse_period(comparator["period"], kind=_kind(comparator["period"], kind_for)),
            kind=comparator["kind"],
            name=comparator.get("name", ""),
            value=Decimal(comparator["value"]),
            value_period=comparator.get("value_period", ""),
            by=by,
        )
        counts["comparators"] = counts.get("comparators", 0) + 1
    for note in item.get("commentary", []):
        services.write_commentary(
            indicator=indicator,
            period=parse_period(note["period"]),
            issues=note.get("issues", ""),
            causes=note.get("causes", ""),
            actions=note.get("actions", ""),
            by=by,
        )
        counts["commentaries"] = counts.get("commentaries", 0) + 1
    for target in item.get("targets", []):
        _set_target(indicator, target, by)
        counts["targets"] = counts.get("targets", 0) + 1
    for year in item.get("scorecards", []):
        scorecard, _ = Scorecard.objects.get_or_create(year=parse_period(year, kind=FINANCIAL_YEAR))
        scorecard.indicators.add(indicator)
    return indicator


def _kind(text: str, kind_for: str | None) -> str | None:
    """Academic-year indicators write their years like financial years ("2016/17")."""
    if kind_for is None:
        return None
    try:
        parse_period(text, kind=kind_for)
    except ValueError:
        return None
    return kind_for


def _set_target(indicator, target: dict, by):
    return services.set_target(
        indicator=indicator,
        year=parse_period(target["year"], kind=FINANCIAL_YEAR),
        period=parse_period(target["period"]) if target.get("period") else None,
        kind=target["kind"],
        value=_decimal(target.get("value")),
        low=_decimal(target.get("low")),
        high=_decimal(target.get("high")),
        baseline=_decimal(target.get("baseline")),
        change=_decimal(target.get("change")),
        change_is_percent=target.get("change_is_percent", True),
        increase=target.get("increase", True),
        by_year=parse_period(target["by"], kind=FINANCIAL_YEAR) if target.get("by") else None,
        is_demo=target.get("demo", True),
        note=target.get("note", ""),
        by=by,
    )


def load_indicators(data: dict, users: dict, *, counts: dict, by) -> tuple[dict, dict]:
    """The demo file's sections, services and indicators with their figures; returns the
    sections and services by name, for the recovery plans' indicators."""
    sections = {}
    for entry in data["sections"]:
        section, _ = Section.objects.update_or_create(
            name=entry["name"], defaults={"order": entry["order"]}
        )
        sections[section.name] = section
    service_rows = {name: Service.objects.get_or_create(name=name)[0] for name in data["services"]}
    for order, item in enumerate(data["indicators"], start=1):
        load_indicator(item, sections, service_rows, users, order=order, counts=counts, by=by)
    return sections, service_rows
