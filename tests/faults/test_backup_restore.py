"""Backup and restore: the demo is backed up with `manage.py backup` (what `make backup` runs)
and restored with `manage.py restore` into a fresh database; counts, document checksums and
the numbering carry over."""

import hashlib
import re
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.processes import django_env, manage

pytestmark = pytest.mark.django_db(transaction=True)

NEW_HAZARD = """
from django.utils import timezone
from accounts.models import User
from enterprises.models import Enterprise
from hazards.services import hazard_register
by = User.objects.get(username="inspector")
enterprise = Enterprise.objects.for_user(by).order_by("pk").first()
today = timezone.localdate()
print(hazard_register(by=by, enterprise=enterprise, level="general", place="库房",
      description="灭火器过期", deadline=today + timezone.timedelta(days=10), found_date=today).number)
"""


def _checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _admin():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    )


def _count(database: str, sql: str):
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        dbname=database,
    ) as conn:
        return conn.execute(sql).fetchall()


def test_the_demo_backed_up_restores_into_a_fresh_database(tmp_path):
    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restored"
    env = django_env(source, QINGLING_VAR_DIR=str(tmp_path / "var"))
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    seeded = manage(env, "seed_demo", timeout=600)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    made = manage(env, "backup", "--dir", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr[-2000:]
    [archive] = (tmp_path / "backups").glob("qingling-*.tar")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "db.dump"} <= set(names)
    documents = [n for n in names if n.startswith("media/") and n.endswith(".pdf")]
    assert documents  # the demo's enforcement documents and notices are in the archive

    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        target = django_env(fresh, QINGLING_VAR_DIR=str(tmp_path / "var2"))
        target["MEDIA_ROOT"] = str(tmp_path / "restored-media")
        restored = manage(target, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr[-2000:]
        assert "恢复完成并已核对" in restored.stdout

        tables = [
            "hazards_hazard",
            "hazards_hazardevent",
            "hazards_hazardphoto",
            "inspections_inspection",
            "reports_notice",
            "reports_delivery",
            "accounts_user",
            "enterprises_enterprise",
        ]
        for table in tables:
            sql = f"SELECT count(*) FROM {table}"
            assert _count(source, sql) == _count(fresh, sql), table
        assert _count(source, "SELECT count(*) FROM hazards_hazard")[0][0] > 0
        assert _checksums(tmp_path / "media") == _checksums(tmp_path / "restored-media")

        # Numbering continues where the backup left off.
        sequences = "SELECT county_code, year, last FROM hazards_hazardsequence ORDER BY 1, 2"
        assert _count(fresh, sequences) == _count(source, sequences)
        number = manage(target, "shell", "-c", NEW_HAZARD)
        assert number.returncode == 0, number.stderr[-2000:]
        county, year, serial = re.search(r"(\d{6})-(\d{4})-(\d{5})", number.stdout).groups()
        last = {(c, y): n for c, y, n in _count(source, sequences)}[county, int(year)]
        assert int(serial) == last + 1
        assert _count(fresh, "SELECT count(*) FROM hazards_hazard")[0][0] == (
            _count(source, "SELECT count(*) FROM hazards_hazard")[0][0] + 1
        )

        # A database that is not empty is never overwritten.
        again = manage(target, "restore", str(archive))
        assert again.returncode != 0 and "不是空库" in again.stderr
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
