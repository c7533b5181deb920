"""Changing the workflow files under a running app in tests: a copy of workflows/ with one file
edited, loaded as the app's current definitions for the length of a `with` block."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from cpas_workflow.engine import store

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"


def edited_workflows(tmp_path: Path, **edits: Callable[[dict], None]) -> Path:
    """A copy of the shipped workflows folder where each `name`.yaml went through `edits[name](body)`."""
    folder = tmp_path / "workflows-edited"
    shutil.copytree(WORKFLOWS, folder)
    for name, edit in edits.items():
        path = folder / f"{name}.yaml"
        body = yaml.safe_load(path.read_text())
        edit(body)
        path.write_text(yaml.safe_dump(body, sort_keys=False))
    return folder


@contextlib.contextmanager
def current_workflows(app, folder: Path) -> Iterator[None]:
    """The app starts new cycles on the definitions of `folder` (as after a redeploy with new files)."""
    original = app.extensions["cpas_definitions"]
    app.extensions["cpas_definitions"] = store.load(str(folder))
    app.extensions.pop("cpas_task_title_patterns", None)  # built from the definitions loaded
    try:
        yield
    finally:
        app.extensions["cpas_definitions"] = original
        app.extensions.pop("cpas_task_title_patterns", None)
