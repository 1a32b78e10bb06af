"""Issue 19: stopping `make run` (scripts/run.sh) stops the job worker and the web server, and the
next start works. Runs the real script with SQLite and the file queue in a temporary directory."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_using(var: Path) -> dict[int, str]:
    """Live processes started with this data directory (zombies have no environment)."""
    marker = f"QINGLING_VAR_DIR={var}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found[int(entry.name)] = command
        except OSError:
            continue
    return found


def _env(var: Path, port: int) -> dict[str, str]:
    """The environment of a fresh clone: no database, Redis or test settings configured."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    return {**env, "QINGLING_VAR_DIR": str(var), "PORT": str(port)}


def _start(var: Path, port: int) -> subprocess.Popen:
    env = _env(var, port)

    def as_from_a_terminal():
        # A shell that started the test runner in the background ignores Ctrl-C; a terminal does not.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setsid()

    return subprocess.Popen(
        ["scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=(var / "run.out").open("ab"),
        stderr=subprocess.STDOUT,
        preexec_fn=as_from_a_terminal,
    )


def _wait_until_up(process: subprocess.Popen, var: Path, port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, (var / "run.out").read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200 and any(
                    "celery" in command for command in _processes_using(var).values()
                ):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail("scripts/run.sh did not answer:\n" + (var / "run.out").read_text())


def _stop(process: subprocess.Popen, var: Path, how: str) -> None:
    if how == "ctrl-c":  # the terminal signals the whole foreground process group
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert _processes_using(var) == {}
    assert not (var / "run.pids").exists()


def test_stopping_run_stops_the_worker_and_a_second_start_works(tmp_path):
    var, port = tmp_path / "var", _free_port()
    var.mkdir()
    try:
        first = _start(var, port)
        _wait_until_up(first, var, port)
        _stop(first, var, "sigterm")

        second = _start(var, port)
        _wait_until_up(second, var, port)
        # One run per data directory: a start beside it is refused and leaves it alone.
        refused = subprocess.run(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=_env(var, _free_port()),
            capture_output=True,
            text=True,
            timeout=20,
        )
        assert refused.returncode == 1 and "已经在运行" in refused.stderr
        _stop(second, var, "ctrl-c")
    finally:
        for pid in _processes_using(var):
            os.kill(pid, signal.SIGKILL)
