"""A mission's history grows for years: the dashboard shows its latest cycles a page at a time, and a
cycle's audit trail its latest events, with links further back."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert

from cpas_workflow.core.audit import AuditEvent
from cpas_workflow.cycles.models import Cycle
from cpas_workflow.extensions import db
from tests.cycle_helpers import SPU, start_cycle
from tests.web_helpers import page, signed_in


def test_the_dashboard_shows_twelve_cycles_a_page_latest_deadline_first(app, api):
    for year in (2027, 2028, 2029, 2030):
        for quarter in (1, 2, 3, 4) if year < 2030 else (1, 2):
            start_cycle(api, period=f"{year}-Q{quarter}", input_due=f"{year}-0{quarter * 2}-01")
    spu = signed_in(app, SPU)
    first = page(spu, "/missions/DEMO")
    periods = re.findall(r"<h3><a href=\"/cycles/\d+\">DEMO (\d{4}-Q\d) ", first)
    assert periods[:2] == ["2030-Q2", "2030-Q1"] and len(periods) == 12 and 'rel="next"' in first
    second = page(spu, "/missions/DEMO?page=2")
    assert re.findall(r"<h3><a href=\"/cycles/\d+\">DEMO (\d{4}-Q\d) ", second) == ["2027-Q2", "2027-Q1"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_cycle_page_shows_the_latest_fifty_events_and_links_to_the_earlier_ones(app, api):
    cycle = start_cycle(api)
    at = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)
    with app.app_context():
        mission_id = db.session.get(Cycle, cycle["id"]).mission_id
        db.session.execute(
            insert(AuditEvent.__table__),
            [
                {
                    "at": at,
                    "mission_id": mission_id,
                    "cycle_id": cycle["id"],
                    "action": "note",
                    "subject": f"cycle:{cycle['id']}",
                    "comment": f"event-{n:03d}",
                }
                for n in range(70)
            ],
        )
        db.session.commit()
    spu = signed_in(app, SPU)
    latest = page(spu, f"/cycles/{cycle['id']}")
    shown = re.findall(r"event-(\d{3})", latest)
    assert shown == [f"{n:03d}" for n in range(20, 70)]  # oldest first within the page
    older = re.search(r'href="([^"]+events_before=\d+)#audit-h" rel="prev"', latest).group(1)
    earlier = page(spu, older.replace("&amp;", "&"))
    assert re.findall(r"event-(\d{3})", earlier)[-1] == "019" and "start_cycle" not in earlier.split("audit-h")[0]
    assert "Latest events" in earlier
