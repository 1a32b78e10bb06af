"""Every import refuses a file past IMPORT_MAX_UPLOAD_BYTES with a Chinese message: pages as a
form error, the API as a 400; a body past the cap by its Content-Length, before it is parsed."""

import io
import os

import pytest
from django.urls import reverse

from enterprises.models import EnterpriseImport
from reports.models import LedgerImport
from tests.core import hostile_files

pytestmark = pytest.mark.django_db

LIMIT = 8 * 1024
PAGES = {
    "enterprises": ("enterprises:import_upload", "inspector"),
    "ledger": ("ledger:import_upload", "inspector"),
    "standards": ("hazards:standard_import", "admin"),
}


def padded(size: int) -> io.BytesIO:
    """A real workbook padded past `size` bytes with an unused member."""
    stream = io.BytesIO(
        hostile_files.workbook(
            hostile_files.legit_sheet(),
            extra={"docProps/pad.bin": os.urandom(size)},
        )
    )
    stream.name = "big.xlsx"
    return stream


@pytest.fixture
def small_cap(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = LIMIT


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("size", [20 * 1024, 200 * 1024], ids=["by-file-size", "by-content-length"])
def test_pages_refuse_an_oversized_file(client, personas, small_cap, page, size):
    url, who = PAGES[page]
    client.force_login(getattr(personas, who))
    response = client.post(reverse(url), {"file": padded(size), "code": "GB 1", "name": "标准"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "超过 8 KB 的上限" in body and "文件大小为" in body
    assert not EnterpriseImport.objects.exists() and not LedgerImport.objects.exists()


@pytest.mark.parametrize("size", [20 * 1024, 200 * 1024], ids=["by-file-size", "by-content-length"])
def test_api_refuses_an_oversized_file(client, personas, small_cap, size):
    client.force_login(personas.inspector)
    response = client.post("/api/v1/ledger-imports/", {"file": padded(size)})
    assert response.status_code == 400
    body = response.json()
    assert "超过 8 KB 的上限" in body["detail"]
    assert "file" in str(body)
    assert not LedgerImport.objects.exists()


def test_a_file_under_the_cap_goes_through(client, personas, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(personas.inspector)
    response = client.post(reverse("enterprises:import_upload"), {"file": padded(20 * 1024)})
    assert "上限" not in response.content.decode()
    assert "表头缺少必填列" in response.content.decode()
