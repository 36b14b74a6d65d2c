"""GB 32100-2015 check character, against codes published on real business licences."""

from __future__ import annotations

import pytest

from chainbrain.schema.credit_code import check_char, credit_code_problem, make_credit_code

# Published codes of well-known firms (from their business licences / annual reports).
VALID = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110000802100433B",  # 中国石油天然气集团有限公司
    "913100001322013497",  # 上海汽车集团股份有限公司 (SAIC Motor)
]


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes(code):
    assert credit_code_problem(code) is None


def test_check_character_by_hand():
    # 91500112MA5U0000 + org check 3 → weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    # values 9,1,5,0,0,1,1,2,21,10,5,27,0,0,0,0,3 → Σ = 9+3+45+0+0+26+16+34+420+290+125+351+0+0+0+0+84 = 1403
    # 1403 mod 31 = 8 → 31-8 = 23 → 'P'
    assert check_char("91500112MA5U00003") == "P"
    assert make_credit_code("9", "1", "500112", "MA5U0000") == "91500112MA5U00003P"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("914403001922038217", "校验位"),  # last char changed
        ("91440300192203821", "18位"),  # too short
        ("9144030019220382I6", "非法字符"),  # I is not allowed
        ("91ABCDEF1922038216", "行政区划"),
    ],
)
def test_invalid_codes(code, reason):
    problem = credit_code_problem(code)
    assert problem is not None and reason in problem
