# ruff: noqa: F811  (the fixtures are imported)
"""No value of any size and no Markdown can break what others read. Extreme values are refused with
422 on every path that saves one; values written straight into the database (as an old release or a
hand repair might leave them) still let every page, chart, export, e-mail and PDF of the cycle and
the mission answer 200, with a placeholder where one element cannot be drawn. The PDF renderer
fetches nothing from outside the app."""

from __future__ import annotations

import http.server
import re
import threading

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from cpas_workflow.extensions import db
from cpas_workflow.framework.models import FrameworkVersion, Indicator, IndicatorValue
from cpas_workflow.missions.models import Component
from cpas_workflow.submissions.models import Submission
from notifications.delivery import deliver_outbox
from tests.cycle_helpers import SPU, fire, fp, head, ok, start_cycle
from tests.framework_helpers import COLUMNS, GOOD_ROWS, csv_bytes, planning_cycle, upload
from tests.notify_helpers import outbox, run_job, set_notify, smtp  # noqa: F401
from tests.test_framework_reports import cycles, history, pdf_text  # noqa: F401
from tests.web_helpers import signed_in, text, token

INF, NAN = float("inf"), float("nan")
HUGE = [1e308, -1e308, 1.7976931348623157e308, 10**400, 1e13, 2e9]
TYPED_HUGE = ["1e308", "9" * 400, "1" + "\u202f000" * 10, "-" + "9" * 30]
IMAGES = "Seen: ![tracker](http://127.0.0.1:{port}/pixel.png) and ![](https://example.invalid/x.png)."
DEEP = "\n\n".join(
    [
        ">" * 3000 + " deep",
        "".join("  " * i + "- item\n" for i in range(100)),
        "|" + "a|" * 60 + "\n|" + "-|" * 60 + "\n|" + "1|" * 60,
        "`" * 5000,
        "x" * 5000,
        "[link](javascript:alert(1)) <img src=x onerror=alert(1)>",
    ]
)


@pytest.fixture
def q4(api, history):
    cycle = start_cycle(api)
    ok(fire(api, SPU, cycle["id"], "open_input"))
    return {"id": cycle["id"], **{s["component"]: s["id"] for s in cycle["submissions"]}}


def stored(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(IndicatorValue).where(IndicatorValue.period == "2026-Q4")).all())


@pytest.mark.parametrize("number", HUGE)
def test_an_extreme_number_is_refused_with_422_on_the_api(app, api, q4, number):
    for code in ("MIL-1", "MIL-2"):
        response = api(fp("MIL")).put(
            f"/api/v1/submissions/{q4['MIL']}", json={"indicator_values": [{"indicator": code, "value": number}]}
        )
        assert response.status_code == 422, (code, number, response.get_json())
        assert f"indicator_values.{code}.value" in response.get_json()["error"]["fields"]
    assert stored(app) == 0


@pytest.mark.parametrize("typed", TYPED_HUGE)
def test_an_extreme_number_is_refused_with_422_on_the_form(app, q4, typed):
    client = signed_in(app, fp("MIL"))
    url = f"/submissions/{q4['MIL']}"
    response = client.post(url, data={"csrf_token": token(client, url), "value-MIL-1": typed, "value-MIL-2": typed})
    assert response.status_code == 302  # post/redirect/get: the errors are on the page it leads to
    assert text(client.get(response.headers["Location"])).count('class="error"') == 2
    assert stored(app) == 0


def _xlsx(rows: list[dict]) -> bytes:
    import io

    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append([row.get(c, "") for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "cell"), [("f.csv", "9" * 400), ("f.csv", "1e308"), ("f.xlsx", 1e308), ("f.xlsx", -1e300)]
)
def test_an_extreme_baseline_is_refused_with_422_by_the_import(api, filename, cell):
    planning_cycle(api)
    rows = [{**r, "baseline": cell} if r.get("code") == "MIL-2" else r for r in GOOD_ROWS]
    data = csv_bytes(rows) if filename.endswith(".csv") else _xlsx(rows)
    response = upload(api, data, filename)
    assert response.status_code == 422, response.get_json()
    assert any("baseline" in key for key in response.get_json()["error"]["fields"])
    assert api(SPU).get("/api/v1/missions/DEMO/framework?version=draft").status_code == 404


class _Recorder(http.server.BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802  (the standard library's name)
        _Recorder.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def outside_server():
    """A real HTTP server standing for someone's tracking pixel: it records every request."""
    _Recorder.asked = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _write_extremes(app, q4: dict, port: int) -> None:
    """Values and Markdown no form would accept, written as a bad import or hand repair would."""
    with app.app_context():
        codes = dict(db.session.execute(select(Component.id, Component.code)).all())
        published = select(Indicator).join(FrameworkVersion).where(FrameworkVersion.state == "published")
        indicators = {i.code: i for i in db.session.scalars(published).unique()}
        wild = {
            "MIL-1": (1e308, None),
            "MIL-2": (-INF, None),
            "MIL-3": (INF, None),
            "MIL-4": (NAN, None),
            "POL-1": (1e300, None),
            "POL-2": (5e-324, None),
            "POL-3": (-1.7976931348623157e308, None),
            "POL-4": (123456789012345678901234567890.0, None),
            "CIV-1": (7.0, "maybe"),
            "CIV-2": (99.0, "A level no one defined" * 4),
            "CIV-3": (-1e308, None),
            "CIV-4": (1e16, None),
        }
        for code, (number, words) in wild.items():
            indicator = indicators[code]
            db.session.add(
                IndicatorValue(
                    submission_id=q4[codes[indicator.component_id]],
                    indicator_id=indicator.id,
                    component_id=indicator.component_id,
                    period="2026-Q4",
                    value_number=number,
                    value_text=words,
                    note=DEEP[:500],
                )
            )
        indicators["MIL-2"].baseline_value = "1e400"  # a stored baseline that reads as infinity
        indicators["POL-4"].target_value = "not a number"
        for code in ("CIV", "MIL", "POL"):
            submission = db.session.get(Submission, q4[code])
            submission.narrative = IMAGES.format(port=port) if code == "CIV" else DEEP
            submission.rating = "on_track"
        db.session.commit()


@pytest.mark.slow
def test_every_page_chart_export_e_mail_and_pdf_survives_extreme_stored_values(app, api, q4, outside_server, smtp):
    _write_extremes(app, q4, outside_server)
    cid = q4["id"]
    pages = [
        f"/cycles/{cid}",
        f"/cycles/{cid}/assessment",
        f"/cycles/{cid}/report",
        "/missions/DEMO",
        "/missions/DEMO/factsheet?period=2026-Q4",
        "/missions/DEMO/factsheet?period=2026-Q3",
        "/missions/DEMO/framework",
        "/",
        *(f"/submissions/{q4[c]}" for c in ("CIV", "MIL", "POL")),
    ]
    for email, urls in ((SPU, pages), (fp("MIL"), pages), ("hq@demo.example", ["/hq?period=2026-Q4", *pages[3:7]])):
        client = signed_in(app, email)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (email, url, response.status_code)
    assessment = text(signed_in(app, SPU).get(f"/cycles/{cid}/assessment"))
    assert "1E308" in assessment  # shown in scientific notation, not as 309 digits
    files = [
        f"/api/v1/cycles/{cid}",
        *(f"/api/v1/submissions/{q4[c]}" for c in ("CIV", "MIL", "POL")),
        f"/api/v1/cycles/{cid}/indicator-values.csv",
        f"/api/v1/cycles/{cid}/indicator-values.xlsx",
        "/api/v1/missions/DEMO/indicator-values.csv?drafts=1",
        "/api/v1/missions/DEMO/indicator-values.xlsx",
        "/api/v1/missions/DEMO/framework",
        "/api/v1/missions/DEMO/framework.xlsx",
        f"/api/v1/cycles/{cid}/report.pdf",
        "/api/v1/missions/DEMO/factsheet.pdf?period=2026-Q4",
    ]
    answers = {}
    for url in files:
        response = answers[url] = api(SPU).get(url)
        assert response.status_code == 200, (url, response.status_code, response.get_data()[:500])
        if url.startswith("/api/v1/submissions/"):
            assert "Infinity" not in response.get_data(as_text=True) and "NaN" not in response.get_data(as_text=True)
    report = answers[f"/api/v1/cycles/{cid}/report.pdf"].data
    flat = " ".join(pdf_text(report)[1].split())
    assert "[image not included: tracker]" in flat and "[image not included]" in flat
    assert _Recorder.asked == []  # the PDF renderer asked the outside server for nothing
    # e-mails of the cycle still go out: the focal point submits, the component head is told
    set_notify(app, head("MIL"), "immediate")
    ok(api(fp("MIL")).post(f"/api/v1/submissions/{q4['MIL']}/transitions", json={"trigger": "submit"}))
    run_job(app, deliver_outbox)
    assert outbox(app, recipient=head("MIL")) and all(m.status == "sent" for m in outbox(app, recipient=head("MIL")))


def test_the_pdf_fetcher_serves_only_the_apps_static_files(app):
    from cpas_workflow.framework.printing import STATIC_BASE, OutsideAddress, StaticOnlyFetcher

    with app.app_context():
        fetcher = StaticOnlyFetcher()
        assert b"{" in fetcher.fetch(STATIC_BASE + "static/app.css").read()
        for url in (
            "http://127.0.0.1:1/x.png",
            "file:///etc/passwd",
            STATIC_BASE + "static/../../config.py",
            STATIC_BASE + "other/app.css",
            "data:image/png;base64,AAAA",
        ):
            with pytest.raises(OutsideAddress):
                fetcher.fetch(url)


def test_a_chart_that_cannot_be_drawn_is_a_placeholder_and_the_rest_of_the_page_stands(app):
    from cpas_workflow.framework import charts

    with app.test_request_context():
        broken = charts.TrendChart(title="X-1 broken", periods=["2026-Q3"], series=[charts.Series("MIL", [1.0])])
        broken.width = None  # a chart whose drawing fails
        shown = str(charts.render(broken))
        assert 'class="chart-placeholder"' in shown and "X-1 broken" in shown and "<svg" not in shown
        huge = charts.TrendChart(
            title="X-2", periods=["a", "b", "c"], series=[charts.Series("MIL", [1e308, 5.0, float("nan")])]
        )
        drawn = str(charts.render(huge))
        assert drawn.startswith("<svg") and re.findall(r'data-value="([^"]+)"', drawn) == ["5"]
