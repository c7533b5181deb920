"""Benchmark: committed transitions per second, beside SpiffWorkflow and the bare floor, in one run.

- cpas-workflow: a component's input submitted and returned, again and again, each step as the API
  does it — the actor loaded as a request loads the signed-in user, the submission read as one row
  (`submissions.rows`), the trigger fired through the operation (guards, the state written with its
  version checked, the tasks closed and opened, the notices, the outbox rows for `immediate` users,
  the audit event), one commit. (The API's answer, which reads the submission again, is not timed.)
- SpiffWorkflow (when installed: `pip install -e '.[bench]'`): a BPMN process of five user tasks in a
  row, kept in memory; each step completes the ready task, serializes the workflow with its own
  serializer and commits it (its most favourable case: it never reads a workflow back).
- the floor: a bare `transitions` machine of the same five steps, one UPDATE of the state, one commit.

Run: `.venv/bin/python bench/firing.py [STEPS]` (or `make bench`; `CPAS_BENCH_BACKEND=postgresql`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, event, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import bench_app, note, row  # noqa: E402

from cpas_workflow.accounts.models import RoleAssignment, User  # noqa: E402
from cpas_workflow.accounts.queries import get_user  # noqa: E402
from cpas_workflow.core import clock  # noqa: E402
from cpas_workflow.core.schema import upgrade_schema  # noqa: E402
from cpas_workflow.cycles.operations import CycleDraft, fire_cycle_trigger, start_cycle  # noqa: E402
from cpas_workflow.cycles.queries import get_cycle, get_mission  # noqa: E402
from cpas_workflow.demo import load_demo  # noqa: E402
from cpas_workflow.extensions import db  # noqa: E402
from cpas_workflow.submissions.operations import fire_submission_trigger, get_submission  # noqa: E402
from cpas_workflow.submissions.rows import submission_to_fire  # noqa: E402

NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
STEPS = ["one", "two", "three", "four", "five"]
BPMN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
    'targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="five" isExecutable="true">'
    '<bpmn:startEvent id="start"/>'
    + "".join(f'<bpmn:userTask id="{s}" name="Step {s}"/>' for s in STEPS)
    + '<bpmn:endEvent id="end"/>'
    + "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(zip(["start", *STEPS], [*STEPS, "end"], strict=True))
    )
    + "</bpmn:process></bpmn:definitions>"
)


class Counter:
    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, *_args) -> None:
        self.statements += 1


class Clocks:
    """Wall time and this process's CPU time from `start()` on; per step once stopped. The machine is
    shared: wall time includes waiting for a core, CPU time does not."""

    def start(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def per_step(self, count: int) -> tuple[float, float]:
        return (time.perf_counter() - self.wall) / count, (time.process_time() - self.cpu) / count


def cpas_steps(count: int) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, statements) per committed transition of submit/return on one input."""
    with clock.frozen(NOW):
        load_demo("bench-password")
        db.session.commit()
        users = dict(db.session.execute(select(User.email, User.id)).all())
        db.session.execute(update(User).values(notify="immediate"))  # every transition writes outbox rows
        spu = get_user(users["spu@demo.example"])
        draft = CycleDraft("quarterly_assessment", "2026-Q4", dt.date(2026, 10, 15), ["CIV", "MIL", "POL"])
        cycle_id = start_cycle(get_mission("DEMO", spu), draft, spu).id
        db.session.commit()
        fire_cycle_trigger(get_cycle(cycle_id, spu), "open_input", spu)
        db.session.commit()
        submission = next(s for s in get_cycle(cycle_id, spu).submissions if s.component_id is not None)
        submission_id = submission.id
        submission = get_submission(submission_id, spu)
        submission.narrative, submission.rating = "Progress in every sector.", "some_progress"
        focal_point = db.session.scalar(
            select(RoleAssignment.user_id).where(
                RoleAssignment.component_id == submission.component_id, RoleAssignment.role == "focal_point"
            )
        )
        head = db.session.scalar(
            select(RoleAssignment.user_id).where(
                RoleAssignment.component_id == submission.component_id, RoleAssignment.role == "component_head"
            )
        )
        db.session.commit()
        db.session.remove()

    def step(n: int) -> None:
        with clock.frozen(NOW + dt.timedelta(seconds=n)):
            submit = n % 2 == 0
            actor = get_user(focal_point if submit else head)  # as a request loads the signed-in user
            submission = submission_to_fire(submission_id, actor)  # and the submission, as the API does
            if submit:
                fire_submission_trigger(submission, "submit", actor)
            else:
                fire_submission_trigger(submission, "return", actor, comment="Please add the figures.")
            db.session.commit()
            db.session.remove()

    # The statements are counted over a few steps of their own: a listener on every statement is no
    # part of a server (nor of the floor's or Spiff's loops), and it cost about 2 % of a step.
    counter = Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    counted = 20
    for n in range(counted):
        step(n)
    event.remove(db.engine, "before_cursor_execute", counter)
    profile = None
    if "--profile" in sys.argv:  # where a transition's time goes, for docs/PERFORMANCE.md
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    clocks = Clocks()
    clocks.start()
    for n in range(counted, counted + count):
        step(n)
    wall, cpu = clocks.per_step(count)
    if profile is not None:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    return wall, cpu, counter.statements / counted


def spiff_steps(count: int) -> tuple[float, float] | None:
    """(wall, CPU) seconds per step of the five-user-task BPMN flow, run, serialized and committed."""
    try:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState
    except ImportError:
        return None
    parser = BpmnParser()
    parser.add_bpmn_str(BPMN.encode())
    spec = parser.get_spec("five")
    serializer = BpmnWorkflowSerializer()
    table = Table("bench_spiff", MetaData(), Column("id", Integer, primary_key=True), Column("body", Text))
    table.create(db.engine)
    with db.engine.connect() as conn:
        workflow_id = None
        clocks = Clocks()
        clocks.start()
        for n in range(count):
            if n % len(STEPS) == 0:  # a new run of the flow, stored
                workflow = BpmnWorkflow(spec)
                workflow.do_engine_steps()
                workflow_id = conn.execute(
                    insert(table).values(body=serializer.serialize_json(workflow)).returning(table.c.id)
                ).scalar_one()
                conn.commit()
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            task.run()
            workflow.do_engine_steps()
            conn.execute(
                update(table).where(table.c.id == workflow_id).values(body=serializer.serialize_json(workflow))
            )
            conn.commit()
        return clocks.per_step(count)


def floor_steps(count: int) -> tuple[float, float]:
    """(wall, CPU) seconds per step of a bare `transitions` machine, one UPDATE and one commit."""
    from transitions import Machine

    class Item:
        state = "one"

    table = Table("bench_floor", MetaData(), Column("id", Integer, primary_key=True), Column("state", String(20)))
    table.create(db.engine)
    machine = Machine(model=None, states=[*STEPS, "done"], initial="one", auto_transitions=False)
    for a, b in zip(STEPS, [*STEPS[1:], "done"], strict=True):
        machine.add_transition("next", a, b)
    machine.add_transition("again", "done", "one")
    item = Item()
    with db.engine.connect() as conn:
        conn.execute(insert(table).values(id=1, state="one"))
        conn.commit()
        clocks = Clocks()
        clocks.start()
        for _ in range(count):
            machine.events["again" if item.state == "done" else "next"].trigger(item)
            conn.execute(update(table).where(table.c.id == 1).values(state=item.state))
            conn.commit()
        return clocks.per_step(count)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 400
    folder = Path(tempfile.mkdtemp(prefix="cpas-bench-"))
    app = bench_app(folder, CPAS_DEMO_HISTORY=False, CPAS_CHEAP_PASSWORD_HASHES=True)
    with app.app_context():
        upgrade_schema()
        ours, ours_cpu, statements = cpas_steps(count)
        spiff = spiff_steps(count)
        floor, floor_cpu = floor_steps(count * 5)
        db.session.remove()
        db.engine.dispose()
    note(f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} (CPU time does not count the waits)")
    note(
        f"cpas-workflow: {ours * 1000:.3f} ms a committed transition ({ours_cpu * 1000:.3f} ms CPU), "
        f"{statements:.1f} statements each"
    )
    note(
        f"bare floor (transitions + one UPDATE + commit): {floor * 1000:.3f} ms a step ({floor_cpu * 1000:.3f} ms CPU)"
    )
    note(f"by CPU time: {ours_cpu / floor_cpu:.2f} × the floor")
    row("committed transitions per second", 1 / ours, 300, "/s", at_least=True)
    row("a transition against the bare floor (times slower)", ours / floor, 3, "×")
    if spiff is None:
        note("SpiffWorkflow is not installed (pip install -e '.[bench]'): its row is skipped")
    else:
        spiff, spiff_cpu = spiff
        note(
            f"SpiffWorkflow, five user tasks, serialized and committed: {spiff * 1000:.3f} ms a step "
            f"({spiff_cpu * 1000:.3f} ms CPU); by CPU time ours is {spiff_cpu / ours_cpu:.2f} × as fast"
        )
        row("a transition against SpiffWorkflow (times faster)", spiff / ours, 2, "×", at_least=True)


if __name__ == "__main__":
    main()
