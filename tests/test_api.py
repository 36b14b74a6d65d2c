"""Web API on a small hand-made store: logins, roles, paging, errors, the audit log.

The store (``fixtures.api.build_store``) has three firms and two supply links, so every expected value is
worked out by hand from it:

    changan (OEM, 渝北区 500112)  site s1  ← buys battery  3e9 元 from  catl site s2   (link l1)
    catl    (Tier1, 巴南区 500113) site s2  ← buys cell     1e9 元 from  cdcell site s3 (link l2)
    cdcell  (Tier2, 成都 510104)   site s3
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainbrain.api import ApiSettings, create_app
from fixtures.api import PASSWORDS, build_store, token


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "small.duckdb"
    build_store(path)
    return path


@pytest.fixture(scope="module")
def client(small_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=small_db))) as c:
        yield c


@pytest.fixture(scope="module")
def auth(client: TestClient) -> dict[str, dict[str, str]]:
    return {u: token(client, u) for u in PASSWORDS}


def test_needs_login_and_says_how(client: TestClient) -> None:
    r = client.get("/api/v1/enterprises")
    assert r.status_code == 401
    assert "登录" in r.json()["detail"]
    assert client.get("/api/v1/auth/session").json() == {"user": None, "allow_anonymous": False}


def test_login_sets_httponly_lax_cookie(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "view", "password": PASSWORDS["view"]})
    cookie = r.headers["set-cookie"]
    assert "cb_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in the test client
    assert client.get("/api/v1/auth/me").json()["role"] == "viewer"
    # a cookie-authenticated write must say where it comes from (CSRF); the browser sends Origin
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"Origin": "http://testserver"}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    client.cookies.clear()


def test_wrong_password(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.json()["detail"] == "用户名或密码错误"


def test_search_by_chinese_name_and_short_name(client: TestClient, auth: dict) -> None:
    h = auth["analyst"]
    r = client.get("/api/v1/enterprises", params={"q": "长安"}, headers=h).json()
    assert [e["id"] for e in r["data"]] == ["changan"] and r["count"] == 1
    r = client.get("/api/v1/enterprises", params={"q": "电芯"}, headers=h).json()
    assert [e["id"] for e in r["data"]] == ["cdcell"]


def test_filters(client: TestClient, auth: dict) -> None:
    h = auth["analyst"]
    get = lambda **p: [e["id"] for e in client.get("/api/v1/enterprises", params=p, headers=h).json()["data"]]  # noqa: E731
    # segment battery includes its child battery.cell: catl (main battery) and cdcell (main battery.cell)
    assert sorted(get(segment="battery")) == ["catl", "cdcell"]
    assert get(district="500113") == ["catl"]
    assert get(role="OEM") == ["changan"]
    assert get(label="链主") == ["changan"]
    assert get(segment="battery", district="510104") == ["cdcell"]


def test_pagination(client: TestClient, auth: dict) -> None:
    h = auth["admin"]
    # ordered by revenue desc: changan 1e7, catl 5e5, cdcell (none, last)
    p1 = client.get("/api/v1/enterprises", params={"size": 2, "page": 1}, headers=h).json()
    p2 = client.get("/api/v1/enterprises", params={"size": 2, "page": 2}, headers=h).json()
    assert p1["count"] == p2["count"] == 3
    assert [e["id"] for e in p1["data"]] == ["changan", "catl"]
    assert [e["id"] for e in p2["data"]] == ["cdcell"]
    r = client.get("/api/v1/enterprises", params={"page": 0}, headers=h)
    assert r.status_code == 422 and "page" in r.json()["detail"]


def test_enterprise_user_sees_only_links_of_its_firm(client: TestClient, auth: dict) -> None:
    # catl is supplier in l1 and buyer in l2: both; changan is buyer in l1 only
    def ids(u):
        return sorted(x["id"] for x in client.get("/api/v1/supply-links", headers=auth[u]).json()["data"])

    assert ids("catl") == ["l1", "l2"]
    assert ids("changan") == ["l1"]
    assert ids("analyst") == ["l1", "l2"]
    assert client.get("/api/v1/supply-links/l2", headers=auth["changan"]).status_code == 403
    assert client.get("/api/v1/supply-links/l1", headers=auth["changan"]).json()["annual_value"] == 3e9


def test_enterprise_user_profile_of_another_firm_hides_links_and_figures(
    client: TestClient, auth: dict
) -> None:
    other = client.get("/api/v1/enterprises/catl", headers=auth["changan"]).json()
    assert other["links_visible"] is False
    assert other["suppliers"] == [] and other["customers"] == []
    assert other["revenue"] is None
    assert [s["id"] for s in other["sites"]] == ["s2"]  # plants are public
    own = client.get("/api/v1/enterprises/catl", headers=auth["catl"]).json()
    assert own["links_visible"] is True and own["revenue"] == 5.0e5
    assert [x["supplier_id"] for x in own["suppliers"]] == ["cdcell"]
    assert [x["buyer_id"] for x in own["customers"]] == ["changan"]
    assert own["suppliers"][0]["supplier_in_city"] is False  # 510104 is Chengdu


def test_viewer_sees_aggregates_only(client: TestClient, auth: dict) -> None:
    h = auth["view"]
    assert client.get("/api/v1/supply-links", headers=h).status_code == 403
    assert client.get("/api/v1/supply-links/l1", headers=h).status_code == 403
    assert client.get("/api/v1/analytics/local-rate", params={"by": "oem"}, headers=h).status_code == 403
    assert client.get("/api/v1/analytics/concentration", headers=h).status_code == 403
    assert client.get("/api/v1/enterprises/changan", headers=h).json()["links_visible"] is False
    # the city-wide rate: OEM links only, l1 is local (s2 in 500113) → 3e9 / 3e9 = 1.0; but with one OEM
    # (changan) and one local supplier (catl) it is their figure, not an aggregate: withheld from the viewer
    ov = client.get("/api/v1/analytics/overview", headers=h).json()
    assert ov["local_rate_value"] is None and ov["total_value"] is None and "少于3家企业" in ov["note"]
    full = client.get("/api/v1/analytics/overview", headers=auth["analyst"]).json()
    assert full["local_rate_value"] == 1.0 and full["total_value"] == 3e9 and full["note"] is None
    assert (
        ov["enterprises"] == 3 and ov["oems"] == 1 and ov["parts_firms"] == 2 and ov["nev_volume"] == 100000
    )
    seg = client.get("/api/v1/analytics/local-rate", params={"by": "segment"}, headers=h).json()
    assert [(r["key"], r["rate_value"], r["withheld"]) for r in seg["data"]] == [("battery", None, True)]
    seg = client.get("/api/v1/analytics/local-rate", params={"by": "segment"}, headers=auth["analyst"]).json()
    assert [(r["key"], r["rate_value"]) for r in seg["data"]] == [("battery", 1.0)]


def test_enterprise_user_gets_its_own_rate_rows_only(client: TestClient, auth: dict) -> None:
    rows = client.get("/api/v1/analytics/local-rate", params={"by": "oem"}, headers=auth["changan"]).json()[
        "data"
    ]
    assert [r["key"] for r in rows] == ["changan"]
    rows = client.get("/api/v1/analytics/local-rate", params={"by": "oem"}, headers=auth["catl"]).json()[
        "data"
    ]
    assert rows == []  # catl is no OEM


def test_whatif_is_for_analysts(client: TestClient, auth: dict) -> None:
    body = {"segment": "battery", "capacity": 10}
    assert client.post("/api/v1/analytics/whatif", json=body, headers=auth["view"]).status_code == 403
    r = client.post("/api/v1/analytics/whatif", json=body, headers=auth["analyst"])
    assert r.status_code == 200
    # battery is already bought locally (l1): nothing to displace
    assert r.json()["displaced_value"] == 0.0 and r.json()["city_after"]["rate_value"] == 1.0
    bad = client.post(
        "/api/v1/analytics/whatif", json={"segment": "nope", "capacity": 10}, headers=auth["analyst"]
    )
    assert bad.status_code == 422 and "nope" in bad.json()["detail"]


def test_bad_boundary_is_explained(client: TestClient, auth: dict) -> None:
    r = client.get("/api/v1/analytics/gaps", params={"boundary": "moon"}, headers=auth["analyst"])
    assert r.status_code == 422 and "radius" in r.json()["detail"]


def test_not_found_names_the_id(client: TestClient, auth: dict) -> None:
    r = client.get("/api/v1/enterprises/nobody", headers=auth["admin"])
    assert r.status_code == 404 and "nobody" in r.json()["detail"]


def test_segments_sites_models_districts(client: TestClient, auth: dict) -> None:
    h = auth["view"]
    segs = {s["id"]: s for s in client.get("/api/v1/segments", headers=h).json()["data"]}
    assert segs["battery"]["firms"] == 1 and segs["battery"]["capacity"] == 20
    assert client.get("/api/v1/sites", params={"segment": "battery"}, headers=h).json()["count"] == 2
    assert (
        client.get("/api/v1/vehicle-models", headers=h).json()["data"][0]["oem_name"]
        == "重庆长安汽车股份有限公司"
    )
    ds = client.get("/api/v1/districts", headers=h).json()
    assert ds["count"] == 2  # the two Chongqing districts; Chengdu only with all_places
    assert client.get("/api/v1/districts", params={"all_places": True}, headers=h).json()["count"] == 3
    geo = client.get("/api/v1/districts/geojson", headers=h).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 38


def test_users_admin_only_and_audited(client: TestClient, auth: dict) -> None:
    body = {
        "username": "newbie",
        "password": "fresh-start-9",
        "role": "enterprise",
        "enterprise_id": "cdcell",
    }
    assert client.post("/api/v1/users", json=body, headers=auth["analyst"]).status_code == 403
    r = client.post("/api/v1/users", json=body, headers=auth["admin"])
    assert r.status_code == 201 and r.json()["enterprise_id"] == "cdcell"
    dup = client.post("/api/v1/users", json=body, headers=auth["admin"])
    assert dup.status_code == 409 and "已存在" in dup.json()["detail"]
    bad = {**body, "username": "x2", "enterprise_id": "ghost"}
    assert "ghost" in client.post("/api/v1/users", json=bad, headers=auth["admin"]).json()["detail"]
    log = client.get("/api/v1/users/audit", headers=auth["admin"]).json()["data"]
    mine = [e for e in log if e["action"] == "user.create" and e["target"] == "user:newbie"]
    assert len(mine) == 1 and mine[0]["username"] == "admin"


def test_login_rate_limit(small_db: Path) -> None:
    settings = ApiSettings(db=small_db, login_max_failures=3)
    with TestClient(create_app(settings)) as c:
        codes = [
            c.post("/api/v1/auth/login", json={"username": "limited", "password": "wrong-one"}).status_code
            for _ in range(4)
        ]
        assert codes == [401, 401, 401, 429]
        # even the right password is refused while the window lasts
        r = c.post("/api/v1/auth/login", json={"username": "limited", "password": "slow-lane-pass"})
        assert r.status_code == 429 and "分钟" in r.json()["detail"]
        # another user from the same address is not blocked
        assert (
            c.post(
                "/api/v1/auth/login", json={"username": "admin", "password": PASSWORDS["admin"]}
            ).status_code
            == 200
        )


def test_anonymous_viewer_when_allowed(small_db: Path) -> None:
    with TestClient(create_app(ApiSettings(db=small_db, allow_anonymous=True))) as c:
        assert c.get("/api/v1/auth/session").json()["user"]["role"] == "viewer"
        assert c.get("/api/v1/enterprises").status_code == 200
        assert c.get("/api/v1/supply-links").status_code == 403


def test_operation_ids_are_stable(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "enterprises-read_enterprises",
        "enterprises-read_enterprise",
        "analytics-read_local_rate",
        "supply_links-read_supply_links",
        "auth-login",
        "users-create_user",
    } <= ids


@pytest.fixture
def writable(small_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a private copy of the small store, for tests that write."""
    import shutil

    path = tmp_path / "w.duckdb"
    shutil.copy(small_db, path)
    with TestClient(create_app(ApiSettings(db=path))) as c:
        yield c


HEADER = "id,name,district_code,roles,source,status\n"


def test_bad_upload_is_reported_row_by_row_and_writes_nothing(writable: TestClient) -> None:
    h = token(writable, "analyst")
    before = writable.get("/api/v1/imports/enterprises/export", params={"format": "csv"}, headers=h).content
    # row 2 is fine, row 3 has an unknown role and an unknown district: the whole file must be refused
    bad = HEADER + "x1,新企业甲,500112,Tier1,test,illustrative\nx2,新企业乙,999999,Tier9,test,illustrative\n"
    files = {"file": ("企业.csv", bad.encode("utf-8"), "text/csv")}
    check = writable.post("/api/v1/imports/enterprises/check", files=files, headers=h).json()
    assert check["ok"] is False
    assert sorted((p["row"], p["column"], p["value"]) for p in check["problems"]) == [
        (3, "district_code", "999999"),
        (3, "roles", "Tier9"),
    ]
    r = writable.post("/api/v1/imports/enterprises", files=files, headers=h)
    assert r.status_code == 422
    assert "未写入" in r.json()["detail"] and len(r.json()["problems"]) == 2
    after = writable.get("/api/v1/imports/enterprises/export", params={"format": "csv"}, headers=h).content
    assert after == before
    assert writable.get("/api/v1/enterprises", params={"q": "新企业"}, headers=h).json()["count"] == 0


def test_good_upload_is_checked_then_written_and_audited(writable: TestClient) -> None:
    h = token(writable, "analyst")
    good = HEADER + "x1,新企业甲,500112,Tier1,test,illustrative\n"
    files = {"file": ("企业.csv", good.encode("utf-8"), "text/csv")}
    check = writable.post("/api/v1/imports/enterprises/check", files=files, headers=h).json()
    assert (check["ok"], check["rows"], check["inserted"], check["problems"]) == (True, 1, 1, [])
    assert writable.get("/api/v1/enterprises", params={"q": "新企业"}, headers=h).json()["count"] == 0
    r = writable.post("/api/v1/imports/enterprises", files=files, headers=h)
    assert r.status_code == 200 and r.json()["inserted"] == 1
    assert writable.get("/api/v1/enterprises", params={"q": "新企业甲"}, headers=h).json()["count"] == 1
    log = writable.get("/api/v1/users/audit", headers=token(writable, "admin")).json()["data"]
    commit = [e for e in log if e["action"] == "import.commit"]
    assert len(commit) == 1 and commit[0]["username"] == "analyst" and '"inserted": 1' in commit[0]["detail"]


def test_viewers_and_firms_cannot_import_or_export(writable: TestClient) -> None:
    files = {"file": ("企业.csv", (HEADER + "x1,甲企业,500112,Tier1,t,illustrative\n").encode(), "text/csv")}
    for user in ("view", "catl"):
        h = token(writable, user)
        assert writable.post("/api/v1/imports/enterprises", files=files, headers=h).status_code == 403
        assert writable.get("/api/v1/imports/supply_links/export", headers=h).status_code == 403
    h = token(writable, "view")
    assert writable.get("/api/v1/imports/enterprises/template", headers=h).status_code == 200
    assert writable.get("/api/v1/imports/nope/template", headers=h).status_code == 404


def test_every_route_is_documented(client: TestClient) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    spec = client.get("/openapi.json").json()
    missing = [
        f"{method.upper()} {path} ({op['operationId']})"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if f"`{method.upper()} {path}` | {op['operationId']} |" not in doc
    ]
    assert missing == [], "docs/api.md lacks these routes"


def test_an_import_refreshes_the_cached_figures(writable: TestClient) -> None:
    h = token(writable, "analyst")
    assert writable.get("/api/v1/analytics/overview", headers=h).json()["enterprises"] == 3
    files = {
        "file": ("企业.csv", (HEADER + "x9,新企业丙,500112,Tier2,test,illustrative\n").encode(), "text/csv")
    }
    assert writable.post("/api/v1/imports/enterprises", files=files, headers=h).status_code == 200
    # 3 firms + 1 imported Tier2 firm: 4 firms, 3 parts firms (catl, cdcell, x9)
    ov = writable.get("/api/v1/analytics/overview", headers=h).json()
    assert (ov["enterprises"], ov["parts_firms"]) == (4, 3)
    # Chongqing parts firms: catl (巴南区 500113) and x9 (500112); cdcell sits in Chengdu (510104)
    assert ov["local_parts_firms"] == 2


def test_cookie_is_secure_over_https(small_db: Path) -> None:
    with TestClient(create_app(ApiSettings(db=small_db)), base_url="https://testserver") as c:
        r = c.post("/api/v1/auth/login", json={"username": "view", "password": PASSWORDS["view"]})
        assert "Secure" in r.headers["set-cookie"]
