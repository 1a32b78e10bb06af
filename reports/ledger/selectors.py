"""Read queries of the ledger pages and API."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import LedgerImport


def own_imports(user) -> QuerySet[LedgerImport]:
    """The user's own uploads within their scope: a preview is only ever shown to its uploader."""
    return LedgerImport.objects.for_user(user).filter(uploaded_by=user)
