"""The demo council's national comparators: the North West councils' Adult Social Care
Survey results for 2011/12 that the 2012/13 recovery plans paper prints (seed 000,
"Comparative Data"), with the North West and England averages as published, in the long
CSV format national statistics use (fixtures/comparators_north_west_2011_12.csv)."""

import csv
from pathlib import Path

from django.conf import settings

from comparators import services
from comparators.imports import import_comparators
from comparators.models import Area, AreaKind, GroupKind
from indicators.models import Indicator

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "comparators_north_west_2011_12.csv"
COUNCIL = "E10000017"  # Lancashire
# ASCOF 2011/12: 1A social care-related quality of life; 3D finding information easy;
# 4B services make people feel safe and secure.
MEASURES = {
    "ASCOF 1A": ("CS13-05", "Social care-related quality of life"),
    "ASCOF 3D": ("CS13-06", "Service users and carers who find it easy to find information"),
    "ASCOF 4B": ("CS13-07", "Service users who say services make them feel safe and secure"),
}
WEIGHTED = (
    "The published average is not the simple mean of the councils' figures: it is most "
    "likely computed from the pooled survey responses of the whole region, where larger "
    "councils count for more, while the mean gives every council the same weight."
)


def load_comparators(*, by=None, path: Path = DEMO_FILE) -> dict[str, int]:
    """Map the three survey measures, import the figures, set up the North West and England
    groups and Lancashire as the council. Safe to run again: nothing is duplicated."""
    indicators = {
        i.reference: i
        for i in Indicator.objects.filter(reference__in=["CS13-05", "CS13-06", "CS13-07"])
    }
    for code, (reference, name) in MEASURES.items():
        if reference in indicators:
            services.save_measure(code=code, indicator=indicators[reference], name=name)
    result = import_comparators(path.read_bytes(), by=by, filename=path.name, skip_unknown=True)
    if not result.saved:
        raise ValueError(f"The demo comparators did not import: {result.problems[:3]}")
    services.set_council(Area.objects.get(code=COUNCIL))
    with path.open(encoding="utf-8-sig", newline="") as file:
        codes = {row["Area code"] for row in csv.DictReader(file)}
    councils = list(Area.objects.filter(kind=AreaKind.LOCAL_AUTHORITY, code__in=codes))
    services.save_group(
        name="North West",
        kind=GroupKind.REGION,
        members=councils,
        published_area=Area.objects.get(code="E12000002"),
        published_note=WEIGHTED,
        order=1,
    )
    services.save_group(
        name="England",
        kind=GroupKind.ENGLAND,
        members=[],
        published_area=Area.objects.get(code="E92000001"),
        published_note=WEIGHTED,
        order=2,
    )
    return {"comparator figures": result.imported}
