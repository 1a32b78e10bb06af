"""Real processes for fault drills: a private Redis, a gunicorn site, a Celery worker, a TCP
relay in front of PostgreSQL. Each is started on a free port and stopped by the test that
started it; waits poll with generous limits instead of sleeping fixed times."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    predicate: Callable[[], object], *, timeout: float = 60, what: str = "", every: float = 0.2
) -> object:
    """Poll until predicate() is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - not ready yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(every)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Stop a process we started (by its id), escalating to SIGKILL."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


class PrivateRedis:
    """redis-server on a free port, persisting to its own folder so a restart keeps the data."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.folder), "--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        wait_until(lambda: redis.Redis(port=self.port).ping(), timeout=30, what="redis")

    def shutdown_saving(self) -> None:
        """Stop Redis as a restart would, writing its data to disk first."""
        import redis

        try:
            redis.Redis(port=self.port).shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it exits
        self.process.wait(30)

    def kill(self) -> None:
        if self.process is not None:
            stop(self.process, signal.SIGKILL)


def database_url(database: str, port: int | None = None) -> str:
    """The URL of `database` on the test server (or on `port` of this host)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qingling")
    server = base.rsplit("/", 1)[0]
    if port is not None:
        server = f"postgres://postgres@127.0.0.1:{port}"
    return f"{server}/{database}"


def django_env(database: str, *, db_port: int | None = None, **extra: str) -> dict[str, str]:
    """Environment for a child process on the test database (settings_test)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=database_url(database, db_port),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@contextmanager
def site(env: dict[str, str], log: Path, *, workers: int = 1):
    """gunicorn serving the project on a free port; yields its base URL."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4"),
                *("--timeout", "120", "--graceful-timeout", "5"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(base + "/accounts/login/", timeout=10).status_code < 500,
            timeout=90,
            what="gunicorn",
        )
        yield base
    finally:
        stop(process)


class Relay:
    """A TCP relay on a free port in front of a real server: closing it is, for the clients,
    exactly a database that went away (refused connections, cut sessions)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            listener.close()
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@contextmanager
def worker(env: dict[str, str], log: Path, *, name: str, beat: bool = False, concurrency: int = 2):
    """A Celery worker (prefork) in its own process group; yields the Popen."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO"]
    command += [f"--concurrency={concurrency}", "--pool=prefork", f"--hostname={name}@%h"]
    command += ["--without-gossip", "--without-mingle"]
    if beat:
        command += ["--beat", f"--schedule={log.parent / (name + '-beat-schedule')}"]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "CELERY_TASK_ALWAYS_EAGER": "false"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: "ready." in log.read_text(), timeout=90, what=f"worker {name}")
        yield process
    finally:
        kill_group(process, signal.SIGTERM)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a process we started in its own session, with all its children."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def drill_job(job, progress) -> None:
    """Job handler for drills (settings_test "drill_wait"): records the pid of the process that
    runs it, then waits until the test creates the release file (at most two minutes)."""
    Path(job.params["pid_file"]).write_text(str(os.getpid()))
    progress(10)
    release = Path(job.params["release"])
    deadline = time.monotonic() + 120
    while not release.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("drill job was never released")
        time.sleep(0.2)
    job.message = "演练任务已完成。"


class FileSms:
    """SMS backend for drills: appends "number text" lines to the file named by DRILL_SMS_LOG,
    taking DRILL_SMS_SECONDS per message (a slow gateway, so two senders overlap)."""

    def send(self, phone: str, text: str) -> None:
        time.sleep(float(os.environ.get("DRILL_SMS_SECONDS", "0")))
        with open(os.environ["DRILL_SMS_LOG"], "a", encoding="utf-8") as out:
            out.write(f"{phone} {text}\n")


class DyingSms:
    """SMS backend for drills: the process is killed (SIGKILL) as it is about to send."""

    def send(self, phone: str, text: str) -> None:
        os.kill(os.getpid(), signal.SIGKILL)


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run a management command in its own process."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
