"""A meeting as an iCalendar (RFC 5545) event, for "Add to calendar"."""

from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Meeting, MeetingStatus


def meeting_event(meeting: Meeting, *, base_url: str) -> bytes:
    """One event: the committee, when it starts and where, with a link to the papers.
    Agendas give a start time only, so the event has no end (calendars show it as
    starting then). Its UID stays the same, so a moved meeting updates the entry."""
    url = base_url.rstrip("/") + meeting.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", "-//Scorecard//Committee meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@scorecard")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("summary", str(meeting.committee)[:250])
    event.add("location", meeting.venue)
    event.add("description", f"Agenda and papers: {url}")
    event.add("url", url)
    event.add("status", "CONFIRMED" if meeting.status != MeetingStatus.DRAFT else "TENTATIVE")
    calendar.add_component(event)
    return calendar.to_ical()
