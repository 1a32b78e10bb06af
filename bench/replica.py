"""A private PostgreSQL primary and its streaming replica, for drills.

Nothing here touches the shared server: `initdb` creates a new cluster under a temporary
folder, started on a free port; `pg_basebackup -R` copies it into a hot standby started on
another free port. As root the servers run as the `postgres` OS user (runuser). `close()` stops
both servers and removes the folder, whatever state the drill left them in.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _pg_bin() -> Path:
    """PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
CONFIG = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{socket_dir}'
max_connections = 200
shared_buffers = 128MB
wal_level = replica
max_wal_senders = 5
hot_standby = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
# A drill on throw-away data: no need to wait for the disk.
fsync = off
full_page_writes = off
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str], timeout: float = 120) -> None:
    result = subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stdout}\n{result.stderr}")


class Server:
    def __init__(self, data: Path, port: int, log: Path):
        self.data, self.port, self.log = data, port, log
        self.running = False

    def start(self) -> None:
        _run(
            [
                str(PG_BIN / "pg_ctl"),
                *("-D", str(self.data), "-l", str(self.log)),
                *("-o", f"-p {self.port}", "-w", "-t", "90", "start"),
            ],
            timeout=120,
        )
        self.running = True

    def stop(self) -> None:
        if not self.running:
            return
        for mode in ("fast", "immediate"):
            try:
                _run(
                    [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30"]
                    + ["stop"],
                    timeout=60,
                )
                break
            except (RuntimeError, subprocess.TimeoutExpired):
                continue
        self.running = False

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, database: str = "postgres", params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []


class PrimaryReplica:
    """Usage: with PrimaryReplica() as pair: pair.start_primary(); …; pair.start_replica()."""

    def __init__(self, prefix: str = "qingling-drill-pg-"):
        self.root = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        if os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.primary = Server(self.root / "primary", free_port(), self.root / "primary.log")
        self.replica = Server(self.root / "replica", free_port(), self.root / "replica.log")

    def __enter__(self) -> PrimaryReplica:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start_primary(self) -> None:
        _run(
            [
                str(PG_BIN / "initdb"),
                *("-D", str(self.primary.data), "-U", "postgres", "--auth=trust"),
                *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
            ]
        )
        conf = self.primary.data / "postgresql.conf"
        extra = CONFIG.format(socket_dir=self.root)
        _run(["sh", "-c", f"cat >> {conf} <<'EOF'\n{extra}\nEOF"])
        self.primary.start()

    def create_database(self, name: str) -> None:
        self.primary.query(f'CREATE DATABASE "{name}"')
        self.primary.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", name)

    def start_replica(self) -> None:
        _run(
            [
                str(PG_BIN / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres"),
                *("-D", str(self.replica.data), "-R", "-X", "stream", "-c", "fast"),
            ],
            timeout=600,
        )
        self.replica.start()
        deadline = time.monotonic() + 60
        while not self.primary.query("SELECT 1 FROM pg_stat_replication WHERE state='streaming'"):
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not start streaming")
            time.sleep(0.2)

    def is_streaming_standby(self) -> bool:
        return self.replica.query("SELECT pg_is_in_recovery()")[0][0] is True

    def pause_replay(self) -> None:
        self.replica.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.replica.query("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary wrote so far."""
        target = self.primary.query("SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while True:
            done = self.replica.query(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", params=[target]
            )[0][0]
            if done:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not catch up")
            time.sleep(0.05)

    def close(self) -> None:
        for server in (self.replica, self.primary):
            try:
                server.stop()
            except Exception:  # noqa: BLE001 - clean up what can be cleaned up
                pass
        shutil.rmtree(self.root, ignore_errors=True)
