"""Benchmark: gunicorn with 2 workers serving My tasks to 16 signed-in clients at once.

Builds a fresh database (SQLite file, or a PostgreSQL schema with `CPAS_BENCH_BACKEND=postgresql`) with
the demo data plus `CYCLES` open cycles, so that the civilian focal point has that many open tasks;
starts `gunicorn` as `make serve` does (gunicorn.conf.py) with 2 workers on a free port; signs 16
clients in through the sign-in form (session cookies, keep-alive connections, gzip accepted) and has
them load `/` for `SECONDS`. Prints requests per second and the 95th percentile latency, then the
compressed and plain sizes of a few answers. The clients run in processes of their own so that the
load generator does not share a GIL with itself; on this 2-core machine they compete with the server
for the cores, as a reverse proxy would.

Run: `.venv/bin/python bench/serving.py` (or `make bench`). `CPAS_BENCH_SERVING_SECONDS` changes the
duration (default 10 s after a 2 s warm-up).
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _table import database_url, note, row  # noqa: E402

CLIENTS = 16
PROCESSES = 2  # client processes, CLIENTS // PROCESSES threads each
WORKERS = 2
CYCLES = 40
WARMUP = 2.0
SECONDS = float(os.environ.get("CPAS_BENCH_SERVING_SECONDS", 10))
EMAIL, PASSWORD = "civ.fp@demo.example", "bench-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, instance: Path) -> None:
    """The schema by the migrations, the demo data, and CYCLES cycles in component input."""
    from cpas_workflow import create_app
    from cpas_workflow.core import clock
    from cpas_workflow.core.schema import upgrade_schema
    from cpas_workflow.cycles.operations import CycleDraft, start_cycle
    from cpas_workflow.demo import load_demo
    from cpas_workflow.engine import firing, store
    from cpas_workflow.extensions import db
    from cpas_workflow.missions.models import Mission

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "CPAS_DEMO_HISTORY": False},
        instance_path=str(instance),
    )
    with app.app_context():
        upgrade_schema()
        store.register_all()
        load_demo(PASSWORD)
        db.session.commit()
        from cpas_workflow.accounts.operations import find_user

        spu = find_user("spu@demo.example")
        mission = db.session.scalar(
            db.select(Mission).where(Mission.code == "DEMO").options(db.selectinload(Mission.components))
        )
        for n in range(CYCLES):
            data = CycleDraft(
                workflow="quarterly_assessment",
                period=f"{2030 + n // 4}-Q{n % 4 + 1}",
                input_due=clock.today() + dt.timedelta(days=10 + n),
                components=["CIV", "MIL", "POL"],
            )
            cycle = start_cycle(mission, data, actor=spu)
            firing.fire(cycle, "open_input", actor=spu)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def start_server(url: str, instance: Path, port: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "CPAS_DATABASE_URL": url,
        "CPAS_SECRET_KEY": "bench-secret-key",
        "CPAS_INSTANCE_PATH": str(instance),
        "CPAS_WORKERS": str(WORKERS),
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    sys.exit(f"gunicorn did not start:\n{log.read_text()[-2000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(master: int) -> float:
    """CPU time used so far by gunicorn's workers (the children of `master`), from /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid; then utime and stime are fields 12 and 13 after the name
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def sign_in(port: int) -> str:
    """A session cookie, through the sign-in form as a browser gets one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/sign-in")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    conn.request("POST", "/sign-in", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";", 1)[0]


def client_process(port: int, cookies: list[str], start_at: float, end_at: float, out) -> None:
    """Threads that each keep one connection and load My tasks in a loop; sends back their latencies."""
    import threading

    latencies: list[float] = []
    errors = []
    lock = threading.Lock()

    def loop(cookie: str) -> None:
        headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while (now := time.monotonic()) < end_at:
            started = time.perf_counter()
            conn.request("GET", "/", headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                errors.append(response.status)
            if now >= start_at:
                mine.append(elapsed)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.send((latencies, errors))


def sizes(port: int, cookie: str) -> list[tuple[str, int, int]]:
    """(what, plain bytes, gzipped bytes) of a few answers, as the server sends them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    found = []
    page = None
    for what, path in (
        ("My tasks page", "/"),
        ("mission page", "/missions/DEMO"),
        ("openapi.json", "/api/v1/openapi.json"),
    ):
        measured = []
        for encoding in ("identity", "gzip"):
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": encoding})
            response = conn.getresponse()
            body = response.read()
            measured.append(len(body))
            if encoding == "gzip" and page is None:
                page = gzip.decompress(body).decode()
        found.append((what, *measured))
    css = re.search(r'href="(/static/app\.css\?v=\w+)"', page).group(1)
    measured = []
    for encoding in ("identity", "gzip"):
        conn.request("GET", css, headers={"Accept-Encoding": encoding})
        response = conn.getresponse()
        measured.append(len(response.read()))
    found.append(("app.css", *measured))
    return found


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cpas-bench-serving-") as folder:
        folder = Path(folder)
        url = database_url(folder)
        prepare(url, folder / "instance")
        port = free_port()
        server = start_server(url, folder / "instance", port, folder / "gunicorn.log")
        try:
            cookies = [sign_in(port) for _ in range(CLIENTS)]
            start_at = time.monotonic() + WARMUP
            end_at = start_at + SECONDS
            pipes, processes = [], []
            for n in range(PROCESSES):
                receive, send = multiprocessing.Pipe(duplex=False)
                share = cookies[n::PROCESSES]
                process = multiprocessing.Process(target=client_process, args=(port, share, start_at, end_at, send))
                process.start()
                pipes.append(receive)
                processes.append(process)
            while time.monotonic() < start_at:
                time.sleep(0.01)
            cpu_before = cpu_seconds(server.pid)
            latencies, errors = [], []
            for receive in pipes:
                got, bad = receive.recv()
                latencies += got
                errors += bad
            cpu_used = cpu_seconds(server.pid) - cpu_before
            for process in processes:
                process.join()
            found = sizes(port, cookies[0])
        finally:
            stop(server)
    if errors:
        sys.exit(f"{len(errors)} requests failed: {sorted(set(errors))}")
    rate = len(latencies) / SECONDS
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    row(f"gunicorn, {WORKERS} workers, My tasks ({CYCLES} tasks), {CLIENTS} concurrent: requests per second", rate, 500, "/s", at_least=True)  # fmt: skip
    row(f"gunicorn, {WORKERS} workers, My tasks, {CLIENTS} concurrent: p95 latency", p95, 100, "ms")
    note(f"{len(latencies)} requests in {SECONDS:.0f} s, median {statistics.median(latencies) * 1000:.1f} ms")
    per_request = cpu_used / len(latencies) * 1000
    note(
        f"server CPU {per_request:.2f} ms a request: {2000 / per_request:,.0f} req/s at most on 2 idle cores "
        f"(load average now {os.getloadavg()[0]:.1f}: figures above are lower while other work shares the cores)"
    )
    for what, plain, zipped in found:
        note(f"gzip: {what} {plain:,} → {zipped:,} bytes ({plain / zipped:.1f}×)")


if __name__ == "__main__":
    main()
