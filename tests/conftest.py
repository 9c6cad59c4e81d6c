"""Personas and factories shared by every test.

Alice and Bob are officers who own different indicators, Priya is in the performance team,
Clara is a clerk and Martin a committee member.
"""

from decimal import Decimal

import pytest


def _user(username: str, role: str | None, *, staff: bool):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from indicators.roles import ensure_role_groups

    ensure_role_groups()
    user = get_user_model().objects.create_user(
        username=username, password="correct-horse-battery", is_staff=staff
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db):
    from indicators.roles import OFFICER

    return _user("alice", OFFICER, staff=True)


@pytest.fixture
def bob(db):
    from indicators.roles import OFFICER

    return _user("bob", OFFICER, staff=True)


@pytest.fixture
def priya(db):
    from indicators.roles import PERFORMANCE_TEAM

    return _user("priya", PERFORMANCE_TEAM, staff=True)


@pytest.fixture
def clara(db):
    from indicators.roles import CLERK

    return _user("clara", CLERK, staff=True)


@pytest.fixture
def martin(db):
    from indicators.roles import COMMITTEE_MEMBER

    return _user("martin", COMMITTEE_MEMBER, staff=False)


@pytest.fixture
def make_indicator(db):
    """Build a saved indicator; keyword arguments override the defaults."""
    from indicators.models import Section, Service
    from indicators.services import save_indicator

    counter = iter(range(1, 100_000))

    def make(**fields):
        number = next(counter)
        section = (
            fields.pop("section", None)
            or Section.objects.get_or_create(name="Start Well", defaults={"order": 1})[0]
        )
        service = (
            fields.pop("service", None)
            or Service.objects.get_or_create(name="Children's Social Care")[0]
        )
        defaults = {
            "title": f"Indicator {number}",
            "unit": "percentage",
            "decimal_places": 1,
            "polarity": "high",
            "frequency": "quarterly",
            "section": section,
            "service": service,
        }
        defaults.update(fields)
        reference = defaults.pop("reference", f"T{number:03d}")
        return save_indicator(reference=reference, **defaults)

    return make


@pytest.fixture
def d():
    """Decimal from text, to keep tables of figures short."""
    return Decimal
