"""Bad input never breaks the server: schemathesis generates requests for every operation in
/openapi.json — valid ones and invalid ones — and none may be answered with a 5xx.

Each operation is called with a real token of the kind it needs (a till's for device routes,
an admin's for the rest) and the protocol header, so the generated bodies, paths and
queries reach the services instead of stopping at authentication.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from pos_core.protocol.messages import PROTOCOL_HEADER
from sync_server.main import create_app
from sync_server.settings import Settings


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
def test_no_generated_request_gets_a_server_error(db_url, chain, loop_count, mode):
    app = create_app(Settings.from_env(db_url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    till = chain.tills["S1-1"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45
    failures: list[str] = []
    for operation in operations:
        device = any(p.name == PROTOCOL_HEADER for p in operation.headers)
        headers = till.headers if device else {**chain.admin, PROTOCOL_HEADER: "1"}
        if operation.path.endswith("/enrol"):
            headers = {PROTOCOL_HEADER: "1"}
        fuzz(operation, mode, headers, loop_count(125) // 5, failures)
    assert not failures, "\n".join(failures[:20])


def fuzz(operation, mode, headers, examples, failures):
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode, headers=headers))
    def call(case):
        response = case.call()
        if response.status_code >= 500:
            failures.append(
                f"{operation.method.upper()} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:300]}"
            )

    try:
        call()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (GET /health has no inputs).
        assert mode is schemathesis.GenerationMode.NEGATIVE
