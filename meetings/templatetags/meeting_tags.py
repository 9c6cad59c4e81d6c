"""Filters for agendas: Part I and Part II items, page ranges as the front sheet prints
them, and the size of a file as GOV.UK prints it beside a download."""

from django import template

register = template.Library()


@register.filter
def part_one(items):
    return [item for item in items if item.part == 1]


@register.filter
def part_two(items):
    return [item for item in items if item.part == 2]


def pages_text(pages) -> str:
    if not pages:
        return ""
    first, last = pages
    return f"(Page {first})" if first == last else f"(Pages {first} - {last})"


@register.filter
def item_range(ranges, item) -> str:
    """'(Pages 25 - 52)' for an item with papers in the pack, '' otherwise."""
    return pages_text((ranges or {}).get(str(item.number)))


@register.filter
def part_name(item) -> str:
    return "Part II" if item.part == 2 else "Part I"


def size_text(size: int | None) -> str:
    """'845 bytes', '245 KB', '1.2 MB': the size of a download as GOV.UK's attachments print
    it (1 KB is 1,024 bytes, as the reader's computer counts)."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.filter
def file_size(value) -> str:
    """The size of a stored file (a FieldFile) or of a number of bytes; '' if it is gone."""
    if isinstance(value, int):
        return size_text(value)
    try:
        return size_text(value.size)
    except (OSError, ValueError):
        return ""
