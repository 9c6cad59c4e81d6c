"""Filters for agendas: Part I and Part II items, and page ranges as the front sheet prints
them."""

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
