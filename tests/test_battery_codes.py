"""GB/T 34014-2017 battery codes, worked by hand field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from chainbrain.battery.codes import CodeError, build, date_code, parse

# ABC | P | B | 01 | A1B2C3D | E 2 W | 0000001
#  manufacturer ABC, pack, LFP, spec 01, trace A1B2C3D, 2024 (E = 14 → 2010+14), February (2),
#  29th (1-9 then A..H = 10..17, J..N = 18..22, P = 23, R..W = 24..29), serial 1
GOOD = "ABCPB01A1B2C3DE2W0000001"


def test_valid_code_read_field_by_field() -> None:
    p = parse(GOOD)
    assert p.valid and p.errors == []
    assert p.form == "standard"
    assert (p.manufacturer, p.product_type, p.battery_type, p.spec, p.trace, p.serial) == (
        "ABC", "pack", "B", "01", "A1B2C3D", "0000001",
    )  # fmt: skip
    assert p.battery_type_zh == "磷酸铁锂电池"
    assert p.production_date == dt.date(2024, 2, 29)


def test_build_round_trips_and_matches_hand_worked_code() -> None:
    assert build("ABC", "pack", "B", "01", "A1B2C3D", dt.date(2024, 2, 29), 1) == GOOD
    # module, ternary, 2026-12-31: 2026 → 16 → G, 12 → C, 31 → Y
    assert build("X9Z", "module", "E", "7K", "0000000", dt.date(2026, 12, 31), 9_999_999) == (
        "X9ZME7K0000000GCY9999999"
    )
    assert date_code(dt.date(2011, 1, 1)) == "111"


def test_whitespace_around_is_ignored() -> None:
    assert parse(f"  {GOOD}\n").valid


@pytest.mark.parametrize(
    ("code", "position", "char", "fragment"),
    [
        ("AB#PB01A1B2C3DE2W0000001", 3, "#", "厂商代码"),
        ("aBCPB01A1B2C3DE2W0000001", 1, "a", "应为大写字母"),
        ("ABCXB01A1B2C3DE2W0000001", 4, "X", "P（电池包）、M（模块）或 C（单体）"),
        ("ABCpB01A1B2C3DE2W0000001", 4, "p", "应为大写字母"),
        ("ABCPQ01A1B2C3DE2W0000001", 5, "Q", "电池类型代码"),
        ("ABCPB0-A1B2C3DE2W0000001", 7, "-", "规格代码"),
        ("ABCPB01A1B2C*DE2W0000001", 13, "*", "追溯信息代码"),
        ("ABCPB01A1B2C3DI2W0000001", 15, "I", "不用 I、O、Q"),
        ("ABCPB01A1B2C3DEDW0000001", 16, "D", "生产月份代码超出范围"),
        ("ABCPB01A1B2C3DE2O0000001", 17, "O", "不用 I、O、Q"),
        ("ABCPB01A1B2C3DE2W000000A", 24, "A", "序列号应为7位数字"),
        ("ABCPB01A1B2C3DE2W0000000", 18, "0000000", "不能全为0"),
    ],
)
def test_each_field_refusal_names_position_char_and_rule(
    code: str, position: int, char: str, fragment: str
) -> None:
    p = parse(code)
    assert not p.valid
    assert len(p.problems) == 1
    prob = p.problems[0]
    assert (prob.position, prob.char) == (position, char)
    assert fragment in prob.message
    assert f"第{position}位“{char}”" in prob.message


def test_impossible_calendar_date_is_refused() -> None:
    # D = 13 → 2023, not a leap year: 2023-02-29 does not exist
    p = parse("ABCPB01A1B2C3DD2W0000001")
    assert p.errors == ["第17位“W”（生产日期代码）：2023年2月只有28天，不存在29日"]


def test_several_problems_all_reported_in_position_order() -> None:
    p = parse("ab#XQ01A1B2C3DE2W00000A1")
    assert [q.position for q in p.problems] == [1, 2, 3, 4, 5, 23]


@pytest.mark.parametrize("n", [0, 16, 18, 23, 25])
def test_wrong_length_refused(n: int) -> None:
    p = parse("A" * n)
    assert not p.valid and p.form is None
    assert f"实际为{n}位" in p.errors[0]


def test_cascade_form_has_no_traceability_field() -> None:
    # 17 characters: ABC M E 02 | G 1 1 | 0000042  → module, ternary, 2026-01-01, serial 42
    p = parse("ABCME02G110000042")
    assert p.valid and p.form == "cascade"
    assert p.trace is None
    assert p.production_date == dt.date(2026, 1, 1)
    assert p.serial == "0000042"
    assert build("ABC", "module", "E", "02", None, dt.date(2026, 1, 1), 42) == "ABCME02G110000042"


def test_disputed_19_character_cascade_length_refused_with_explanation() -> None:
    p = parse("ABCME02G1100000421X")
    assert not p.valid
    assert "19位" in p.errors[0] and "未能核实" in p.errors[0]


def test_build_refuses_bad_parts() -> None:
    with pytest.raises(CodeError, match="厂商代码：应为3位"):
        build("AB", "pack", "B", "01", "A1B2C3D", dt.date(2024, 1, 1), 1)
    with pytest.raises(CodeError, match="序列号"):
        build("ABC", "pack", "B", "01", "A1B2C3D", dt.date(2024, 1, 1), 0)
    with pytest.raises(CodeError, match="生产年份应在 2011–2041"):
        build("ABC", "pack", "B", "01", "A1B2C3D", dt.date(2009, 1, 1), 1)
    with pytest.raises(CodeError, match="电池类型代码"):
        build("ABC", "pack", "Y", "01", "A1B2C3D", dt.date(2024, 1, 1), 1)


def test_fast_path_agrees_with_the_field_by_field_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regex fast path for valid codes and the per-field pass are two implementations of one rule."""
    import random

    from chainbrain.battery import codes as c

    rng = random.Random(1)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ#a"
    samples = []
    for _ in range(5000):
        day = dt.date(2011, 1, 1) + dt.timedelta(days=rng.randrange(11000))
        base = build("ABC", "cell", "E", "01", "A1B2C3D", day, rng.randrange(1, 9_999_999))
        i = rng.randrange(24)
        samples.append(base[:i] + rng.choice(alphabet) + base[i + 1 :])
    fast = [c.parse(s) for s in samples]
    monkeypatch.setattr(c, "_fast", lambda code: None)
    slow = [c.parse(s) for s in samples]
    assert fast == slow
    assert 0 < sum(p.valid for p in slow) < len(slow)
