"""Where a task's work is done: one answer for My tasks, the API's `url`, every e-mail and the calendar.

A task is done on the page where its step is taken: a component's input on the submission page, the
review on the joint review, the sign-off on the sign-off page, a follow-up action on the follow-up
board (at the action), anything else of a cycle on the cycle page. The answer is a path (no request
is needed: the scheduler asks too); pages prefix the site's own root, e-mails and the API
CPAS_BASE_URL.
"""

from __future__ import annotations

from flask import current_app

# The task keys (from the workflow definitions) whose work has a page of its own.
CYCLE_PAGES = {"review": "web.joint_review", "correct": "web.joint_review", "signoff": "web.signoff"}


def _path(endpoint: str, **values) -> str:
    adapter = current_app.extensions.get("cpas_task_paths")
    if adapter is None:  # bound once: the routes do not change once the app is made
        adapter = current_app.extensions["cpas_task_paths"] = current_app.url_map.bind("localhost")
    return adapter.build(endpoint, values)


_STAND_IN = 987654321


def _path_by_id(endpoint: str, name: str, value: int) -> str:
    """`_path(endpoint, name=value)` for a route whose one variable is a whole number: the route is
    built once per endpoint with a stand-in and filled in after (digits need no quoting); a list of
    tasks asks for one path a line."""
    paths = current_app.extensions.setdefault("cpas_task_paths_by_id", {})
    found = paths.get(endpoint)
    if found is None:
        found = paths[endpoint] = _path(endpoint, **{name: _STAND_IN}).split(str(_STAND_IN))
    head, tail = found
    return f"{head}{value}{tail}"


def task_path(task, mission_code: str | None = None) -> str:
    """The path of the page where `task` is done. `task` is a Task, or a row with its columns
    (`submission_id`, `recommendation_id`, `cycle_id`, `key`); the mission's code is `mission_code`,
    or the row's `mission_code`, or its loaded `mission`."""
    if task.submission_id:
        return _path_by_id("web.submission", "submission_id", task.submission_id)
    if task.recommendation_id:
        code = mission_code or getattr(task, "mission_code", None) or task.mission.code
        return _path("web.followup", code=code) + f"#rec-{task.recommendation_id}"
    step = task.key.rsplit(":", 1)[-1] if task.key else ""
    return _path_by_id(CYCLE_PAGES.get(step, "web.cycle"), "cycle_id", task.cycle_id)


def task_url(task) -> str:
    """The task's page as a link from outside (an e-mail, the API, a calendar): under CPAS_BASE_URL."""
    return current_app.config["CPAS_BASE_URL"].rstrip("/") + task_path(task)
