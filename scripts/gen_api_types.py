"""Write frontend/src/api-types.ts from the app's OpenAPI document, so the front end's types never drift.

The document is built in-process (``create_app(...).openapi()``, no server, no store opened), dumped with
sorted keys so the output depends on the routes and models only, and handed to the front end's
``openapi-typescript`` (a dev dependency in frontend/package.json; ``make setup`` installs it).

Run: .venv/bin/python scripts/gen_api_types.py   (tests/test_api_types.py fails when the file is stale)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
TARGET = FRONTEND / "src" / "api-types.ts"
TOOL = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
COMMAND = ".venv/bin/python scripts/gen_api_types.py"
HEADER = f"// Generated from the API's /openapi.json by scripts/gen_api_types.py; do not edit. Regenerate: {COMMAND}\n"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document ``/openapi.json`` serves, built without a server or a store."""
    from chainbrain.api import ApiSettings, create_app

    # the store is opened only when the app starts, which it never does here
    app = create_app(ApiSettings(db=Path("unused.duckdb")))
    return app.openapi()


def openapi_json() -> str:
    """The document as text with sorted keys: the same routes and models give the same bytes."""
    return json.dumps(openapi_document(), sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def render() -> str:
    """The TypeScript module openapi-typescript writes for the document, under a generated-file header."""
    if not TOOL.exists():
        raise FileNotFoundError(f"{TOOL} is missing: run `make setup` (npm ci in frontend/) first")
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError(
            "node is not on PATH: install Node.js (npm) to generate the front end's types"
        )
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "openapi.json"
        out = Path(tmp) / "api-types.ts"
        doc.write_text(openapi_json(), encoding="utf-8")
        subprocess.run(
            [node, str(TOOL), str(doc), "--output", str(out), "--alphabetize"],
            cwd=FRONTEND,
            check=True,
            capture_output=True,
            text=True,
        )
        body = out.read_text(encoding="utf-8")
    return HEADER + body


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
