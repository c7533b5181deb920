"""Probing the whole application in tests: every route of the URL map with real ids filled in, users of
another mission, a dump of every table, and a check that HTML carries no live script."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cpas_workflow.extensions import db

# Routes no signed-in user reaches through a session or token: they carry a secret of their own.
SECRET_ROUTES = {"static", "web.calendar_feed", "web.unsubscribe", "api.openapi", "api.create_token"}
# Probes for the load balancer and the monitoring: no mission data, and 503 is their way to say "not ready".
SECRET_ROUTES |= {"serving.healthz", "serving.readyz", "metrics.metrics"}
# Tables that change on every signed-in request (sessions, tokens, sign-in bookkeeping): not stored data.
BOOKKEEPING = re.compile(r"session|token|throttl|attempt|sign_?in|login|stash")  # stash: refused forms kept


def urls(app, ids: dict[str, object]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route and method of the app, path parameters taken from `ids`
    (a `fmt` choice takes its first option)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SECRET_ROUTES:
            continue
        values = {}
        for name in rule.arguments:
            if name == "fmt":
                values[name] = "csv"
            elif name in ids:
                values[name] = ids[name]
            else:
                values = None
                break
        if values is None:
            continue
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return sorted(found)


def user_of_other_mission(email: str, role: str, component: str | None = None) -> None:
    """A user holding `role` in mission OTHER (and its component), created with the demo password."""
    from cpas_workflow.accounts.operations import assign_role, create_user
    from cpas_workflow.missions.models import Mission
    from tests.conftest import PASSWORD

    other = db.session.scalar(select(Mission).where(Mission.code == "OTHER").options(selectinload(Mission.components)))
    user = create_user(email, f"Other {role}", PASSWORD)
    assign_role(user, role, other, component)
    db.session.commit()


def dump() -> dict[str, list[tuple]]:
    """Every row of every table that holds data (not session or token bookkeeping), in a stable order."""
    tables = {}
    for table in db.metadata.sorted_tables:
        if BOOKKEEPING.search(table.name):
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return tables


class _LiveScript(HTMLParser):
    """Collects what a browser would run: script elements other than the app's own files, event
    handler attributes, javascript: addresses, and elements that load or redirect elsewhere."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "background", "poster"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "base", "frame", "applet"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            cleaned = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in self.URL_ATTRIBUTES and cleaned.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def live_script(html: str) -> list[str]:
    parser = _LiveScript()
    parser.feed(html)
    parser.close()
    return parser.found
