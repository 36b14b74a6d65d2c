"""Posting needs and offers: an enterprise user names only its own plants; bodies are bounded.

On test_api's small store: changan owns plant s1, catl owns s2, cdcell owns s3. Admins and analysts may
name any plant. The limits are those of :mod:`chainbrain.match.records` (documented in docs/api.md).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from chainbrain.match import records
from chainbrain.store import connect
from fixtures.api import PASSWORDS, build_store


@pytest.fixture(scope="module")
def api_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("posting") / "s.duckdb"
    build_store(path)
    return path


@pytest.fixture
def client(api_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "w.duckdb"
    shutil.copy(api_db, path)
    with TestClient(create_app(ApiSettings(db=path)), raise_server_exceptions=False) as c:
        yield c


def _auth(client: TestClient, user: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORDS[user]})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _need(**extra: Any) -> dict[str, Any]:
    return {"buyer_id": "changan", "segment_id": "battery", "title": "动力电池包", **extra}


def _offer(**extra: Any) -> dict[str, Any]:
    return {"supplier_id": "catl", "segment_ids": ["battery"], "title": "动力电池包", **extra}


def _stored(client: TestClient, kind: str) -> int:
    h = _auth(client, "analyst")
    return int(client.get(f"/api/v1/{kind}", headers=h).json()["count"])


def _audited(client: TestClient, action: str) -> int:
    log = client.get("/api/v1/users/audit", headers=_auth(client, "admin")).json()["data"]
    return sum(1 for e in log if e["action"] == action)


def test_enterprise_user_cannot_name_another_firms_plant_in_a_need(client: TestClient) -> None:
    h = _auth(client, "changan")
    r = client.post("/api/v1/needs", json=_need(buyer_site_id="s2"), headers=h)
    assert r.status_code == 403, r.text
    assert "s2（属于 catl）" in r.json()["detail"] and "本企业（changan）" in r.json()["detail"]
    assert _stored(client, "needs") == 0 and _audited(client, "need.create") == 0
    ok = client.post("/api/v1/needs", json=_need(buyer_site_id="s1"), headers=h)
    assert ok.status_code == 201, ok.text
    assert _stored(client, "needs") == 1 and _audited(client, "need.create") == 1


def test_enterprise_user_cannot_name_another_firms_plant_in_an_offer(client: TestClient) -> None:
    h = _auth(client, "catl")
    r = client.post("/api/v1/offers", json=_offer(site_ids=["s2", "s1", "s3"]), headers=h)
    assert r.status_code == 403, r.text
    detail = r.json()["detail"]
    assert "s1（属于 changan）" in detail and "s3（属于 cdcell）" in detail and "s2（" not in detail
    assert _stored(client, "offers") == 0
    ok = client.post("/api/v1/offers", json=_offer(site_ids=["s2"]), headers=h)
    assert ok.status_code == 201, ok.text
    assert _stored(client, "offers") == 1 and _audited(client, "offer.create") == 1


def test_analysts_and_admins_may_name_any_plant(client: TestClient) -> None:
    for user in ("analyst", "admin"):
        h = _auth(client, user)
        assert client.post("/api/v1/needs", json=_need(buyer_site_id="s2"), headers=h).status_code == 201
        assert client.post("/api/v1/offers", json=_offer(site_ids=["s1", "s3"]), headers=h).status_code == 201
    assert (_stored(client, "needs"), _stored(client, "offers")) == (2, 2)


def test_unknown_plant_is_still_a_plain_error(client: TestClient) -> None:
    r = client.post("/api/v1/needs", json=_need(buyer_site_id="s9"), headers=_auth(client, "changan"))
    assert r.status_code == 422 and "s9 不存在" in r.json()["detail"]


def test_library_refuses_another_firms_plant(api_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "l.duckdb"
    shutil.copy(api_db, path)
    conn = connect(path)
    with pytest.raises(records.SiteNotOwned, match="s2（属于 catl）"):
        records.add_need(conn, _need(buyer_site_id="s2"), sites_of="changan")
    assert conn.execute("SELECT count(*) FROM need").fetchone() == (0,)
    records.add_need(conn, _need(buyer_site_id="s2"))  # no owner given: the library itself may
    assert conn.execute("SELECT count(*) FROM need").fetchone() == (1,)
    conn.close()


OVERSIZED = {
    "100,000 certifications": (
        "needs",
        "certifications",
        _need(certifications=[f"C{i}" for i in range(100_000)]),
    ),
    "21 certifications": ("needs", "certifications", _need(certifications=[f"C{i}" for i in range(21)])),
    "a certification of 65 characters": ("needs", "certifications.0", _need(certifications=["X" * 65])),
    "a title of 201 characters": ("needs", "title", _need(title="电" * 201)),
    "a spec of 4001 characters": ("needs", "spec", _need(spec="规" * 4001)),
    "a buyer id of 65 characters": ("needs", "buyer_id", _need(buyer_id="c" * 65)),
    "a unit of 21 characters": ("needs", "volume_unit", _need(volume_unit="套" * 21)),
    "51 segments": ("offers", "segment_ids", _offer(segment_ids=["battery"] * 51)),
    "51 sites": ("offers", "site_ids", _offer(site_ids=["s2"] * 51)),
    "offer text of 4001 characters": ("offers", "text", _offer(text="能" * 4001)),
    "offer certifications 21": ("offers", "certifications", _offer(certifications=["IATF 16949"] * 21)),
}


@pytest.mark.parametrize("case", sorted(OVERSIZED))
def test_oversized_bodies_are_refused_with_422(client: TestClient, case: str) -> None:
    kind, field, body = OVERSIZED[case]
    r = client.post(f"/api/v1/{kind}", json=body, headers=_auth(client, "analyst"))
    assert r.status_code == 422, r.text[:300]
    assert f"参数 {field} " in r.json()["detail"]  # refused for its size, not for another reason
    assert _stored(client, kind) == 0


def test_bodies_at_the_limits_are_accepted(client: TestClient) -> None:
    h = _auth(client, "analyst")
    need = _need(
        certifications=[f"C{i}" for i in range(records.MAX_CERTS)],
        spec="规" * records.MAX_TEXT,
        title="电" * records.MAX_TITLE,
    )
    r = client.post("/api/v1/needs", json=need, headers=h)
    assert r.status_code == 201, r.text[:300]
    assert len(r.json()["certifications"]) == 20
    offer = _offer(site_ids=["s2"] * records.MAX_SITES, certifications=["X" * records.MAX_CERT])
    assert client.post("/api/v1/offers", json=offer, headers=h).status_code == 201
    matches = client.get(f"/api/v1/needs/{r.json()['id']}/matches", headers=h)
    assert matches.status_code == 200


def test_user_create_body_is_bounded(client: TestClient) -> None:
    h = _auth(client, "admin")
    body = {"username": "newone", "password": "long-enough-pw", "role": "viewer", "display_name": "名" * 101}
    assert client.post("/api/v1/users", json=body, headers=h).status_code == 422
    # an empty firm id is no firm: refused by the body's bounds, not by the store's CHECK constraint (500)
    body = {"username": "newone", "password": "long-enough-pw", "role": "viewer", "enterprise_id": ""}
    assert client.post("/api/v1/users", json=body, headers=h).status_code == 422
