"""VIN check digits (GB 16735 / ISO 3779) against published and hand-worked VINs."""

from __future__ import annotations

import pytest

from chainbrain.battery.vin import check_digit, check_vin


@pytest.mark.parametrize(
    ("vin", "digit"),
    [
        # the widely published example: weighted sum 351, 351 mod 11 = 10 → X
        ("1M8GDM9AXKP042788", "X"),
        # a published Honda VIN: 8+56+42+15+16+24+4+60+27+8+0+0+20+12+15+4 = 311, 311 mod 11 = 3
        ("1HGCM82633A004352", "3"),
        # all ones: the weights sum to 89, 89 mod 11 = 1
        ("11111111111111111", "1"),
        # hand-worked Chinese-style VIN: L F V 3 A 2 3 C _ H 3 0 1 2 3 4 5
        # 24+42+30+15+4+6+6+30+72+24+0+6+10+12+12+10 = 303, 303 mod 11 = 6
        ("LFV3A23C6H3012345", "6"),
    ],
)
def test_known_vins_are_valid(vin: str, digit: str) -> None:
    assert check_digit(vin) == digit
    r = check_vin(vin)
    assert r.valid and r.expected_check == digit and r.wmi == vin[:3]


def test_wrong_check_digit_names_expected() -> None:
    r = check_vin("1M8GDM9A1KP042788")
    assert not r.valid
    assert r.errors == ("第9位校验位“1”错误：按 GB 16735 计算应为“X”",)


def test_forbidden_letters_and_length() -> None:
    assert check_vin("1M8GDM9AXKP04278").errors == ("车辆识别代号应为17位，实际为16位",)
    r = check_vin("1M8GDM9AXKO042788")
    assert r.errors == ("第11位“O”：不用 I、O、Q",)
    assert check_vin("1m8GDM9AXKP042788").errors == ("第2位“m”：应为大写",)
