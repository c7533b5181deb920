"""A signed-in person downloads the assessment report from the page's "PDF" link (no API token), at
desktop width and on a 390 px phone."""

from __future__ import annotations

import pytest

from tests.browser.test_whole_cycle import Person
from tests.cycle_helpers import start_cycle

pytestmark = pytest.mark.browser


def test_the_pdf_link_on_the_assessment_page_downloads_the_report(browser, live_server, api, screenshots, tmp_path):
    cid = start_cycle(api, period="2026-Q4")["id"]
    viewer = Person(browser, live_server, "viewer@demo.example", screenshots)
    for width in (1200, 390):
        viewer.page.set_viewport_size({"width": width, "height": 900})
        viewer.goto(f"/cycles/{cid}/assessment")
        viewer.shot(f"assessment-pdf-link-{width}")
        assert viewer.page.evaluate("document.documentElement.scrollWidth") <= width
        with viewer.page.expect_download() as download:
            viewer.page.get_by_role("link", name="PDF", exact=True).click()
        saved = tmp_path / f"report-{width}.pdf"
        download.value.save_as(saved)
        assert download.value.suggested_filename == "DEMO-2026-Q4-assessment.pdf"
        assert saved.read_bytes().startswith(b"%PDF")
