"""Import uploads in pages and the API: the size cap (core.spreadsheets.check_upload_size) applied
to the request's declared length before its body is parsed, and to the file before it is read."""

from __future__ import annotations

from .spreadsheets import SpreadsheetError, check_upload_size, upload_limit

# Multipart boundaries, part headers and the form's other fields, on top of the file itself.
MULTIPART_SLACK = 64 * 1024


def check_request_size(request) -> None:
    """Refuse a request whose Content-Length is past the import cap, without parsing its body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > upload_limit() + MULTIPART_SLACK:
        check_upload_size(length)


def read_upload(upload) -> bytes:
    """The bytes of an uploaded import file, refused by its size before it is read."""
    check_upload_size(upload.size)
    return upload.read()


def bind_upload_form(form_class, request, **kwargs):
    """The import form for this request. A POST past the size cap is refused by its declared
    length: the form is bound to nothing and carries the error on its file field."""
    if request.method != "POST":
        return form_class(**kwargs)
    try:
        check_request_size(request)
    except SpreadsheetError as exc:
        form = form_class(data={}, files={}, **kwargs)
        form.errors.clear()
        form.add_error("file", exc.message)
        return form
    return form_class(request.POST, request.FILES, **kwargs)
