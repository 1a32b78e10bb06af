"""`make run` needs no server: the demo migrates and seeds on SQLite, the default database of a
fresh clone. Every query the demo runs (figures, reports, notices) must work there too."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_seeds_on_sqlite(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update(QINGLING_VAR_DIR=str(tmp_path), DJANGO_DEBUG="true")
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "演示数据已就绪" in done.stdout + done.stderr
    assert list(tmp_path.glob("*.sqlite3")), "the demo database is SQLite in the data directory"
