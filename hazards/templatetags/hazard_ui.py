"""Template helpers for hazard pages."""

from django import template
from django.core.cache import cache
from django.utils import timezone

from hazards import services, table, versioning

register = template.Library()


@register.simple_tag(takes_context=True)
def hazard_queue_count(context) -> int:
    """How many hazards wait for a step this user may take (the 待我处理 badge)."""
    user = context["request"].user
    if not user.is_authenticated:
        return 0
    # Shown on every page: counted once per data version and day rather than per request.
    version = versioning.user_version(user)
    key = f"queue-count:{user.pk}:{version}:{timezone.localdate().isoformat()}"
    count = cache.get(key)
    if count is None:
        count = services.hazard_queue(user).count()
        cache.set(key, count, 3600)
    return count


@register.filter
def can_register(user) -> bool:
    return user.is_authenticated and user.has_role(*services.REGISTER_ROLES)


@register.simple_tag(takes_context=True)
def hazard_rows(context, page, queue=False):
    """The rows of the hazard list or the work queue (hazards.table draws them)."""
    return table.hazard_rows(page, query=context["request"].GET, queue=bool(queue))
