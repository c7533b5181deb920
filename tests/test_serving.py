"""Production serving inside the app: gzip, hashed static files, health probes, metrics, proxy headers,
no server banner (gunicorn itself: tests/test_serving_gunicorn.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
from pathlib import Path

import pytest
from flask import Response, request
from flask_migrate import stamp

from cpas_workflow import create_app
from cpas_workflow.core import clock
from cpas_workflow.core.schema import upgrade_schema
from cpas_workflow.extensions import db
from cpas_workflow.serving.compression import compress_response
from notifications.outbox import enqueue
from notifications.runner import run_once
from tests.conftest import sign_in
from tests.cycle_helpers import SPU, fire, ok, start_cycle

ROOT = Path(__file__).resolve().parent.parent
GZIP = {"Accept-Encoding": "gzip, deflate"}


def fetch(client, url: str, **kw):
    """GET, read and close (a static file's answer holds the file open until closed)."""
    response = client.get(url, **kw)
    response.get_data()
    response.close()
    return response


# --- compression --------------------------------------------------------------------------------


def _without_csrf(page: bytes) -> bytes:
    """The page less its CSRF tokens (signed with the second they were made in, so two loads differ)."""
    return re.sub(rb'name="csrf_token"( type="hidden")? value="[^"]+"', b"csrf", page)


def test_a_page_is_sent_gzipped_to_a_client_that_takes_gzip_and_reads_the_same(client, demo):
    sign_in(client, SPU)
    client.get("/")  # shows (and so uses up) the "signed in" message
    plain = client.get("/")
    zipped = client.get("/", headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert _without_csrf(gzip.decompress(zipped.data)) == _without_csrf(plain.data)
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data)
    assert "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in zipped.headers["Vary"]


def test_json_answers_and_the_stylesheet_are_gzipped_too(api, client):
    cycles = api(SPU).client.get("/api/v1/openapi.json", headers=GZIP)
    assert cycles.headers["Content-Encoding"] == "gzip" and gzip.decompress(cycles.data).startswith(b"{")
    css = fetch(client, "/static/app.css", headers=GZIP)
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == (ROOT / "static" / "app.css").read_bytes()


def test_a_small_body_is_sent_as_it_is(client):
    response = client.get("/healthz", headers=GZIP)
    assert response.status_code == 200 and len(response.data) < 500
    assert "Content-Encoding" not in response.headers and response.get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("mimetype", "headers", "compressed"),
    [
        ("text/html", {}, True),
        ("text/csv", {}, True),
        ("image/svg+xml", {}, True),
        ("application/json", {}, True),
        ("application/pdf", {}, False),
        ("image/png", {}, False),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {}, False),
        ("text/html", {"Content-Encoding": "br"}, False),  # already encoded
    ],
)
def test_only_compressible_types_not_yet_encoded_are_gzipped(app, mimetype, headers, compressed):
    body = b"<p>cpas-workflow</p>\n" * 100
    with app.test_request_context("/", headers=GZIP):
        response = compress_response(Response(body, mimetype=mimetype, headers=headers))
    assert (response.headers.get("Content-Encoding") == "gzip") is compressed
    assert (gzip.decompress(response.data) if compressed else response.data) == body


def test_a_client_that_does_not_take_gzip_gets_identity(app):
    body = b"x" * 5000
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip;q=0, identity"}):
        response = compress_response(Response(body, mimetype="text/plain"))
    assert "Content-Encoding" not in response.headers and response.data == body
    assert "Accept-Encoding" in response.headers["Vary"]


# --- static files under a content hash ----------------------------------------------------------


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_every_page_links_static_files_by_the_hash_of_their_content(client, demo):
    digest = hashlib.sha256((ROOT / "static" / "app.css").read_bytes()).hexdigest()[:12]
    pages = [client.get("/sign-in").get_data(as_text=True)]
    sign_in(client, SPU)
    pages += [client.get(url).get_data(as_text=True) for url in ("/", "/profile")]
    links = [link for page in pages for link in _static_links(page)]
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links), links
    assert f"/static/app.css?v={digest}" in links


def test_a_hashed_static_url_is_cached_for_a_year_and_an_old_one_still_serves(client):
    page = client.get("/sign-in").get_data(as_text=True)
    current = next(link for link in _static_links(page) if "app.css" in link)
    fresh = fetch(client, current)
    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in fresh.headers.get("Vary", "")
    for stale in ("/static/app.css?v=0123456789ab", "/static/app.css"):
        response = fetch(client, stale)
        assert response.status_code == 200 and response.data == fresh.data
        assert response.headers["Cache-Control"] == "public, no-cache"  # revalidate: its content changed
    assert fetch(client, "/static/missing.css?v=0123456789ab").status_code == 404


def test_a_revalidated_static_file_answers_304_whether_it_was_sent_gzipped_or_not(client):
    first = fetch(client, "/static/app.css", headers=GZIP)
    again = fetch(client, "/static/app.css", headers=GZIP | {"If-None-Match": first.headers["ETag"]})
    assert first.headers["ETag"].startswith('W/"')  # weak: the gzipped bytes are not the file's bytes
    assert again.status_code == 304 and again.data == b""


# --- /healthz and /readyz -----------------------------------------------------------------------


@pytest.fixture
def migrated(tmp_path):
    """An app over a SQLite file built by the migrations (as `cpas init-db` builds it)."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        upgrade_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_healthz_answers_without_a_database(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"},
        instance_path=str(tmp_path / "instance"),
    )
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database unreachable"


def test_readyz_waits_for_a_scheduler_heartbeat_and_goes_stale_without_one(migrated, frozen_clock):
    client = migrated.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "no scheduler has run a job in the last 300 s"
    with migrated.app_context():
        assert run_once(clock.now()) == []  # the real scheduler pass records the heartbeat
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json() == {"status": "ready", "scheduler_last_run_at": clock.now().isoformat()}
    frozen_clock.advance(seconds=301)
    stale = client.get("/readyz")
    assert (
        stale.status_code == 503
        and stale.get_json()["scheduler_last_run_at"] == (clock.now() - dt.timedelta(seconds=301)).isoformat()
    )


def test_readyz_refuses_a_database_behind_the_migrations(migrated):
    with migrated.app_context():
        run_once(clock.now())
        stamp(directory=str(ROOT / "migrations"), revision="678094985b2c")  # as if a deploy were half done
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["reason"].startswith("database schema is not at the migrations' head")
    assert body["database"] == ["678094985b2c"] and body["code"] != body["database"]


def test_the_test_database_made_without_migrations_is_not_ready(client, demo):
    assert client.get("/readyz").status_code == 503


# --- /metrics -----------------------------------------------------------------------------------


def scrape(client, **kw) -> dict[str, float]:
    response = client.get("/metrics", **kw)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    samples = {}
    for line in response.get_data(as_text=True).splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_metrics_count_requests_by_endpoint_and_status_with_their_latency(client, api):
    before = scrape(client)
    cycle = start_cycle(api)
    for _ in range(3):
        api(SPU).get(f"/api/v1/cycles/{cycle['id']}")
    api(SPU).get("/api/v1/cycles/999999")
    after = scrape(client)

    def delta(name):
        return after.get(name, 0) - before.get(name, 0)

    ok_label = 'endpoint="api.get_cycle",method="GET",status="200"'
    assert delta(f"cpas_http_requests_total{{{ok_label}}}") == 3
    assert delta('cpas_http_requests_total{endpoint="api.get_cycle",method="GET",status="404"}') == 1
    assert delta('cpas_http_request_duration_seconds_count{endpoint="api.get_cycle",status="200"}') == 3
    assert delta('cpas_http_request_duration_seconds_bucket{endpoint="api.get_cycle",le="+Inf",status="200"}') == 3
    assert not any("999999" in name for name in after)  # labels name the route, never the URL


def test_metrics_count_committed_transitions_only(client, api):
    name = 'cpas_transitions_total{trigger="open_input",workflow="quarterly_assessment"}'
    before = scrape(client).get(name, 0)
    cycle = start_cycle(api)
    ok(fire(api, SPU, cycle["id"], "open_input"))
    assert fire(api, SPU, cycle["id"], "open_input").status_code == 409  # refused: nothing committed
    stale = fire(api, SPU, cycle["id"], "cancel", comment="x", expected_version=0)
    assert stale.status_code == 409
    assert scrape(client).get(name, 0) - before == 1


def test_metrics_read_the_outbox_overdue_tasks_and_the_scheduler_from_the_database(app, client, api):
    ok(fire(api, SPU, start_cycle(api, input_due="2026-10-08")["id"], "open_input"))
    with app.app_context():
        from cpas_workflow.accounts.operations import find_user

        user = find_user(SPU)
        task = type("T", (), {"title": "A task", "due": dt.date(2026, 10, 20)})
        for n in range(3):
            enqueue(f"test:{n}", "test", user, "reminder", subject=("Message %(n)s", {"n": n}), task=task,
                    mission=type("M", (), {"code": "DEMO"}), url="http://cpas.test/", days_left=3)  # fmt: skip
        db.session.commit()
    samples = scrape(client)
    assert samples['cpas_outbox_backlog{status="pending"}'] >= 3
    assert samples["cpas_outbox_failed"] == 0 and samples["cpas_tasks_overdue"] == 0
    assert samples["cpas_scheduler_last_run_timestamp_seconds"] == 0
    clock.freeze(dt.datetime(2026, 10, 10, 8, tzinfo=dt.UTC))  # input was due on the 8th
    with app.app_context():
        run_once(clock.now())
    samples = scrape(client)
    assert samples["cpas_tasks_overdue"] == 3  # one input task per component
    assert samples['cpas_outbox_backlog{status="pending"}'] == 0  # the pass delivered (to .eml files)
    assert samples["cpas_scheduler_last_run_timestamp_seconds"] == clock.now().timestamp()
    assert samples["cpas_database_up"] == 1


def test_metrics_without_a_token_are_for_loopback_only(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 403
    # Through a proxy on the same host, the peer is loopback but the client is not.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


def test_metrics_with_a_token_configured_need_it_from_anywhere(app):
    app.config["CPAS_METRICS_TOKEN"] = "s3cret-scrape-token"
    try:
        client = app.test_client()
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        response = client.get("/metrics", headers={"Authorization": "Bearer wrong"})
        assert response.headers["WWW-Authenticate"] == "Bearer"
        good = {"Authorization": "Bearer s3cret-scrape-token"}
        assert client.get("/metrics", headers=good, environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 200
    finally:
        app.config["CPAS_METRICS_TOKEN"] = None


# --- proxies and the banner ---------------------------------------------------------------------


def test_no_response_names_the_server_software_or_its_version(client):
    for url in ("/healthz", "/sign-in", "/static/app.css", "/nowhere", "/api/v1/me"):
        assert fetch(client, url).headers.getlist("Server") == ["cpas-workflow"], url


def test_behind_a_configured_proxy_the_client_address_and_https_come_from_its_headers(tmp_path, monkeypatch):
    monkeypatch.setenv("CPAS_TRUSTED_PROXIES", "1")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"},
        instance_path=str(tmp_path / "instance"),
    )
    seen = []

    @app.after_request
    def note(response):  # what the application saw of the request
        seen.append((request.remote_addr, request.scheme, request.host, request.url_root))
        return response

    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "cpas.example"}
    assert client.get("/sign-in", headers=forwarded).status_code == 200
    assert seen[-1] == ("203.0.113.9", "https", "cpas.example", "https://cpas.example/")
    assert client.get("/sign-in").status_code == 200  # without the headers: the socket's own values
    assert seen[-1][:2] == ("127.0.0.1", "http")
    # The real peer is loopback but the client behind the proxy is not: no metrics without a token.
    assert client.get("/metrics", headers=forwarded).status_code == 403
