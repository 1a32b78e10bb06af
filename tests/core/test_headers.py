"""Response headers: a Content-Security-Policy that allows no inline script, nothing private kept
by caches, and the API's schema and documentation for signed-in users only (unless opened)."""

import re
from pathlib import Path

import pytest

from tests.hazard_helpers import register

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_pages_carry_a_policy_that_allows_scripts_from_this_site_only(client, personas):
    client.force_login(personas.inspector)
    policy = client.get("/hazards/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"].split()[0] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_has_inline_script_or_event_handlers():
    """Under script-src 'self' an inline script or an on… attribute would simply not run."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if "documents" in path.parts:  # PDFs rendered by WeasyPrint, never by a browser
            continue
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            if "csp_nonce" not in match.group(0):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert not offenders, offenders


def test_signed_in_answers_are_kept_by_no_cache(client, personas):
    hazard = register(personas.inspector)
    client.force_login(personas.inspector)
    for url in (
        "/hazards/",
        hazard.get_absolute_url(),
        "/api/v1/hazards/",
        f"/api/v1/hazards/{hazard.pk}/",
        "/ledger/export.xlsx",
        "/api/v1/hazards/ledger.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    # The API's refusals too.
    client.logout()
    assert client.get("/api/v1/hazards/")["Cache-Control"] == "private, no-store"


def test_the_api_schema_and_docs_need_a_signed_in_user(client, personas):
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        assert client.get(url).status_code in (401, 403), url
    client.force_login(personas.inspector)
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        assert client.get(url).status_code == 200, url


def test_a_setting_opens_the_api_docs(client, settings):
    settings.API_DOCS_PUBLIC = True
    for url in ("/api/v1/schema/", "/api/v1/docs/"):
        assert client.get(url).status_code == 200, url
