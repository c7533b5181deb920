"""A committed transition takes a fixed, small number of statements: the signed-in user read once, the
submission read as one row and written first (one UPDATE checking its version: a stale one writes
nothing), the tasks closed and opened set-wise, the addressees read once, their notices, the outbox
rows and the audit event in one INSERT each. A count is deterministic: an eager load or a per-row
statement brought back into the firing path fails here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cpas_workflow.extensions import db
from tests.cycle_helpers import COMPONENTS, cycle_in, fp, head, ok
from tests.test_statement_counts import counted

# submit, as the API fires it: the submission read as one row, written first (its version checked, so
# a stale one writes nothing), the guard reads the component's indicators still without a value
SUBMIT = [
    "SELECT users",
    "SELECT submissions",
    "SELECT framework_indicators",
    "UPDATE submissions",
    "UPDATE tasks",
    "INSERT INTO tasks",
    "SELECT role_assignments",
    "INSERT INTO notifications",  # a notice in the application for each addressee of the tasks opened
    "INSERT INTO outbox",
    "INSERT INTO audit_events",
]
# return: no indicators to check; the component's focal points are told in the application (their
# current holders read, one notice each in one INSERT)
RETURN = [s for s in SUBMIT if s != "SELECT framework_indicators"]
RETURN[RETURN.index("INSERT INTO outbox") + 1 : RETURN.index("INSERT INTO outbox") + 1] = [
    "SELECT role_assignments",
    "INSERT INTO notifications",
]


def _shape(statements: list[str]) -> list[str]:
    """'SELECT users', 'UPDATE tasks', ...: the verb and the table of each statement (its own, not that
    of a subquery among its columns; the first inside when it reads from a subquery)."""
    shapes = []
    for sql in statements:
        sql = " ".join(sql.split())
        verb = sql.split()[0]
        shapes.append(f"{verb} {_table(sql)}" if verb != "INSERT" else f"INSERT INTO {_table(sql)}")
    return shapes


def _table(sql: str) -> str:
    depth = 0
    for match in re.finditer(r"[()]|\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", sql):
        if match.group(0) in "()":
            depth += 1 if match.group(0) == "(" else -1
        elif depth == 0:
            return match.group(1)
    return re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", sql).group(1)


def _fire_as_a_request(app, user_id: int, submission_id: int, trigger: str, **kw) -> list[str]:
    """The user and the submission loaded as the API loads them to fire, the trigger fired, one commit."""
    from cpas_workflow.accounts.queries import get_user
    from cpas_workflow.submissions.operations import fire_submission_trigger
    from cpas_workflow.submissions.rows import submission_to_fire

    with app.app_context(), counted(app) as statements:
        actor = get_user(user_id)
        fire_submission_trigger(submission_to_fire(submission_id, actor), trigger, actor, **kw)
        db.session.commit()
    return statements


def _ids(app, cycle) -> tuple[int, int, int]:
    from cpas_workflow.accounts.models import User

    submission = next(s for s in cycle["submissions"] if s["component"] == "CIV")
    with app.app_context():
        users = dict(db.session.execute(select(User.email, User.id)).all())
    return submission["id"], users[fp("CIV")], users[head("CIV")]


def _rows(app, submission_id: int) -> dict:
    from cpas_workflow.core.audit import AuditEvent
    from cpas_workflow.submissions.models import Submission
    from cpas_workflow.tasks.models import Task
    from notifications.models import OutboxMessage

    with app.app_context():
        return {
            "state": db.session.get(Submission, submission_id).state,
            "open tasks": db.session.scalars(
                select(Task.key).where(Task.submission_id == submission_id, Task.closed_at.is_(None))
            ).all(),
            "events": db.session.scalar(select(func.count()).select_from(AuditEvent)),
            "messages": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


@pytest.fixture
def immediate(app, demo):
    """Every holder hears of a task at once: each transition queues messages."""
    from cpas_workflow.accounts.models import User

    with app.app_context():
        db.session.execute(db.update(User).values(notify="immediate"))
        db.session.commit()


def test_a_submit_and_a_return_take_ten_and_eleven_statements_and_write_everything(app, api, immediate):
    cycle = cycle_in(api, "component_input")
    submission_id, focal_point, component_head = _ids(app, cycle)
    ok(
        api(fp("CIV")).put(
            f"/api/v1/submissions/{submission_id}", json={"narrative": "Progress.", "rating": "some_progress"}
        )
    )
    before = _rows(app, submission_id)

    submitted = _fire_as_a_request(app, focal_point, submission_id, "submit")
    assert _shape(submitted) == SUBMIT, submitted
    after_submit = _rows(app, submission_id)
    assert after_submit["state"] == "submitted"
    assert after_submit["open tasks"] == ["component_submission:submitted:endorse"]
    assert after_submit["events"] == before["events"] + 1
    assert after_submit["messages"] > before["messages"]  # the component head is told of the task

    returned = _fire_as_a_request(app, component_head, submission_id, "return", comment="Add the figures.")
    assert _shape(returned) == RETURN, returned
    after_return = _rows(app, submission_id)
    assert after_return["state"] == "returned"
    assert after_return["open tasks"] == ["component_submission:returned:revise"]
    assert after_return["events"] == before["events"] + 2


def test_the_count_stays_the_same_as_the_mission_grows(app, api, immediate):
    cycle = cycle_in(api, "component_input")
    submission_id, focal_point, component_head = _ids(app, cycle)
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{submission_id}", json={"narrative": "P.", "rating": "on_track"}))
    first = len(_fire_as_a_request(app, focal_point, submission_id, "submit"))
    for round_ in range(3):  # input sent back and forth: more tasks, events and messages behind it
        _fire_as_a_request(app, component_head, submission_id, "return", comment=f"Round {round_}.")
        _fire_as_a_request(app, focal_point, submission_id, "submit")
    for other in (s for s in cycle["submissions"] if s["component"] != "CIV"):
        ok(api(fp(other["component"])).put(f"/api/v1/submissions/{other['id']}", json={"rating": "on_track"}))
    _fire_as_a_request(app, component_head, submission_id, "return", comment="Once more.")
    assert len(_fire_as_a_request(app, focal_point, submission_id, "submit")) == first == len(SUBMIT)
    assert len(COMPONENTS) == 3


def test_a_stale_version_is_a_conflict_and_writes_nothing(app, api):
    from cpas_workflow.core.errors import Conflict

    cycle = cycle_in(api, "component_input")
    submission_id, focal_point, _ = _ids(app, cycle)
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{submission_id}", json={"narrative": "P.", "rating": "on_track"}))
    before = _rows(app, submission_id)
    from cpas_workflow.accounts.queries import get_user
    from cpas_workflow.submissions.models import Submission
    from cpas_workflow.submissions.operations import fire_submission_trigger
    from cpas_workflow.submissions.rows import submission_to_fire

    with app.app_context(), counted(app) as statements:
        actor = get_user(focal_point)
        submission = submission_to_fire(submission_id, actor)
        with db.engine.begin() as other:  # someone else edits the input meanwhile
            other.execute(
                db.update(Submission).where(Submission.id == submission_id).values(version=Submission.version + 1)
            )
        try:
            fire_submission_trigger(submission, "submit", actor)
            raise AssertionError("a stale submission was submitted")
        except Conflict as conflict:
            assert "changed by someone else" in str(conflict)
        db.session.rollback()
    # the other's UPDATE, then ours, the first write of the transition: nothing else was even tried
    assert [s for s in _shape(statements) if s.split()[0] in ("INSERT", "UPDATE")] == ["UPDATE submissions"] * 2
    assert _rows(app, submission_id) == before  # no task closed or opened, no event, no message


def test_a_submission_read_as_a_row_is_refused_as_the_object_is(app, api):
    """The API's path (a row) and the pages' path (a Submission) give the same refusals, word for word."""
    from cpas_workflow.accounts.queries import get_user
    from cpas_workflow.core.errors import DomainError
    from cpas_workflow.submissions.operations import fire_submission_trigger, get_submission
    from cpas_workflow.submissions.rows import submission_to_fire

    cycle = cycle_in(api, "component_input")
    submission_id, focal_point, component_head = _ids(app, cycle)
    ok(api(fp("CIV")).put(f"/api/v1/submissions/{submission_id}", json={"narrative": "P."}))  # no rating yet
    attempts = [
        (focal_point, "submit", {}),  # a guard: the rating is missing
        (focal_point, "submit", {"expected_version": 1}),  # a stale version
        (component_head, "submit", {}),  # not their role
        (component_head, "return", {"comment": "Why."}),  # not at this step
        (focal_point, "publish", {}),  # no such trigger
    ]

    def refusal(load, user_id: int, trigger: str, kw: dict) -> tuple:
        with app.app_context():
            actor = get_user(user_id)
            try:
                fire_submission_trigger(load(submission_id, actor), trigger, actor, **kw)
            except DomainError as refused:
                return type(refused).__name__, str(refused), getattr(refused, "fields", None)
            finally:
                db.session.rollback()
        raise AssertionError(f"{trigger} was not refused")

    for user_id, trigger, kw in attempts:
        as_object = refusal(lambda i, u: get_submission(i, u, with_comments=False), user_id, trigger, kw)
        assert refusal(submission_to_fire, user_id, trigger, kw) == as_object
    assert _rows(app, submission_id)["state"] == "pending"
