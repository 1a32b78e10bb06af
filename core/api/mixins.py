"""What every API view shares: the documented errors, and input PostgreSQL cannot store."""

from core.errors import ServiceError, has_chinese

from .schema import ApiSchema


def validated(serializer) -> dict:
    """The serializer's data, or an input ServiceError naming the first bad field in Chinese."""
    if serializer.is_valid():
        return dict(serializer.validated_data)
    name, problems = next(iter(serializer.errors.items()))
    message = str(problems[0] if isinstance(problems, list) and problems else problems)
    field = serializer.fields.get(name)
    label = str(field.label) if field is not None and field.label else ""
    if has_chinese(label):
        message = f"{label}：{message}"
    raise ServiceError(message, fields=serializer.errors)


NUL_MESSAGE = "不能包含空字符（\\x00）。"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def reject_nul(request) -> None:
    """A NUL character reaches PostgreSQL as an error (500) wherever a value is looked up or
    stored without a form field's own check: refuse it up front as bad input (400)."""
    errors = {}
    for key, values in request.query_params.lists():
        if _has_nul(key) or _has_nul(values):
            errors[key.replace("\x00", "")] = [NUL_MESSAGE]
    data = request.data
    if hasattr(data, "lists"):
        items = [(key, values) for key, values in data.lists() if isinstance(key, str)]
    elif isinstance(data, dict):
        items = list(data.items())
    else:
        items = [("non_field_errors", data)]
    for key, value in items:
        if _has_nul(key) or _has_nul(value):
            errors[str(key).replace("\x00", "")] = [NUL_MESSAGE]
    if errors:
        raise ServiceError(f"{next(iter(errors))}：{NUL_MESSAGE}", fields=errors)


class ApiDefaults:
    """Mixed into every API view: its schema documents the usual errors, and input that holds
    a NUL character is refused with 400 before any query."""

    schema = ApiSchema()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        reject_nul(request)
