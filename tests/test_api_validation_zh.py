"""A refused request parameter is explained in Chinese: what is wrong, the bound or the choices, the value.

Expected texts are written from the routes' declared bounds (page ≥ 1, size 1–500, ``by`` one of five
groupings), not from the handler.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from fixtures.api import build_store, token

ENGLISH_WORD = re.compile(r"\b(?:Input|should|valid|be|greater|less|than|field|required)\b")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("api") / "small.duckdb"
    build_store(path)
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


@pytest.fixture(scope="module")
def analyst(client: TestClient) -> dict[str, str]:
    return token(client, "analyst")


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/api/v1/enterprises", {"page": "0"}, "参数 page 应不小于 1（收到“0”）"),
        ("/api/v1/enterprises", {"size": "501"}, "参数 size 应不大于 500（收到“501”）"),
        ("/api/v1/enterprises", {"size": "abc"}, "参数 size 应为整数（收到“abc”）"),
        (
            "/api/v1/analytics/local-rate",
            {"by": "moon"},
            "参数 by 应为以下之一：'oem'、'model'、'segment'、'district'、'city'（收到“moon”）",
        ),
    ],
)
def test_refused_parameter_is_explained_in_chinese(
    client: TestClient, analyst: dict[str, str], path: str, params: dict[str, str], expected: str
) -> None:
    r = client.get(path, params=params, headers=analyst)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail == expected
    assert not ENGLISH_WORD.search(detail), detail


def test_a_long_value_is_cut_in_the_message(client: TestClient, analyst: dict[str, str]) -> None:
    r = client.get("/api/v1/analytics/local-rate", params={"by": "x" * 500}, headers=analyst)
    assert r.status_code == 422
    assert r.json()["detail"].endswith("（收到“" + "x" * 40 + "…”）")
