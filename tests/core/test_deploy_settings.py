"""Production settings: proxy headers believed only behind a configured proxy, /healthz reachable
over plain HTTP for the container health check, the demo bound to this machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_settings(**env) -> dict:
    code = (
        "import json, config.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "('SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', "
        "'TRUSTED_PROXIES')}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" * 60, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_proxy_headers_are_believed_only_behind_a_configured_proxy():
    alone = production_settings()
    assert alone["SECURE_PROXY_SSL_HEADER"] is None and alone["TRUSTED_PROXIES"] == []
    behind = production_settings(DJANGO_TRUSTED_PROXIES="172.28.0.10")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind["TRUSTED_PROXIES"] == ["172.28.0.10"]
    assert behind["SECURE_SSL_REDIRECT"] is True


def test_healthz_is_exempt_from_the_https_redirect(db):
    exempt = production_settings()["SECURE_REDIRECT_EXEMPT"]
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=exempt):
        client = Client()
        assert client.get("/healthz").status_code in (200, 503)
        assert client.get("/accounts/login/").status_code == 301


def test_the_demo_server_binds_this_machine_unless_told():
    script = (ROOT / "scripts/run.sh").read_text()
    assert "host=${HOST:-127.0.0.1}" in script and 'runserver "${host}:${port}"' in script
    assert "0.0.0.0:" not in script
