"""Fuzz every documented route with schemathesis: whatever the input, the API never answers 5xx.

Runs against the demo store (a private copy), logged in as an admin so that every route is reached
past its role check. A bounded number of examples per route keeps it well under a minute.

Nothing here depends on the machine's speed: the fuzzing starts once the app's start-up warm-up (the
resilience sweep) has finished, and a request may take as long as a loaded machine needs — the check is
"never 5xx", not "fast"; ``REQUEST_TIMEOUT`` only turns a hung request into a failure.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from chainbrain.api import ApiSettings, create_app
from chainbrain.api.accounts import create_user
from chainbrain.store import connect

ADMIN = ("fuzz-admin", "random-input-pass")
#: seconds; far above any route's time on a loaded machine (the default, 10 s, was not)
REQUEST_TIMEOUT = 600.0


# The app is built at import so schemathesis can read its schema while collecting; the store it serves
# is chosen (and opened, by the lifespan) in the fixture below.
# Until then it points at an empty scratch store in the temp directory, opened only to read the schema.
_SCRATCH = Path(tempfile.mkdtemp(prefix="cb-fuzz-")) / "schema-only.duckdb"
atexit.register(shutil.rmtree, _SCRATCH.parent, True)
APP = create_app(ApiSettings(db=_SCRATCH))
# logout would end the fuzzer's own session; briefings render charts (slow) and are tested elsewhere
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    .exclude(operation_id="auth-logout")
    .exclude(operation_id="targets-read_briefing")
)


@pytest.fixture(scope="module")
def admin_token(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("fuzz") / "demo.duckdb"
    shutil.copy(demo_db_file, path)
    conn = connect(path)
    create_user(conn, *ADMIN, "admin")
    conn.close()
    APP.state.settings.db = path
    with TestClient(APP) as client:  # runs the lifespan: the store stays open for schemathesis' calls
        APP.state.resilience_warm_up.join()  # ready: the sweep is computed before any request is timed
        r = client.post("/api/v1/auth/login", json={"username": ADMIN[0], "password": ADMIN[1]})
        yield r.json()["access_token"]


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, admin_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_token}"},
        checks=[not_a_server_error],
        timeout=REQUEST_TIMEOUT,
    )
