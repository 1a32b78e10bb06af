"""Enforcement documents issued, voided and downloaded (API and page) are recorded in the audit
log with the client's address (read through the trusted proxy) and the visit's county."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.audit import AuditEntry, AuditKind
from inspections.choices import DocumentType

from .conftest import checked_visit

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"
BEHIND_PROXY = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.1, {CLIENT}"}


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_documents_issued_voided_and_downloaded_are_recorded_with_address_and_county(
    team, enterprise, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    inspection, _, _ = checked_visit(team, enterprise)
    base = f"/api/v1/inspections/{inspection.pk}/documents/"
    api = api_for(team.inspector)
    issued = api.post(base, {"type": DocumentType.RECORD}, format="json", **BEHIND_PROXY)
    assert issued.status_code == 201, issued.content
    document = issued.json()
    pdf = api.get(f"{base}{document['id']}/pdf/", **BEHIND_PROXY)
    assert pdf.status_code == 200
    voided = api_for(team.reviewer).post(
        f"{base}{document['id']}/void/", {"reason": "地点写错"}, format="json", **BEHIND_PROXY
    )
    assert voided.status_code == 200, voided.content
    rows = {
        row.kind: row for row in AuditEntry.objects.filter(target=document["number"]).order_by("pk")
    }
    assert set(rows) == {
        AuditKind.DOCUMENT_ISSUE,
        AuditKind.DOCUMENT_DOWNLOAD,
        AuditKind.DOCUMENT_VOID,
    }
    for row in rows.values():
        assert (row.address, row.region_id) == (CLIENT, inspection.region_id)
    download = rows[AuditKind.DOCUMENT_DOWNLOAD]
    assert download.username == "inspector" and download.summary == "下载现场检查记录"
    assert rows[AuditKind.DOCUMENT_VOID].username == "reviewer"


def test_the_web_pdf_download_is_recorded_too(client, team, enterprise, settings, tmp_path):
    from inspections import services

    settings.MEDIA_ROOT = tmp_path
    inspection, _, _ = checked_visit(team, enterprise)
    document = services.document_issue(
        by=team.inspector, inspection=inspection, type=DocumentType.RECORD
    )
    client.force_login(team.reviewer)
    response = client.get(document.get_absolute_url(), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    row = AuditEntry.objects.get(kind=AuditKind.DOCUMENT_DOWNLOAD)
    assert (row.username, row.address, row.target) == ("reviewer", "192.0.2.8", document.number)
