"""The XSS corpus: a few dozen payloads typed into every writable field along a whole cycle (names,
titles, narratives, comments, decisions, notes), then every page, every API answer's `_html` field and
every e-mail is checked for anything a browser would run: script elements, event handlers,
javascript: addresses, frames, redirects."""

from __future__ import annotations

import pytest

from cpas_workflow.extensions import db
from tests.cycle_helpers import COMPONENTS, LEAD, SPU, fire, fire_submission, fp, head, ok, start_cycle
from tests.notify_helpers import outbox, set_notify
from tests.probe_helpers import live_script, urls
from tests.web_helpers import signed_in, token

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=alert(5)>",
    "javascript:alert(6)",
    "[link](javascript:alert(7))",
    '<a href="javascript:alert(8)">x</a>',
    "<iframe src=javascript:alert(9)></iframe>",
    "<body onload=alert(10)>",
    "<details open ontoggle=alert(11)>",
    '<math><mi xlink:href="javascript:alert(12)">m</mi></math>',
    "{{7*7}} {% raw %}",
    "<input autofocus onfocus=alert(13)>",
    "<video><source onerror=alert(14)></video>",
    "<object data=javascript:alert(15)></object>",
    "<embed src=javascript:alert(16)>",
    "<form action=javascript:alert(17)><button>go</button></form>",
    "<base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(18)">',
    "<scr<script>ipt>alert(19)</script>",
    '<a href="jav&#x09;ascript:alert(20)">x</a>',
    "![img](javascript:alert(21))",
    '<img src="x" onerror="alert(22)"/>',
    "</textarea><script>alert(23)</script>",
    "</title><script>alert(24)</script>",
    "<svg><script>alert(25)</script></svg>",
    '" onmouseover="alert(26)',
    "' onmouseover='alert(27)",
    '<a href=" javascript:alert(28)">x</a>',
    "[x](JaVaScRiPt:alert(29))",
    '<div style="background:url(javascript:alert(30))">d</div>',
    "<style>*{background:url(//evil.example/x)}</style>",
    "<a href='data:text/html,<script>alert(31)</script>'>d</a>",
    "`<script>alert(32)</script>`",
    '<noscript><p title="</noscript><img src=x onerror=alert(33)>">',
]
TEXT = "\n\n".join(PAYLOADS)  # every payload in each Markdown field


def _chunks(limit: int = 200) -> list[str]:
    """The payloads packed into one-line values of at most `limit` characters."""
    chunks, current = [], ""
    for payload in PAYLOADS:
        if current and len(current) + 1 + len(payload) > limit:
            chunks.append(current)
            current = ""
        current = f"{current} {payload}".strip()
    return [*chunks, current]


def _names(app) -> None:
    """Display names, the mission's and the components' names carry payloads too."""
    from cpas_workflow.accounts.operations import find_user, update_preferences
    from cpas_workflow.missions.models import Mission
    from cpas_workflow.missions.operations import update_mission

    chunks = _chunks()
    with app.app_context():
        admin = find_user("admin@demo.example")
        mission = db.session.scalar(db.select(Mission).where(Mission.code == "DEMO"))
        update_mission(mission, chunks[0], mission.timezone, admin)
        for n, email in enumerate([SPU, LEAD, *(fp(c) for c in COMPONENTS), *(head(c) for c in COMPONENTS)]):
            update_preferences(find_user(email), name=chunks[n % len(chunks)])
        db.session.commit()
        db.session.remove()


@pytest.fixture
def written(app, api):
    """A whole cycle in which every writable field got payloads; e-mail for everyone at once."""
    for email in (SPU, LEAD, *(fp(c) for c in COMPONENTS), *(head(c) for c in COMPONENTS)):
        set_notify(app, email, "immediate")
    _names(app)
    chunks = _chunks()
    cycle = start_cycle(api)
    cid = cycle["id"]
    cycle = ok(fire(api, SPU, cid, "open_input", comment=TEXT))
    for submission in cycle["submissions"]:
        code = submission["component"]
        ok(api(fp(code)).put(f"/api/v1/submissions/{submission['id']}", json={"narrative": TEXT, "rating": "on_track"}))
        ok(fire_submission(api, fp(code), submission["id"], "submit", comment=TEXT))
        ok(fire_submission(api, head(code), submission["id"], "endorse", comment=TEXT))
    ok(fire(api, SPU, cid, "start_review", comment=TEXT))
    browser = signed_in(app, SPU)
    sub = cycle["submissions"][0]["id"]
    response = browser.post(f"/submissions/{sub}/comments", data={"body": TEXT, "csrf_token": token(browser)})
    assert response.status_code in (200, 302), response.status_code
    recs = [
        ok(
            api(SPU).post(
                f"/api/v1/cycles/{cid}/recommendations",
                json={"title": chunk, "body": TEXT, "component": "CIV", "due": "2026-12-31"},
            ),
            201,
        )
        for chunk in chunks
    ]
    ok(fire(api, SPU, cid, "submit_for_signoff", comment=TEXT))
    for n, rec in enumerate(recs):
        decision = (
            {"decision": "amend", "body": TEXT, "comment": TEXT} if n % 2 else {"decision": "approve", "comment": TEXT}
        )
        ok(api(LEAD).post(f"/api/v1/recommendations/{rec['id']}/decision", json=decision))
    ok(fire(api, LEAD, cid, "approve", comment=TEXT))
    for rec in recs:
        ok(
            api(SPU).post(f"/api/v1/recommendations/{rec['id']}/updates", json={"status": "in_progress", "note": TEXT}),
            201,
        )
    return {
        "code": "DEMO",
        "cycle_id": cid,
        "submission_id": sub,
        "recommendation_id": recs[0]["id"],
        "user_id": 1,
    }


def _html_fields(value, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_html") and isinstance(item, str):
                found.append(item)
            else:
                _html_fields(item, found)
    elif isinstance(value, list):
        for item in value:
            _html_fields(item, found)


@pytest.mark.slow
def test_no_payload_runs_on_any_page_api_answer_or_e_mail(app, api, written):
    routes = [
        url
        for endpoint, method, url in urls(app, written)
        if method == "GET" and not url.endswith(".pdf") and endpoint != "web.sign_in"
    ]
    pages, escaped = 0, 0
    for email in (SPU, LEAD, fp("CIV"), "admin@demo.example"):
        browser = signed_in(app, email)
        for url in routes:
            if url.startswith("/api/"):
                response = api(email).get(url)
                if response.is_json:
                    found: list[str] = []
                    _html_fields(response.get_json(), found)
                    for html in found:
                        assert live_script(html) == [], (email, url)
                continue
            response = browser.get(url)
            assert response.status_code < 500, (email, url)
            if response.mimetype == "text/html":
                pages += 1
                html = response.get_data(as_text=True)
                assert live_script(html) == [], (email, url)
                escaped += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    messages = outbox(app)
    assert len(messages) >= 10 and pages >= 40 and escaped >= 10  # the payloads are there, shown as text
    for message in messages:
        assert live_script(message.body_html or "") == [], message.key
    print(f"XSS corpus: {len(PAYLOADS)} payloads, {pages} page loads, {len(messages)} e-mails")


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        "<iframe src=/x></iframe>",
        '<meta http-equiv="refresh" content="0;url=/x">',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ],
)
def test_the_scanner_sees_each_kind_of_live_script(html):
    assert live_script(f"<p>ok</p>{html}") != []
    assert live_script('<script src="/static/app.js"></script><a href="/x">x</a>') == []
