"""Property tests of the JSON API against its own OpenAPI document (schemathesis).

Every operation of /api/openapi.json is called with generated inputs (valid and
not), with the bearer token so review actions run too: no input may yield a
500, and responses must match the document.
"""

from __future__ import annotations

import pytest
import schemathesis
from deskdata import T0, TOKEN
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from storage import Store
from syndiwatch.web import create_app


@pytest.fixture
def api_schema(desk_store: Store) -> schemathesis.BaseSchema:
    app = create_app(desk_store, token=TOKEN, now=lambda: T0)
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _run(schema: schemathesis.BaseSchema, mode: GenerationMode, checks: list) -> None:  # type: ignore[type-arg]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=checks)

        try:
            call()
        except Unsatisfiable:
            # No invalid input exists for an operation without parameters (/api/runs).
            assert mode is GenerationMode.NEGATIVE, operation.path


def test_api_conforms_to_its_document(api_schema: schemathesis.BaseSchema) -> None:
    # Driven by hand (not schemathesis' pytest plugin) so it runs on the pytest we pin.
    _run(api_schema, GenerationMode.POSITIVE, CHECKS)


def test_api_never_fails_on_invalid_input(api_schema: schemathesis.BaseSchema) -> None:
    _run(api_schema, GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance])


def test_openapi_document_lists_every_api_route(client) -> None:  # type: ignore[no-untyped-def]
    from syndiwatch.web.api import ROUTES

    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {r.path for r in ROUTES} == set(doc["paths"])
