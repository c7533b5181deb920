"""`make serve`'s server for real: gunicorn with two workers over the test database. Metrics add up
every worker, responses carry no server banner, pages go out gzipped, static files cached by hash."""

from __future__ import annotations

import concurrent.futures
import gzip
import re
import urllib.request

import pytest

from tests.process_helpers import app_env, gunicorn, running

pytestmark = pytest.mark.slow
BATCH, MAX_REQUESTS = 40, 4000


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def static_count(base: str) -> float:
    status, _, body = get(f"{base}/metrics")
    assert status == 200
    lines = body.decode().splitlines()
    return sum(
        float(line.rpartition(" ")[2])
        for line in lines
        if line.startswith('cpas_http_requests_total{endpoint="static"')
    )


def test_gunicorn_workers_share_their_metrics_and_send_no_banner(app, demo, tmp_path):
    env = app_env(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance")
    log = tmp_path / "gunicorn.log"
    server, base = gunicorn(env, log, workers=2)
    with running(server):
        before, sent, pids = static_count(base), 0, set()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            while len(pids) < 2 and sent < MAX_REQUESTS:  # until both workers have answered some
                answers = list(pool.map(lambda _: get(f"{base}/static/app.css"), range(BATCH)))
                assert all(status == 200 for status, _, _ in answers)
                sent += BATCH
                pids = set(re.findall(r'"GET /static/app.css HTTP/1.1" 200 .* pid=<(\d+)>', log.read_text()))
        assert len(pids) == 2, log.read_text()[-2000:]
        assert static_count(base) - before == sent  # whichever worker the scrape reached

        status, headers, body = get(f"{base}/sign-in", {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert b"<form" in gzip.decompress(body)
        assert headers.get_all("Server") is None  # neither gunicorn's nor the app's banner
        css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', gzip.decompress(body).decode()).group(1)
        status, headers, _ = get(f"{base}{css}", {"Accept-Encoding": "gzip"})
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Encoding"] == "gzip" and headers.get_all("Server") is None
