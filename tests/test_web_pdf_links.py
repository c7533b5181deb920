"""The report and factsheet PDFs from the pages: a signed-in person follows the page's link and gets
the PDF (no token needed), another mission's people get 404, a signed-out visitor is sent to sign in."""

from __future__ import annotations

import re

from tests.cycle_helpers import start_cycle
from tests.web_helpers import page, signed_in

PERIOD = "2026-Q4"


def pdf_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+\.pdf[^"]*)" download>', html)


def test_a_signed_in_viewer_downloads_the_pdfs_the_pages_link_to(app, api):
    cid = start_cycle(api, period=PERIOD)["id"]
    viewer = signed_in(app, "viewer@demo.example")
    assessment = page(viewer, f"/cycles/{cid}/assessment")
    assert f'href="/cycles/{cid}/report.pdf" download>PDF</a>' in assessment
    report_page = page(viewer, f"/cycles/{cid}/report")
    factsheet_page = page(viewer, f"/missions/DEMO/factsheet?period={PERIOD}")
    assert "Download the report (PDF)" in report_page and "Download the factsheet (PDF)" in factsheet_page
    links = pdf_links(assessment) + pdf_links(report_page) + pdf_links(factsheet_page)
    assert links == [
        f"/cycles/{cid}/report.pdf",
        f"/cycles/{cid}/report.pdf",
        f"/missions/DEMO/factsheet.pdf?period={PERIOD}",
    ]
    for url in dict.fromkeys(links):
        response = viewer.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]


def test_the_pdf_pages_keep_the_apis_permissions(app, api):
    cid = start_cycle(api, period=PERIOD)["id"]
    urls = (f"/cycles/{cid}/report.pdf", f"/missions/DEMO/factsheet.pdf?period={PERIOD}")
    other = signed_in(app, "spu@other.example")
    for url in urls:
        assert other.get(url).status_code == 404, url
        signed_out = app.test_client().get(url)
        assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"], url
    viewer = signed_in(app, "viewer@demo.example")
    assert viewer.get("/missions/DEMO/factsheet.pdf?period=2024-Q1").status_code == 404  # no cycle then
    assert viewer.get("/missions/DEMO/factsheet.pdf?period=Q1").status_code != 500
    assert "Download the factsheet" not in page(viewer, "/missions/DEMO/factsheet?period=2024-Q1")
