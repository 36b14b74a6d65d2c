"""The front end's API types are generated from the app's OpenAPI document and committed current.

frontend/src/api-types.ts is openapi-typescript's output for ``create_app(...).openapi()``; the pages use
those types (through the aliases in frontend/src/api.ts) and vue-tsc checks them in the build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONTEND_SRC = ROOT / "frontend" / "src"
NODE_MODULES = ROOT / "frontend" / "node_modules"

needs_tool = pytest.mark.skipif(
    not NODE_MODULES.is_dir() and not os.environ.get("CI"),
    reason="frontend/node_modules is absent: run `make setup` (npm ci) to install openapi-typescript",
)


def _gen():
    spec = importlib.util.spec_from_file_location("gen_api_types", ROOT / "scripts" / "gen_api_types.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@needs_tool
def test_generated_api_types_are_current():
    committed = (FRONTEND_SRC / "api-types.ts").read_text(encoding="utf-8")
    assert committed == _gen().render(), (
        "frontend/src/api-types.ts is stale (the API's routes or models changed): "
        "run .venv/bin/python scripts/gen_api_types.py and commit the file"
    )


def test_openapi_text_is_sorted_and_repeatable():
    gen = _gen()
    text = gen.openapi_json()
    assert text == gen.openapi_json()
    doc = json.loads(text)
    # sorted keys at every level, so a reordered route or field cannot churn the generated file
    assert list(doc) == sorted(doc)
    schemas = doc["components"]["schemas"]
    assert list(schemas) == sorted(schemas)
    assert list(schemas["EnterpriseOut"]["properties"]) == sorted(schemas["EnterpriseOut"]["properties"])
    assert "/api/v1/enterprises" in doc["paths"]


def test_generated_file_covers_every_schema_and_says_how_to_regenerate():
    text = (FRONTEND_SRC / "api-types.ts").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("// Generated") and "scripts/gen_api_types.py" in first
    schemas = json.loads(_gen().openapi_json())["components"]["schemas"]
    for name in schemas:
        key = name if re.fullmatch(r"[A-Za-z_$][\w$]*", name) else json.dumps(name)
        assert re.search(rf"^        {re.escape(key)}: ", text, re.M), (
            f"schema {name} missing from api-types.ts"
        )


def test_front_end_declares_no_answer_shape_of_its_own():
    """Pages and helpers take the API's types from api.ts, which aliases the generated schemas."""
    api = (FRONTEND_SRC / "api.ts").read_text(encoding="utf-8")
    assert "from './api-types'" in api
    assert not re.search(r"^export interface ", api, re.M), "api.ts must alias the generated schemas"
    offenders = []
    for path in sorted(FRONTEND_SRC.rglob("*")):
        if path.suffix not in {".ts", ".vue"} or path.name in {"api.ts", "api-types.ts"}:
            continue
        src = path.read_text(encoding="utf-8")
        # an inline answer shape handed to the client, e.g. api<{ user: User }>(...)
        if re.search(r"\b(?:api|post|all)<\s*\{", src):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, f"inline API answer types (use the types in frontend/src/api.ts): {offenders}"
