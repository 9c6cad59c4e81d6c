"""The demo council's register: every entry of Appendix A of the Q1 2018/19 Corporate Risk
and Opportunity Register, read from the report's text (fixtures/seeds), with a closed
Q4 2017/18 review before it so that "what changed" has something to show.

The report prints scores, not factors: each score gets the factors nearest the matrix's
diagonal (16 is 4 x 4, 12 is 4 x 3), which reproduce it exactly."""

import html
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from indicators.periods import parse_period
from risks import scoring
from risks.models import Entry, Kind, Review, RiskType
from risks.services import close_review, save_entry

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "001_q4_2017_18.txt"
COLUMNS = (
    "reference",
    "description",
    "types",
    "consequences",
    "controls",
    "score",
    "actions",
    "residual",
    "owner",
    "travel",
)
TRAVEL_WORDS = {"level": "level", "upwards": "higher", "downwards": "lower", "new": "new"}


def plain_text(fragment: str) -> str:
    """The report's cell HTML as text: paragraphs and list items on lines of their own."""
    text = re.sub(r"</p>\s*|<br\s*/?>", "\n", fragment)
    text = re.sub(r"<li[^>]*>", "\n• ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text).replace("•", "\n•")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    cleaned = [line for line in lines if line and line != "•"]
    return "\n".join(cleaned)


def register_rows(path: Path = SEED) -> list[dict[str, str]]:
    """The rows of Appendix A, one dict per entry, continuation lines joined on."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Risk Identification"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Key to Scores"))
    rows: list[dict[str, str]] = []
    for line in lines[start + 1 : end]:
        if not line.strip() or set(line.strip()) <= set("- \t") or "Identification" in line:
            continue
        cells = line.split("\t")
        reference = cells[0].strip().replace("C01", "CO1")  # the report misprints CO1
        if re.fullmatch(r"C[RO]\d+", reference) and len(cells) >= len(COLUMNS):
            rows.append(dict(zip(COLUMNS, [reference, *cells[1 : len(COLUMNS)]], strict=True)))
        elif rows and len(cells) >= len(COLUMNS):
            for name, extra in zip(COLUMNS[1:], cells[1 : len(COLUMNS)], strict=True):
                if extra.strip():
                    rows[-1][name] += " " + extra
        elif rows:
            # A line the report's layout split off CR1's first cell: its numbered sub-parts.
            rows[-1]["description"] += "</p><p>" + line
    return rows


@transaction.atomic
def load_register(owners: dict[str, object] | None = None) -> int:
    """Load (or refresh) the demo register and its reviews. Returns the number of entries."""
    rows = register_rows()
    previous_scores, new_entries = {}, set()
    for order, row in enumerate(rows, start=1):
        reference = row["reference"]
        description = plain_text(row["description"])
        title, _, rest = description.partition("\n")
        inherent = scoring.factors_for(int(row["score"]))
        residual = scoring.factors_for(int(row["residual"]))
        printed_travel = " ".join(row["travel"].split())
        travel = TRAVEL_WORDS.get(printed_travel.lower())
        entry = Entry.objects.filter(reference=reference).first() or Entry(reference=reference)
        entry.kind = Kind.OPPORTUNITY if reference.startswith("CO") else Kind.RISK
        entry.title = title.strip()
        entry.description = rest.strip()
        entry.consequences = plain_text(row["consequences"])
        entry.controls = plain_text(row["controls"])
        entry.actions = plain_text(row["actions"])
        entry.inherent_impact, entry.inherent_likelihood = inherent
        entry.residual_impact, entry.residual_likelihood = residual
        entry.owner_title = " ".join(row["owner"].split())
        entry.owner = (owners or {}).get(reference, (owners or {}).get("default"))
        entry.comment = "" if travel else printed_travel
        entry.order = order
        save_entry(entry)
        names = re.split(r"\s*/\s*|\s+(?=[A-Z])", " ".join(row["types"].split()))
        entry.types.set(
            RiskType.objects.get_or_create(name=name.strip().capitalize())[0]
            for name in names
            if name.strip()
        )
        # The previous review: the same residual score ("Level", or a comment), one band
        # lower where the report says the score went up.
        before = residual
        if travel == "higher":
            before = scoring.factors_for(12 if entry.residual_score > 12 else 9)
        previous_scores[entry.pk] = before
        if "new risk" in printed_travel.lower():
            new_entries.add(entry.pk)
    q4, q1 = parse_period("Q4 2017/18"), parse_period("Q1 2018/19")
    if not Review.objects.filter(quarter=q4).exists():
        current = {e.pk: (e.residual_impact, e.residual_likelihood) for e in Entry.objects.all()}
        review = Review.objects.create(quarter=q4)
        for entry in Entry.objects.all():
            entry.residual_impact, entry.residual_likelihood = previous_scores[entry.pk]
            entry.save(update_fields=["residual_impact", "residual_likelihood"])
        close_review(review)
        review.entries.filter(entry_id__in=new_entries).delete()  # not yet on the register
        for entry in Entry.objects.all():
            entry.residual_impact, entry.residual_likelihood = current[entry.pk]
            entry.save(update_fields=["residual_impact", "residual_likelihood"])
    if not Review.objects.filter(quarter=q1).exists():
        close_review(Review.objects.create(quarter=q1))
    return len(rows)
