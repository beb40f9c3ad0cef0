"""Chinese and Arabic numerals as written in provision numbers."""

from __future__ import annotations

import pytest

from servicegraph.loaders.numerals import parse_numeral, to_chinese


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23),
        ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百一十五", 115),
        ("两", 2), ("两百", 200), ("〇", 0), ("零", 0), ("一千零五十", 1050),
        ("一万零一", 10001), ("十万", 100000), ("二〇一七", 2017), ("一十", 10),
        ("5", 5), ("231", 231), ("１２", 12), (" 十四 ", 14),
    ],
)  # fmt: skip
def test_parse(text: str, value: int) -> None:
    assert parse_numeral(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "第", "一二十", "十十", "百十", "一百五", "一万五", "条", "3a", "万"],
)
def test_not_a_numeral(text: str) -> None:
    with pytest.raises(ValueError):
        parse_numeral(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "零"), (1, "一"), (10, "十"), (11, "十一"), (15, "十五"), (20, "二十"), (23, "二十三"), (26, "二十六"),
     (105, "一百零五"), (110, "一百一十"), (1001, "一千零一"), (1005, "一千零五"), (10001, "一万零一"),
     (100010, "十万零一十"), (100000001, "一亿零一")],
)  # fmt: skip
def test_to_chinese(value: int, text: str) -> None:
    assert to_chinese(value) == text


def test_to_chinese_range() -> None:
    with pytest.raises(ValueError):
        to_chinese(-1)
