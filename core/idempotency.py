"""Double submits create one record: a POST carrying a key (the hidden `idempotency_key` field
that static/js/forms.js adds to every form, or the API's `Idempotency-Key` header) runs once per
user and key; a repeat, even one arriving while the first still runs, gets the first answer.

The key row is inserted in the same transaction as the view's work. A second request with the
same key blocks on the unique index until the first commits, then finds the stored answer; if
the first failed, its row is gone and the second runs normally.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from datetime import timedelta

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyKey

log = logging.getLogger(__name__)
FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = timedelta(days=7)
ALREADY = "该表单已经提交过，以下是第一次提交的结果。"
OTHER_REQUEST = "该 Idempotency-Key 已用于另一个请求，请为每个新请求生成新的键。"


def _key_of(request) -> str:
    raw = request.headers.get(HEADER, "")
    if not raw and not request.path.startswith("/api/"):
        raw = (request.POST.get(FIELD) if isinstance(request, HttpRequest) else "") or ""
    raw = raw.strip()
    return hashlib.sha256(raw.encode()).hexdigest() if raw else ""


def _succeeded(response) -> bool:
    """An answer worth repeating: a redirect after a form, a 2xx from the API."""
    if isinstance(response, Response):
        return 200 <= response.status_code < 300
    return 300 <= response.status_code < 400 and bool(response.get("Location"))


def _store(record: IdempotencyKey, response) -> None:
    record.status = response.status_code
    if isinstance(response, Response):
        record.body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    else:
        record.location = response["Location"][:500]
    record.save(update_fields=["status", "body", "location"])


def _replay(request, record: IdempotencyKey):
    log.info("replayed %s for user %s (key %s…)", record.path, record.user_id, record.key[:8])
    if record.path != request.path:
        if request.path.startswith("/api/"):
            return Response({"detail": OTHER_REQUEST, "code": "conflict"}, status=409)
        return JsonResponse({"detail": OTHER_REQUEST}, status=409)
    if request.path.startswith("/api/"):
        response = Response(record.body, status=record.status)
    else:
        messages.info(request, ALREADY)
        response = HttpResponseRedirect(record.location)
    response[REPLAYED] = "true"
    return response


def idempotent(view):
    """Decorate a page view, an @api_view function (below @api_view) or a viewset method."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        request = args[0] if isinstance(args[0], HttpRequest | Request) else args[1]
        key = _key_of(request) if request.method == "POST" else ""
        if not key or not request.user.is_authenticated:
            return view(*args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user=request.user, key=key, path=request.path[:255]
                    )
            except IntegrityError:
                record = None
            if record is not None:
                response = view(*args, **kwargs)
                if _succeeded(response):
                    _store(record, response)
                else:  # not a result to repeat: the user may correct the form and send again
                    record.delete()
                return response
        return _replay(request, IdempotencyKey.objects.get(user=request.user, key=key))

    return wrapper


def idempotency_keys_forget(*, now=None) -> int:
    """Forget keys older than a week (a repeat after that is a new request)."""
    cutoff = (now or timezone.now()) - KEEP
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
