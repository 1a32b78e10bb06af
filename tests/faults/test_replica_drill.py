"""Reads on a real streaming replica: a private primary (initdb) holding a copy of the test
database, its replica (pg_basebackup -R) with replay paused, so it is certainly behind, and
gunicorn with the router. The user who writes reads their write back at once; another user's
read goes to the replica and does not see it yet; once the few seconds are over, the writer's
reads go back to the replica too."""

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import EnterpriseFactory
from tests.processes import ROOT, django_env, site, wait_until

sys.path.insert(0, str(ROOT / "bench"))
from replica import PG_BIN, PrimaryReplica  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PIN_SECONDS = 2


def _copy_test_database(pair: PrimaryReplica, name: str) -> None:
    """The migrated test database, with this test's users, into the private primary."""
    source = connection.settings_dict
    pair.primary.query(f'CREATE DATABASE "{name}"')
    dump = subprocess.Popen(
        [
            str(PG_BIN / "pg_dump"),
            *("-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432)),
            *("-U", source["USER"] or "postgres", "--no-owner", name),
        ],
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", pair.primary.url(name)],
        stdin=dump.stdout,
        capture_output=True,
        timeout=120,
    )
    dump.stdout.close()
    assert dump.wait(60) == 0 and restore.returncode == 0, restore.stderr.decode()[-2000:]


def test_the_writer_reads_its_write_at_once_and_others_read_from_the_replica(personas, tmp_path):
    started = time.monotonic()
    enterprise = EnterpriseFactory()
    _, writer_token = AuthToken.objects.create(personas.inspector)
    _, other_token = AuthToken.objects.create(personas.reviewer)
    name = connection.settings_dict["NAME"]
    with PrimaryReplica(prefix="qingling-test-replica-") as pair:
        pair.start_primary()
        _copy_test_database(pair, name)
        pair.start_replica()
        assert pair.is_streaming_standby()
        env = django_env(
            name,
            db_port=pair.primary.port,
            DATABASE_REPLICA_URL=pair.replica.url(name),
            DATABASE_PRIMARY_AFTER_WRITE_SECONDS=str(PIN_SECONDS),
            QINGLING_VAR_DIR=str(tmp_path / "var"),
        )
        with site(env, tmp_path / "web.log") as base:
            writer = requests.Session()
            writer.headers["Authorization"] = f"Token {writer_token}"
            other = requests.Session()
            other.headers["Authorization"] = f"Token {other_token}"
            pair.caught_up()
            pair.pause_replay()  # the replica is now behind everything written from here on
            created = writer.post(
                base + "/api/v1/hazards/",
                json={
                    "enterprise": enterprise.pk,
                    "level": "general",
                    "place": "配电室",
                    "description": "配电柜前未铺设绝缘垫",
                    "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
                },
                timeout=30,
            )
            assert created.status_code == 201, created.text
            pk = created.json()["id"]
            assert "qingling_primary" in writer.cookies

            # The writer, right after: its page and the list, from the primary.
            assert writer.get(f"{base}/api/v1/hazards/{pk}/", timeout=30).status_code == 200
            listed = writer.get(f"{base}/api/v1/hazards/", timeout=30).json()["results"]
            assert pk in [row["id"] for row in listed]
            # Another user of the same county: served by the (paused) replica.
            assert other.get(f"{base}/api/v1/hazards/{pk}/", timeout=30).status_code == 404
            # The writer's few seconds pass: its reads go to the replica as well.
            time.sleep(PIN_SECONDS + 0.2)
            assert writer.get(f"{base}/api/v1/hazards/{pk}/", timeout=30).status_code == 404

            pair.resume_replay()
            fresh = {"Authorization": f"Token {other_token}"}  # no cookie: never pinned
            wait_until(
                lambda: (
                    requests.get(
                        f"{base}/api/v1/hazards/{pk}/", headers=fresh, timeout=30
                    ).status_code
                    == 200
                ),
                timeout=30,
                what="the replica to catch up",
            )
        root = pair.root
    assert not Path(root).exists()
    assert time.monotonic() - started <= 60
