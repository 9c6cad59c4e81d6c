"""The only ways comparator settings are written: the council, measure mappings, groups."""

from django.db import transaction

from comparators.models import Area, ComparatorGroup, Measure
from indicators.models import Indicator


@transaction.atomic
def set_council(area: Area | None) -> None:
    """Make `area` the council this service reports for (None: no council chosen)."""
    Area.objects.filter(is_council=True).exclude(pk=area.pk if area else None).update(
        is_council=False
    )
    if area is not None and not area.is_council:
        area.is_council = True
        area.full_clean()
        area.save(update_fields=["is_council"])


@transaction.atomic
def save_measure(
    *, code: str, indicator: Indicator, name: str = "", measure: Measure | None = None
) -> Measure:
    """Map a published measure code to an indicator (or change a mapping)."""
    measure = measure or Measure.objects.filter(code=code).first() or Measure()
    measure.code, measure.indicator, measure.name = code.strip(), indicator, name.strip()
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def save_group(
    *,
    name: str,
    kind: str,
    members: list[Area],
    published_area: Area | None = None,
    published_note: str = "",
    order: int = 0,
    group: ComparatorGroup | None = None,
) -> ComparatorGroup:
    """Create or change a comparator group and its list of councils."""
    group = group or ComparatorGroup.objects.filter(name=name).first() or ComparatorGroup()
    group.name, group.kind, group.order = name.strip(), kind, order
    group.published_area, group.published_note = published_area, published_note.strip()
    group.full_clean()
    group.save()
    group.members.set(members)
    return group
