"""The only ways comparator settings are written: the council, measure mappings, groups."""

from django.core.exceptions import ValidationError
from django.db import transaction

from comparators.models import Area, ComparatorGroup, Measure, MeasureCode
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
    *,
    code: str,
    indicator: Indicator,
    name: str = "",
    measure: Measure | None = None,
    other_codes: list[str] | None = None,
) -> Measure:
    """Map a published measure code to an indicator (or change a mapping). `other_codes`
    (when given, the whole list) are other publishers' codes for the same measure."""
    measure = measure or Measure.objects.filter(code=code).first() or Measure()
    measure.code, measure.indicator, measure.name = code.strip(), indicator, name.strip()
    measure.full_clean()
    if other_codes is not None:
        codes = list(dict.fromkeys(c.strip() for c in other_codes if c.strip()))
        taken = clashing_codes([measure.code, *codes], measure=measure)
        if taken:
            raise ValidationError({"other_codes": taken})
    measure.save()
    if other_codes is not None:
        measure.other_codes.exclude(code__in=codes).delete()
        held = set(measure.other_codes.values_list("code", flat=True))
        for other in codes:
            if other not in held and other != measure.code:
                MeasureCode(measure=measure, code=other).full_clean(exclude=["measure"])
                MeasureCode.objects.create(measure=measure, code=other)
    return measure


def clashing_codes(codes: list[str], *, measure: Measure | None = None) -> list[str]:
    """Why some of `codes` cannot be this measure's: each is another measure's already."""
    mine = measure.pk if measure and measure.pk else None
    clashes = []
    for found in (
        Measure.objects.filter(code__in=codes).exclude(pk=mine).select_related("indicator")
    ):
        clashes.append(f"{found.code} is the code of {found.indicator.reference} already.")
    for found in (
        MeasureCode.objects.filter(code__in=codes)
        .exclude(measure_id=mine)
        .select_related("measure__indicator")
    ):
        clashes.append(f"{found.code} is a code of {found.measure.indicator.reference} already.")
    return clashes


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
