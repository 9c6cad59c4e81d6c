"""A lead's actions as an iCalendar (RFC 5545) feed, built with the icalendar library.

Each action with a deadline is an all-day event on the day it is due; actions without
one ("Ongoing", "From July 2013") have no day to put in a calendar and are left out.
"""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from recovery_plans.models import ActionStatus


def feed(lead, actions, *, base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Scorecard//Recovery plan actions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Recovery plan actions: {lead.name}")
    stamp = timezone.now()
    for action in actions:
        if action.due_on is None:
            continue
        url = base_url.rstrip("/") + action.plan.get_absolute_url() + f"#action-{action.number}"
        event = Event()
        event.add("uid", f"action-{action.pk}@scorecard")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due_on)
        event.add("dtend", action.due_on + timedelta(days=1))
        done = " (complete)" if action.status == ActionStatus.COMPLETE else ""
        event.add("summary", f"Due{done}: action {action.number} of {action.plan.title}"[:250])
        event.add(
            "description",
            f"{action.text}\n\nCompletion date: {action.completion}\n"
            f"Status: {action.get_status_display()}\n{url}",
        )
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
