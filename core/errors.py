"""The one error every service raises, and how pages and the API show it.

A service refuses a step with ``ServiceError(message, kind=..., field=...)``. The message is a
sentence in Chinese for the user; ``kind`` says why, and decides the answer:

- ``input``: fix the form and retry (400);
- ``role``: this user's role may not do it (403);
- ``scope``: the object is outside the user's jurisdiction (404: never confirm it exists);
- ``state``: not in the object's current state (409);
- ``conflict``: clashes with something already done, such as a duplicate (409).

The API maps it once, in ``core.api.base.exception_handler``; HTML views put it on their form
with ``add_to_form`` or show it as a message with ``message_user``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum

from django.contrib import messages
from django.core.exceptions import ValidationError

log = logging.getLogger("qingling.refusals")


class Kind(StrEnum):
    INPUT = "input"
    ROLE = "role"
    SCOPE = "scope"
    STATE = "state"
    CONFLICT = "conflict"


HTTP_STATUS = {
    Kind.INPUT: 400,
    Kind.ROLE: 403,
    Kind.SCOPE: 404,
    Kind.STATE: 409,
    Kind.CONFLICT: 409,
}


class ServiceError(Exception):
    """A step that may not be taken, or bad input for it; the message is shown to the user."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = Kind.INPUT,
        field: str | None = None,
        fields: Mapping[str, list[str] | str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.kind = Kind(kind)
        # Usually name -> list of messages; nested serializers may nest them further.
        self.fields: dict = {
            name: [text] if isinstance(text, str) else text for name, text in (fields or {}).items()
        }
        if field is not None:
            self.fields.setdefault(field, [message])

    @property
    def field(self) -> str | None:
        """The first field the error is about, or None for the whole form."""
        return next(iter(self.fields), None)

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.kind]

    @classmethod
    def from_validation(cls, exc: ValidationError, *, labels: Mapping[str, str] | None = None):
        """Django's model or field validation as an input error; the message names the first
        bad field by its label when one is given."""
        if hasattr(exc, "error_dict"):
            fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
            name, problems = next(iter(fields.items()))
            label = (labels or {}).get(name, "")
            message = f"{label}：{problems[0]}" if label else problems[0]
            fields = {k: v for k, v in fields.items() if k != "__all__"}
            return cls(message, fields=fields)
        return cls(str(exc.messages[0]) if exc.messages else "提交的数据有误。")

    def __repr__(self) -> str:
        return f"ServiceError({self.message!r}, kind={self.kind.value!r}, fields={self.fields!r})"


def full_clean(instance, **kwargs) -> None:
    """Model validation (shape, lengths, choices) as an input error naming the first bad field
    by its verbose name."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        labels = {}
        for name in getattr(exc, "error_dict", {}):
            if name != "__all__":
                labels[name] = str(instance._meta.get_field(name).verbose_name)
        raise ServiceError.from_validation(exc, labels=labels) from exc


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def audit_refusal(request, message: str, *, kind: str = "role") -> None:
    """Put a refused request (a wrong role, an object out of scope) in the audit log, once."""
    if getattr(request, "_refusal_audited", False):
        return
    from core.audit import AuditKind, audit_record

    audit_record(
        AuditKind.REFUSAL,
        message or "没有权限",
        request=request,
        target=f"{request.method} {request.path}",
        refusal=kind,
    )
    request._refusal_audited = True


def log_refusal(request, exc: ServiceError) -> None:
    """One line per refused request: who, where, why; a refusal of role or scope also goes to
    the audit log."""
    user = getattr(request, "user", None)
    if exc.kind in (Kind.ROLE, Kind.SCOPE):
        audit_refusal(request, exc.message, kind=exc.kind.value)
    log.info(
        "refused user=%s %s %s kind=%s: %s",
        getattr(user, "username", "-") or "-",
        request.method,
        request.path,
        exc.kind.value,
        exc.message,
    )


def add_to_form(
    form, exc: ServiceError, aliases: Mapping[str, str] | None = None, *, request=None
) -> None:
    """Put each of the error's field messages next to its field, and the rest above the form."""
    if request is not None:
        log_refusal(request, exc)
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for name, texts in exc.fields.items():
        name = (aliases or {}).get(name, name)
        texts = texts if isinstance(texts, list) else [str(texts)]
        form.add_error(name if name in form.fields else None, [str(t) for t in texts])


def message_user(request, exc: ServiceError) -> None:
    """Show the error at the top of the next page (for buttons that are not a form)."""
    log_refusal(request, exc)
    messages.error(request, exc.message)
