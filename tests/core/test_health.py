import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.utils import OperationalError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok"},
        "down": [],
    }


@pytest.mark.django_db
def test_healthz_answers_503_when_database_is_down(client):
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: OperationalError"


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


def test_check_deploy_is_clean_in_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 20 + "Z9!x@#2$vQ" * 5,
        "DJANGO_ALLOWED_HOSTS": "qingling.example.gov.cn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_weak_secret_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "short",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_error_pages_are_chinese(client, personas):
    client.force_login(personas.inspector)
    response = client.get("/enterprises/999999/")
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()


def test_collectstatic_with_production_storage(tmp_path):
    """Vendored assets must survive whitenoise's manifest post-processing (the Docker build)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "collectstatic-build-only-key-never-used-at-runtime-0123456789",
        "QINGLING_VAR_DIR": str(tmp_path),
        # Same manifest post-processing as production, without the slow gzip/brotli pass.
        "STATIC_COMPRESS": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/hazards/?q=a%00b", "/enterprises/?q=%00", "/reports/notices/?q=%00&hazard=%C2%B2"]
)
def test_nul_bytes_in_pages_get_a_clear_400(client, personas, url):
    client.force_login(personas.inspector)
    response = client.get(url)
    assert response.status_code == 400
    assert "非法字符" in response.content.decode()


@pytest.mark.django_db
def test_superscript_digits_do_not_crash_filters(client, personas):
    client.force_login(personas.inspector)
    assert client.get("/reports/notices/?hazard=%C2%B2").status_code == 200
    assert client.get("/reports/?year=%C2%B2").status_code == 200


@pytest.mark.django_db
def test_versioned_count_is_recounted_after_a_committed_change(personas):
    from core.paginator import VersionedCountPaginator
    from hazards import versioning
    from hazards.models import Hazard
    from tests.hazard_helpers import register

    register(personas.inspector, level="general")
    first = VersionedCountPaginator(Hazard.objects.all(), 20, version=versioning.data_version)
    assert first.count == 1
    register(personas.inspector, level="general")
    stale = VersionedCountPaginator(Hazard.objects.all(), 20, version=versioning.data_version)
    assert stale.count == 1  # same version: served from the cache
    versioning.bump()  # what the commit of the registration does
    fresh = VersionedCountPaginator(Hazard.objects.all(), 20, version=versioning.data_version)
    assert fresh.count == 2
    empty = VersionedCountPaginator(
        Hazard.objects.filter(pk__in=[]), 20, version=versioning.data_version
    )
    assert empty.count == 0


def test_the_site_icon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert b'rel="icon"' in client.get("/accounts/login/").content
