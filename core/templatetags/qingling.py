"""Template helpers shared by every app."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, field: str, label: str):
    current = context["request"].GET.get("ordering", "")
    if current == field:
        target, arrow = f"-{field}", "↑"
    elif current == f"-{field}":
        target, arrow = field, "↓"
    else:
        target, arrow = field, ""
    query = context["request"].GET.copy()
    query["ordering"] = target
    query.pop("page", None)
    return {"href": "?" + query.urlencode(), "label": label, "arrow": arrow}


@register.simple_tag
def page_window(page, each_side: int = 2) -> range:
    """Page numbers around the current one, without walking every page of a long list."""
    last = page.paginator.num_pages
    return range(max(page.number - each_side, 1), min(page.number + each_side, last) + 1)
