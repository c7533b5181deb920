"""Browser fixtures: the app served from a real server thread over the test database, and Debian's
Chromium driven by Playwright (no browser download). Browser tests run on SQLite only."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

# Debian's Chromium, as `scripts/ensure-chromium` (run by `make test`) finds or installs it.
CHROMIUM = shutil.which(os.environ.get("CPAS_CHROMIUM") or "chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # keep the test output readable
        pass


@pytest.fixture
def live_server(app, demo, database_url):
    if database_url.startswith("postgresql"):
        pytest.skip("browser tests run on the SQLite backend only")
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots(output_dir):
    path = output_dir / "screenshots"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def history(app, demo):
    """The demo mission's results framework and four closed quarters (demo_history): each component
    reports on four indicators, with last quarter's values beside them."""
    from cpas_workflow import demo_history
    from cpas_workflow.extensions import db
    from cpas_workflow.missions.models import Mission

    with app.app_context():
        demo_history.load(db.session.scalar(db.select(Mission).where(Mission.code == "DEMO")))
        db.session.commit()
        db.session.remove()
