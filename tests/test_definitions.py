"""Workflow definition files: broken ones are refused at load with the file and the key named."""

import shutil
from pathlib import Path

import pytest
import yaml

from cpas_workflow.engine import store
from cpas_workflow.engine.definitions import DefinitionError

WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"


def _folder(tmp_path, edit=None, name="quarterly_assessment.yaml") -> Path:
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    if edit is not None:
        path = folder / name
        body = yaml.safe_load(path.read_text())
        edit(body)
        path.write_text(yaml.safe_dump(body, sort_keys=False))
    return folder


def test_the_shipped_definitions_load(tmp_path):
    loaded = store.load(_folder(tmp_path))
    assert set(loaded) == {"quarterly_assessment", "quarterly_assessment_joint", "component_submission", "mission_plan"}
    quarterly = loaded["quarterly_assessment"]
    assert quarterly.main_path() == [
        "draft_plan",
        "component_input",
        "joint_review",
        "leadership_signoff",
        "followup",
        "closed",
    ]  # cancelling and reopening for correction are exits and detours, not steps
    assert quarterly.transition("cancel", "followup").dest == "cancelled"
    assert quarterly.transition("cancel", "closed") is None
    assert quarterly.transition("reopen_for_correction", "closed").dest == "correction"
    assert loaded["mission_plan"].main_path()[-1] == "published"
    assert quarterly.transition("approve", "leadership_signoff").approvals is None  # one approval fires it
    joint = loaded["quarterly_assessment_joint"]
    assert joint.main_path() == quarterly.main_path()
    assert joint.transition("approve", "leadership_signoff").approvals.count == 2
    assert joint.transition("approve", "leadership_signoff").approvals.on_leave == "reset"


def _set(path, value):
    def edit(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


BROKEN = [
    ("unknown dest state", _set(["transitions", 1, "dest"], "revew"), "transitions[1].dest: unknown state 'revew'"),
    (
        "unknown source state",
        _set(["transitions", 0, "source"], ["draft", "draft_plan"]),
        "transitions[0].source: unknown state 'draft'",
    ),
    (
        "unknown guard",
        _set(["transitions", 1, "guards"], ["all_good"]),
        "transitions[1].guards: unknown guard 'all_good'",
    ),
    (
        "unknown effect",
        _set(["transitions", 0, "effects"], ["send_fax"]),
        "transitions[0].effects: unknown effect 'send_fax'",
    ),
    ("unknown role", _set(["transitions", 0, "roles"], ["chief"]), "transitions[0].roles"),
    ("unknown initial", _set(["initial"], "start"), "initial: unknown state 'start'"),
    ("bad version", _set(["version"], "one"), "version: must be a whole number"),
    ("unknown key", _set(["colour"], "blue"), "colour: unknown key"),
    (
        "unknown task placeholder",
        _set(["states", "draft_plan", "tasks", 0, "title"], "Open {quarter}"),
        "states.draft_plan.tasks[0].title: unknown placeholder {quarter}",
    ),
    (
        "bad due base",
        _set(["states", "draft_plan", "tasks", 0, "due"], {"from": "tomorrow", "days": 1}),
        "states.draft_plan.tasks[0].due.from",
    ),
    ("bad comment flag", _set(["transitions", 7, "comment"], "sometimes"), "transitions[7].comment"),
    ("missing states", lambda body: body.pop("states"), "states: is required"),
    (
        "final state with a way out",
        _set(["transitions", 0, "source"], "cancelled"),
        "transitions[0].source: 'cancelled' is a final state",
    ),
    ("bad reminders", _set(["reminders", "days_before"], [0]), "reminders.days_before"),
    (
        "approvals from nobody",
        _set(["transitions", 5, "approvals"], {"count": 0}),
        "transitions[5].approvals.count: must be a whole number from 1 up, or 'all', not 0",
    ),
    (
        "approvals of a word",
        _set(["transitions", 5, "approvals"], "most"),
        "transitions[5].approvals.count: must be a whole number from 1 up, or 'all', not 'most'",
    ),
    (
        "unknown approvals key",
        _set(["transitions", 5, "approvals"], {"count": 2, "quorum": 1}),
        "transitions[5].approvals.quorum: unknown key",
    ),
    (
        "approvals without a count",
        _set(["transitions", 5, "approvals"], {"on_leave": "keep"}),
        "transitions[5].approvals.count: is required",
    ),
    (
        "approvals kept or reset, nothing else",
        _set(["transitions", 5, "approvals"], {"count": "all", "on_leave": "forget"}),
        "transitions[5].approvals.on_leave: must be one of reset, keep, not 'forget'",
    ),
    (
        "approvals on a transition taking params",
        _set(["transitions", 8, "approvals"], {"count": 2}),
        "transitions[8].approvals: a transition that takes params cannot collect several approvals",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_definition_is_refused_naming_the_file_and_the_key(tmp_path, edit, expected):
    folder = _folder(tmp_path, edit)
    with pytest.raises(DefinitionError) as error:
        store.load(folder)
    assert str(error.value).startswith(str(folder / "quarterly_assessment.yaml") + ": ")
    assert expected in str(error.value)


def test_a_duplicate_trigger_from_one_state_is_refused(tmp_path):
    def edit(body):
        body["transitions"].append(
            {"trigger": "open_input", "source": "draft_plan", "dest": "cancelled", "roles": ["spu"]}
        )

    with pytest.raises(
        DefinitionError,
        match=r"transitions\[10\].trigger: duplicate trigger 'open_input' from state 'draft_plan' \(also transitions\[0\]\)",
    ):
        store.load(_folder(tmp_path, edit))


def test_an_unreachable_state_is_refused(tmp_path):
    def edit(body):
        body["states"]["limbo"] = {"title": "Limbo", "final": True}

    with pytest.raises(
        DefinitionError,
        match=r"quarterly_assessment.yaml: states.limbo: unreachable from the initial state 'draft_plan'",
    ):
        store.load(_folder(tmp_path, edit))


def test_a_dead_end_state_that_is_not_final_is_refused(tmp_path):
    def edit(body):
        body["states"]["parked"] = {"title": "Parked"}
        body["transitions"].append({"trigger": "park", "source": "draft_plan", "dest": "parked", "roles": ["spu"]})
        body["transitions"][-2]["source"] = [s for s in body["states"] if s not in ("closed", "cancelled", "parked")]

    with pytest.raises(DefinitionError, match=r"states.parked: no transition leaves this state"):
        store.load(_folder(tmp_path, edit))


def test_invalid_yaml_and_non_mappings_are_refused(tmp_path):
    folder = _folder(tmp_path)
    (folder / "broken.yaml").write_text("name: [unclosed\n")
    with pytest.raises(DefinitionError, match=r"broken.yaml: not valid YAML"):
        store.load(folder)
    (folder / "broken.yaml").write_text("- just\n- a list\n")
    with pytest.raises(DefinitionError, match=r"broken.yaml: the file must hold a mapping"):
        store.load(folder)


def test_two_files_with_the_same_name_are_refused(tmp_path):
    folder = _folder(tmp_path)
    shutil.copy(folder / "mission_plan.yaml", folder / "mission_plan_copy.yaml")
    with pytest.raises(DefinitionError, match=r"mission_plan_copy.yaml: name: 'mission_plan' is already defined"):
        store.load(folder)


def test_a_submission_workflow_must_exist(tmp_path):
    with pytest.raises(DefinitionError, match=r"quarterly_assessment.yaml: submission_workflow: 'component_input'"):
        store.load(_folder(tmp_path, _set(["submission_workflow"], "component_input")))


def test_changed_content_without_a_raised_version_is_refused_once_registered(app_ctx, tmp_path):
    from cpas_workflow.extensions import db

    store.register_all()
    db.session.commit()
    changed = store.load(_folder(tmp_path, _set(["title"], "Quarterly review (renamed)")))["quarterly_assessment"]
    with pytest.raises(
        DefinitionError,
        match=r"quarterly_assessment.yaml: version: the content of 'quarterly_assessment' changed but its version 2 was not raised",
    ):
        store.register(changed)
    db.session.rollback()
    raised = store.load(_folder(tmp_path / "v3", lambda b: (_set(["title"], "Renamed")(b), _set(["version"], 3)(b))))[
        "quarterly_assessment"
    ]
    assert store.register(raised).version == 3


def test_a_running_cycle_stays_on_the_version_it_started_with(app, api, tmp_path):
    from tests.cycle_helpers import SPU, fire, ok, start_cycle

    cycle = start_cycle(api)

    def edit(body):
        body["version"] = 3
        body["transitions"][0]["roles"] = ["leadership"]  # v3: only leadership opens input

    v2 = store.load(_folder(tmp_path, edit))
    original = app.extensions["cpas_definitions"]
    app.extensions["cpas_definitions"] = v2
    try:
        new = start_cycle(api, period="2027-Q1", input_due="2027-01-15")
        assert new["workflow_version"] == 3
        assert fire(api, SPU, new["id"], "open_input").status_code == 403
        old = ok(fire(api, SPU, cycle["id"], "open_input"))
        assert (old["workflow_version"], old["state"]) == (2, "component_input")
    finally:
        app.extensions["cpas_definitions"] = original


def test_the_app_refuses_to_start_with_a_broken_workflow_folder(tmp_path):
    from cpas_workflow import create_app

    folder = _folder(tmp_path, _set(["transitions", 1, "dest"], "nowhere"))
    with pytest.raises(DefinitionError, match="transitions\\[1\\].dest: unknown state 'nowhere'"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "CPAS_WORKFLOWS_DIR": str(folder),
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            },
            instance_path=str(tmp_path / "i"),
        )
