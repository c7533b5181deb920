"""Schemathesis against `/api/v1/openapi.json`, in-process over WSGI, as users of two missions: every
operation, valid and invalid data, every check schemathesis has (no 5xx, answers match the document,
data the document calls valid is not refused, invalid data is refused, every 405 names what is allowed).
Examples are bounded so the whole run takes seconds; `CPAS_SCHEMATHESIS_EXAMPLES` raises the bound."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.cycle_helpers import cycle_in

EXAMPLES = int(os.environ.get("CPAS_SCHEMATHESIS_EXAMPLES", "4"))
USERS = ("spu@demo.example", "spu@other.example")
# Bodies that name a person and a date range: a well-formed one may still name no one of the caller's
# mission, or a range already over, which the contract answers with 422 (tests/test_people_*.py check it).
NAMES_PEOPLE = {"POST /me/delegations", "POST /tasks/{id}/assign"}


@pytest.fixture
def api_schema(app, api):
    cycle_in(api, "followup")  # real ids: cycle 1, its submissions and a recommendation exist
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.generation.update(allow_x00=False, codec="utf-8", max_examples=EXAMPLES)
    return schema


def _check(operation, mode: GenerationMode, headers: list[dict], ran: list[str]) -> None:
    """Up to EXAMPLES cases of one operation, alternating between the two missions' users."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        ran.append(operation.label)
        excluded = [positive_data_acceptance] if operation.label in NAMES_PEOPLE else None
        case.call_and_validate(headers=headers[len(ran) % 2], excluded_checks=excluded)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_holds_to_the_openapi_document(api_schema, api, mode):
    headers = [api(email).headers for email in USERS]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    ran: list[str] = []
    for operation in operations:
        _check(operation, mode, headers, ran)
    print(f"schemathesis {mode.value}: {len(ran)} cases over {len(operations)} operations")
