"""Real server processes for tests: gunicorn and the scheduler over a test database, on free ports,
always stopped (and killed if they will not stop) whatever the test does."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.notify_helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
START_WAIT = 60  # seconds a process may take to start serving before the test gives up on it


def app_env(database_url: str, instance: Path, **extra: str) -> dict:
    return os.environ | {
        "CPAS_DATABASE_URL": database_url,
        "CPAS_SECRET_KEY": "test-secret-key",
        "CPAS_INSTANCE_PATH": str(instance),
        "CPAS_BASE_URL": "http://cpas.test",
        **extra,
    }


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in a session of its own (so its children can be stopped together), output to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, wait: float = 15) -> None:
    """SIGTERM to the process group, SIGKILL if it is still there after `wait` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(wait)


def gunicorn(env: dict, log: Path, *, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    process = start(command, env, log)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(process, base, log)
    return process, base


def scheduler(env: dict, log: Path) -> subprocess.Popen:
    return start([sys.executable, "-m", "flask", "--app", "wsgi", "cpas", "scheduler"], env, log)


def wait_until_serving(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)  # polling for the port to open, not waiting for time to pass
    raise AssertionError(f"server did not answer /healthz within {START_WAIT} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def running(*processes: subprocess.Popen) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            stop(process)
