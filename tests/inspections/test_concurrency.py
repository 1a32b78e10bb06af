"""Documents issued at the same moment: 100 documents of one type (on 100 visits) get 100
consecutive numbers, and the same document asked for twice at once (a double click) is issued
once, the second request refused without taking a number.

PostgreSQL allows 100 connections here (shared with other test runs), so at most 20 threads
with their own connections, all released together by a barrier."""

import threading

import pytest
from django.db import connection

from core.errors import Kind, ServiceError
from core.models import DocumentSequence
from inspections import services
from inspections.choices import DocumentType
from inspections.models import EnforcementDocument, Finding, Inspection
from inspections.services import documents

from .conftest import checked_visit

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 20, 5


@pytest.fixture
def tiny_pdf(monkeypatch):
    # Numbering is under test, not layout: a tiny PDF keeps the test fast.
    monkeypatch.setattr(
        documents, "render_pdf", lambda template, context: b"%PDF-1.7 " + context["number"].encode()
    )


def copies(inspection: Inspection, n: int) -> list[Inspection]:
    """`n` more finished visits like `inspection`, each with one finding."""
    made = []
    finding = inspection.findings.first()
    for _ in range(n):
        twin = Inspection.objects.get(pk=inspection.pk)
        twin.pk = None
        twin.save()
        twin.inspectors.set(inspection.inspectors.all())
        Finding.objects.create(
            inspection=twin,
            level=finding.level,
            place=finding.place,
            description=finding.description,
            deadline=finding.deadline,
        )
        made.append(twin)
    return made


def run_together(count: int, work) -> list[Exception]:
    barrier = threading.Barrier(count)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_hundred_concurrent_documents_get_consecutive_numbers(team, enterprise, tiny_pdf):
    inspection, _, _ = checked_visit(team, enterprise)
    visits = [inspection, *copies(inspection, THREADS * EACH - 1)]
    numbers = []
    lock = threading.Lock()

    def work(i):
        for visit in visits[i * EACH : (i + 1) * EACH]:
            doc = services.document_issue(
                by=team.inspector, inspection=visit.pk, type=DocumentType.ORDER
            )
            with lock:
                numbers.append(doc.sequence)

    errors = run_together(THREADS, work)
    assert not errors, errors[:3]
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))
    stored = EnforcementDocument.objects.filter(type=DocumentType.ORDER)
    assert stored.count() == 100
    assert len(set(stored.values_list("number", flat=True))) == 100


def test_a_double_click_issues_one_document(team, enterprise, tiny_pdf):
    """Two requests for the visit's 责令限期整改指令书 at once: one document, one number; the
    other request is refused as a conflict (HTTP 409)."""
    inspection, _, _ = checked_visit(team, enterprise)
    clicks = 2

    def work(i):
        services.document_issue(
            by=team.inspector, inspection=inspection.pk, type=DocumentType.ORDER
        )

    errors = run_together(clicks, work)
    assert len(errors) == 1 and isinstance(errors[0], ServiceError), errors
    assert errors[0].kind == Kind.CONFLICT and errors[0].status == 409
    assert "本次检查已出具责令限期整改指令书（鄂前应急责改" in errors[0].message
    assert inspection.documents.count() == 1
    assert DocumentSequence.objects.get(issuer="鄂前应急", kind="责改").last == 1
