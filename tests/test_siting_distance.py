"""Road-distance matrices and the CSV readers: values read back, bad cells named by file, row and column."""

from __future__ import annotations

import numpy as np
import pytest

from chainbrain.siting import InputError
from chainbrain.siting.distance import DEFAULT_DETOUR_FACTOR, read_road_matrix
from chainbrain.siting.points import read_candidates, read_demand


def test_road_matrix_reads_pairs_and_leaves_the_rest_unreachable(tmp_path):
    f = tmp_path / "road.csv"
    f.write_text("from,to,km\nA,S1,3.5\nB,S2,12\nA,S2,7.25\n", encoding="utf-8")
    d = read_road_matrix(f, ["A", "B"], ["S1", "S2"])
    assert d[0, 0] == 3.5 and d[0, 1] == 7.25 and d[1, 1] == 12.0
    assert np.isposinf(d[1, 0])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("from,to\nA,S1\n", "缺少列 km"),
        ("from,to,km\nC,S1,3\n", "第 2 行 from 列：未知的点 'C'"),
        ("from,to,km\nA,S1,x\n", "第 2 行 km 列：'x' 不是数字"),
        ("from,to,km\nA,S1,-1\n", "第 2 行 km 列"),
        ("from,to,km\nA,S1,inf\n", "第 2 行 km 列"),
        ("from,to,km\nA,S1,1\nA,S1,2\n", "第 3 行：'A' → 'S1' 重复"),
    ],
)
def test_road_matrix_errors_name_the_row_and_column(tmp_path, body, message):
    f = tmp_path / "road.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_road_matrix(f, ["A", "B"], ["S1", "S2"])


def test_detour_factor_is_within_the_published_range():
    assert 1.12 <= DEFAULT_DETOUR_FACTOR <= 1.65


def test_demand_and_candidates_read(tmp_path):
    d = tmp_path / "d.csv"
    d.write_text("id,lon,lat,weight\n北碚街道,106.4,29.8,3\nX,106.5,29.5,0\n", encoding="utf-8")
    c = tmp_path / "c.csv"
    c.write_text("id,lon,lat,capacity,fixed\nS1,106.4,29.8,10,1\nS2,106.5,29.5,5,否\n", encoding="utf-8")
    dem, cand = read_demand(d), read_candidates(c)
    assert dem.ids == ["北碚街道", "X"] and list(dem.weight) == [3.0, 0.0]
    assert dem.lonlat[0].tolist() == [106.4, 29.8]
    assert cand.capacity is not None and list(cand.capacity) == [10.0, 5.0]
    assert list(cand.fixed) == [True, False]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id,lon,lat\nA,1,2\n", "缺少列 weight"),
        ("id,lon,lat,weight\nA,1,2,abc\n", "d.csv 第 2 行 weight 列：'abc' 不是数字"),
        ("id,lon,lat,weight\nA,1,2,1\nB,200,2,1\n", "第 3 行 lon 列：'200'"),
        ("id,lon,lat,weight\nA,1,95,1\n", "第 2 行 lat 列"),
        ("id,lon,lat,weight\nA,1,2,-3\n", "第 2 行 weight 列"),
        ("id,lon,lat,weight\nA,1,2,nan\n", "第 2 行 weight 列"),
        ("id,lon,lat,weight\nA,1,2,1\nA,1,2,1\n", "第 3 行 id 列：'A' 与第 2 行重复"),
        ("id,lon,lat,weight\n,1,2,1\n", "第 2 行 id 列：不能为空"),
        ("id,lon,lat,weight\n", "没有数据行"),
    ],
)
def test_demand_errors_name_file_row_column_value(tmp_path, body, message):
    f = tmp_path / "d.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_demand(f)


def test_candidate_fixed_flag_must_be_a_yes_or_no(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("id,lon,lat,fixed\nS1,1,2,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 2 行 fixed 列：'maybe'"):
        read_candidates(f)
