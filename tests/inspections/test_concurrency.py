"""100 documents of one type issued at once from real threads get 100 consecutive numbers.

PostgreSQL allows 100 connections here (shared with other test runs), so 20 threads with their
own connections each issue 5 documents, all released together by a barrier."""

import threading

import pytest
from django.db import connection

from inspections import services
from inspections.choices import DocumentType
from inspections.models import EnforcementDocument
from inspections.services import documents

from .conftest import checked_visit

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 20, 5


def test_hundred_concurrent_documents_get_consecutive_numbers(team, enterprise, monkeypatch):
    # Numbering is under test, not layout: a tiny PDF keeps the test fast.
    monkeypatch.setattr(
        documents, "render_pdf", lambda template, context: b"%PDF-1.7 " + context["number"].encode()
    )
    inspection, _, _ = checked_visit(team, enterprise)
    barrier = threading.Barrier(THREADS)
    numbers, errors = [], []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            for _ in range(EACH):
                doc = services.document_issue(
                    by=team.inspector, inspection=inspection.pk, type=DocumentType.ORDER
                )
                with lock:
                    numbers.append(doc.sequence)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))
    stored = EnforcementDocument.objects.filter(type=DocumentType.ORDER)
    assert stored.count() == 100
    assert len(set(stored.values_list("number", flat=True))) == 100
