"""In which state what may be done is answered by the workflow definitions and `abilities` only: no
template and no view names a workflow state (a page that did would drift from the definitions, and
show or hide a button the operation then refuses)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Quoted words inside a Jinja expression or statement.
JINJA = re.compile(r"\{[{%](.*?)[}%]\}", re.S)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")
TRANSLATED = re.compile(r"""_\(\s*(["']).*?\1""", re.S)  # words for people, not codes
# Not workflow states, though spelled like one: an outbox message's delivery status.
ELSEWHERE = {"notifications/outbox.html": {"pending"}}


def _state_names() -> set[str]:
    names = set()
    for path in (ROOT / "workflows").glob("*.yaml"):
        names |= set(yaml.safe_load(path.read_text())["states"])
    return names


def test_no_template_names_a_workflow_state():
    states = _state_names()
    assert {"joint_review", "pending", "cancelled"} <= states
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT / "templates"))
        for block in JINJA.findall(path.read_text()):
            for word in QUOTED.findall(TRANSLATED.sub("", block)):
                if word in states and word not in ELSEWHERE.get(name, ()):
                    found.append(f"{name}: {word}")
    assert not found, found


def test_no_view_names_a_workflow_state():
    states = _state_names()
    found = []
    for path in sorted((ROOT / "cpas_workflow").rglob("*views.py")):  # views.py, administration_views.py…
        for word in QUOTED.findall(TRANSLATED.sub("", path.read_text())):
            if word in states:
                found.append(f"{path.relative_to(ROOT)}: {word}")
    assert not found, found
