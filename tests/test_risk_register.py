"""The register's entries, reviews and the demo register from the Q1 2018/19 report."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.periods import parse_period
from reporting.risks import changes_between
from risks.demo import load_register, register_rows
from risks.models import Entry, Review
from risks.services import close_review, open_review, save_entry

REPORT_SCORES = {
    "CR1": (20, 16),
    "CR2": (25, 16),
    "CR3": (25, 16),
    "CR4": (25, 16),
    "CR5": (16, 12),
    "CR6": (16, 12),
    "CR7": (16, 12),
    "CR8": (25, 16),
    "CR9": (20, 20),
    "CR10": (15, 12),
    "CR11": (20, 16),
    "CO1": (12, 16),
    "CO2": (12, 15),
    "CO3": (12, 16),
}


def risk(**fields) -> Entry:
    values = dict(
        reference="CR99",
        title="A risk",
        inherent_impact=4,
        inherent_likelihood=4,
        residual_impact=4,
        residual_likelihood=3,
        owner_title="CMT",
    )
    values.update(fields)
    return Entry(**values)


def test_the_report_text_gives_fourteen_entries_with_their_printed_scores():
    rows = register_rows()
    assert {r["reference"]: (int(r["score"]), int(r["residual"])) for r in rows} == REPORT_SCORES


def test_demo_register_scores_match_the_report(db):
    load_register()
    loaded = {e.reference: (e.inherent_score, e.residual_score) for e in Entry.objects.all()}
    assert loaded == REPORT_SCORES
    cr2 = Entry.objects.get(reference="CR2")
    assert cr2.title == "Protect and safeguard children"
    assert cr2.owner_title == "Director of Children's Services"
    assert "MASH (Multi-Agency Safeguarding Hub) arrangements strengthened" in cr2.controls
    assert [t.name for t in cr2.types.all()] == ["Social"]


def test_demo_reviews_show_what_changed(db):
    load_register()
    load_register()  # idempotent
    q1, q4 = Review.objects.all()
    assert (str(q1.quarter), str(q4.quarter)) == ("Q1 2018/19", "Q4 2017/18")
    changes = changes_between(q4, q1)
    assert [(c.reference, c.what, c.before, c.after) for c in changes] == [
        ("CR1", "added", None, 16),
        ("CO2", "rescored", 12, 15),
    ]
    travel = {s.reference: s.travel for s in q1.entries.all()}
    assert travel["CO2"] == "higher" and travel["CR1"] == "new" and travel["CR5"] == "level"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"inherent_impact": 6}, "inherent_impact", "less than or equal to 5"),
        ({"residual_likelihood": 0}, "residual_likelihood", "greater than or equal to 1"),
        ({"residual_impact": 5, "residual_likelihood": 5}, "residual_reason", "say why"),
        ({"travel_override": "lower"}, "travel_reason", "Say why the direction"),
        ({"status": "closed"}, "closed_reason", "date and the reason"),
    ],
)
def test_bad_entries_are_refused_naming_the_problem(db, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        save_entry(risk(**fields))
    assert message in " ".join(caught.value.message_dict[field])
    assert not Entry.objects.exists()


def test_an_opportunity_may_rise_after_maximising_actions(db):
    save_entry(risk(reference="CO9", kind="opportunity", residual_impact=5, residual_likelihood=5))
    assert Entry.objects.get().residual_score == 25


def test_a_reference_is_used_once(db):
    save_entry(risk())
    with pytest.raises(ValidationError, match="already exists"):
        save_entry(risk(title="Another"))


def test_only_one_review_is_open_at_a_time(db):
    review = open_review(quarter=parse_period("Q2 2018/19"))
    with pytest.raises(ValidationError, match="is still open"):
        open_review(quarter=parse_period("Q3 2018/19"))
    close_review(review)
    with pytest.raises(ValidationError, match="already closed"):
        close_review(review)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Review.objects.create(quarter=parse_period("Q3 2018/19"))
        Review.objects.create(quarter=parse_period("Q4 2018/19"))


def test_a_review_freezes_entries_as_they_stood(db):
    entry = save_entry(risk())
    review = open_review(quarter=parse_period("Q2 2018/19"))
    close_review(review)
    entry.residual_likelihood = 1
    save_entry(entry)
    frozen = review.entries.get()
    assert (frozen.residual_score, frozen.travel) == (12, "new")
