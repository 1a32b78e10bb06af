"""The unread count of the navbar bell."""

from .selectors import notifications_of


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that do not render the bell (API, downloads) never run the query.
    return {"unread_notifications": lambda: notifications_of(user, unread=True).count()}
