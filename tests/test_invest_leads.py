"""招商线索: stages move forward with dates; the funnel counts how far recommended firms got."""

from __future__ import annotations

import datetime as dt

import pytest

from chainbrain.invest.attract import flat, recommend
from chainbrain.invest.leads import (
    LeadError,
    add_lead,
    advance,
    funnel,
    get_lead,
    leads_from_recommendations,
    list_leads,
    parse_stage,
)
from chainbrain.store.records import insert_rows
from fixtures.invest import P, attract_store

D = dt.date


@pytest.fixture
def conn():
    c = attract_store()
    yield c
    c.close()


def test_pipeline_and_funnel(conn):
    cands = flat(recommend(conn, segment="battery.pack"))[:2]  # catl, bat2
    a, b = leads_from_recommendations(conn, cands, owner="璧山区招商局", date=D(2025, 1, 10))
    c = add_lead(conn, "lid2", segment_id="adas.lidar", district_code="500112", date=D(2025, 2, 1))
    assert get_lead(conn, a).rec_rank == 1 and get_lead(conn, b).rec_rank == 2
    advance(conn, a, "洽谈", date=D(2025, 3, 1))
    advance(conn, a, "signed", date=D(2025, 6, 1))
    lead = advance(conn, a, "本地供货", date=D(2026, 1, 5), note="首批电池包交付")  # 投产 skipped
    assert (lead.stage, lead.stage_zh, lead.stage_date) == ("supplying", "本地供货", D(2026, 1, 5))
    assert [h["stage"] for h in lead.history] == ["lead", "talks", "signed", "supplying"]
    advance(conn, b, "talks", date=D(2025, 2, 1))
    advance(conn, b, "终止", date=D(2025, 4, 1))

    f = funnel(conn)
    # recommended: a reached every stage (投产 counted below 本地供货), b reached 洽谈 then dropped
    assert f["recommended"]["reached"] == {"lead": 2, "talks": 2, "signed": 1, "producing": 1, "supplying": 1}
    assert f["recommended"]["moved"] == 2 and f["recommended"]["dropped"] == [b]
    assert f["other"]["reached"]["lead"] == 1 and f["other"]["moved"] == 0
    # the store does not show catl supplying locally yet
    assert f["supplying_checks"] == [{"lead_id": a, "enterprise_id": "catl", "segment_id": "battery.pack",
                                      "local_sites": [], "local_links": [], "confirmed": False}]  # fmt: skip
    insert_rows(conn, "site", [{"id": "c2", "enterprise_id": "catl", "name": "c2", "district_code": "500120",
                                "segment_id": "battery.pack", **P}])  # fmt: skip
    insert_rows(conn, "supply_link", [{"id": "L9", "buyer_site_id": "p1", "supplier_site_id": "c2",
                                       "segment_id": "battery.pack", "annual_value": 1e8,
                                       "confidence": "verified", **P}])  # fmt: skip
    check = funnel(conn)["supplying_checks"][0]
    assert (check["local_sites"], check["local_links"], check["confirmed"]) == (["c2"], ["L9"], True)
    assert [x.id for x in list_leads(conn, district="500112")] == [c]
    assert [x.id for x in list_leads(conn, stage="终止")] == [b]
    # the same firm for the same segment and district is not opened twice
    assert leads_from_recommendations(conn, cands, date=D(2025, 5, 1)) == []


def test_moves_are_checked(conn):
    a = add_lead(conn, "catl", segment_id="battery.pack", date=D(2025, 1, 10))
    advance(conn, a, "signed", date=D(2025, 5, 1))
    with pytest.raises(LeadError, match="不能回到"):
        advance(conn, a, "talks", date=D(2025, 6, 1))
    with pytest.raises(LeadError, match="早于"):
        advance(conn, a, "producing", date=D(2025, 4, 1))
    advance(conn, a, "dropped", date=D(2025, 6, 1))
    with pytest.raises(LeadError, match="已终止"):
        advance(conn, a, "producing", date=D(2025, 7, 1))
    with pytest.raises(LeadError, match="企业 nobody 不存在"):
        add_lead(conn, "nobody")
    with pytest.raises(LeadError, match="未知的阶段"):
        parse_stage("考察")
