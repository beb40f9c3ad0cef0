"""Single-cell normalisation, on cells copied from the seed (source line in each comment)."""

from __future__ import annotations

import pytest

from servicegraph.loaders import cells
from servicegraph.loaders.records import FillType, LevelMark


def test_squash_drops_stray_spaces_between_cjk():
    assert cells.squash("公共     文化体育") == "公共文化体育"  # line 678
    assert cells.squash("调解劳动争议 ") == "调解劳动争议"  # line 77


def test_squash_drops_full_width_spaces():
    assert cells.squash("\u3000\u3000\u3000\u3000社区卫生服务中心") == "社区卫生服务中心"  # line 1878


def test_squash_keeps_one_space_between_latin_words():
    assert cells.squash("CD4   test\u3000kit") == "CD4 test kit"


def test_paragraphs_drop_blank_and_space_only_lines():
    # line 394-396: a legal-basis cell whose last continuation line is a single space
    lines = ["   《社会保险法》第七十四条：用人单位…", "", " "]
    assert cells.paragraphs(lines) == ("《社会保险法》第七十四条：用人单位…",)


def test_single_joins_a_name_wrapped_over_paragraphs():
    assert cells.single(("艾滋病高危、", "行为人群干预")) == "艾滋病高危、行为人群干预"  # 1531-1533


def test_block_keeps_paragraph_breaks():
    paras = ("1、对艾滋病感染者每半年医学随访一次。", "2、每年对艾滋病感染者和病人做CD4检测。")  # 1516-1518
    assert cells.block(paras) == "\n".join(paras)


@pytest.mark.parametrize(
    ("paras", "expected"),
    [
        (("1",), 1),
        (("98",), 98),
        ((" 12 ",), 12),
        (("城乡居民医疗保险参保、信息变更",), None),
        ((), None),
    ],
)
def test_item_number(paras, expected):
    assert cells.item_number(paras) == expected


@pytest.mark.parametrize(
    ("paras", "expected"),
    [
        # line 391: 、 as separator
        (("县人力社保局、乡镇人民政府(街道办事处)",), ("县人力社保局", "乡镇人民政府(街道办事处)")),
        # lines 453-455: a list wrapped after its separator
        (("个人/", "法人"), ("个人", "法人")),
        # lines 1700-1701: wrapped before the separator, no blank line between
        (("县中医院", "/乡镇(街道)卫生院/社区卫生服务中心"), ("县中医院", "乡镇(街道)卫生院", "社区卫生服务中心")),
        # line 1169: an empty entry between separators, runs of spaces
        (
            (
                "县人民医院/         县中医院/          妇幼保健院/县精神卫生中心/"
                "            /乡镇(街道)卫生院/社区卫生服务中心",
            ),
            ("县人民医院", "县中医院", "妇幼保健院", "县精神卫生中心", "乡镇(街道)卫生院", "社区卫生服务中心"),
        ),
        # line 1878: full-width spaces
        (
            ("县人民医院 /     县中医院/ 县妇幼保健院/乡镇(街道)卫生院/\u3000\u3000\u3000\u3000社区卫生服务中心",),
            ("县人民医院", "县中医院", "县妇幼保健院", "乡镇(街道)卫生院", "社区卫生服务中心"),
        ),
        # line 1406: 、 inside brackets does not split
        (("社会保障(社会保险、社会救助)、医疗卫生",), ("社会保障(社会保险、社会救助)", "医疗卫生")),
        # line 1681: trailing separator and spaces
        (
            ("县中医院/  ", "乡镇(街道)卫生院/社区卫生服务中心/     "),
            ("县中医院", "乡镇(街道)卫生院", "社区卫生服务中心"),
        ),
        ((), ()),
    ],
)
def test_split_list(paras, expected):
    assert cells.split_list(paras) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("马上办、一次办", ("马上办", "一次办")),  # line 54
        ("马上办/就近办", ("马上办", "就近办")),  # line 139
        ("马上办、网上办、 一次办", ("马上办", "网上办", "一次办")),  # line 496
        ("网上办理", ("网上办",)),  # line 796
        ("网上办/马上办/就近办", ("网上办", "马上办", "就近办")),  # line 576: source order kept
        ("就近办、就近办", ("就近办",)),
        ("上门办", ("上门办",)),  # not one of the four: kept as written, not dropped
    ],
)
def test_handling_modes(text, expected):
    assert cells.handling_modes((text,)) == expected


def test_empty_level_cell_is_none():
    assert cells.level_mark((), 55) is None  # line 55


@pytest.mark.parametrize(
    ("paras", "expected"),
    [
        (("√",), LevelMark(line=9)),  # line 57
        (("√", "(审定)"), LevelMark(role="审定", line=9)),  # lines 157-159: role on its own paragraph
        (("√(初审)",), LevelMark(role="初审", line=9)),  # line 365
        (("√", "(代办)"), LevelMark(role="代办", line=9)),  # lines 728-730
        (
            ("√", "(备注：由于实施需要部署制卡设备，大部分乡镇网点可办理补换卡业务)"),  # lines 383-385
            LevelMark(note="由于实施需要部署制卡设备，大部分乡镇网点可办理补换卡业务", line=9),
        ),
        (("√", "(同第44项)"), LevelMark(same_as_item=44, line=9)),  # lines 949-951
        (("√(同第49项)",), LevelMark(same_as_item=49, line=9)),  # line 1066
        (("（审定）",), LevelMark(checked=False, role="审定", line=9)),  # a role without √
        (("√", "(待定)"), LevelMark(note="(待定)", line=9)),  # unknown text is kept
    ],
)
def test_level_mark(paras, expected):
    assert cells.level_mark(paras, 9) == expected


def test_fill_type_single():
    assert cells.fill_types(("依申请服务类：办理类",)) == (FillType(None, "依申请服务类", ("办理类",)),)  # line 59


def test_fill_type_wrapped_after_colon():
    # lines 1104-1106
    assert cells.fill_types(("依申请服务类：", "办理类")) == (FillType(None, "依申请服务类", ("办理类",)),)


def test_fill_type_split_by_level():
    paras = (  # lines 300-304
        "市：依申请服务类：办理类、查询类",
        "区县：依申请服务类：办理类、查询类",
        "乡镇：依申请服务类：办理类、咨询类",
    )
    assert cells.fill_types(paras) == (
        FillType("市", "依申请服务类", ("办理类", "查询类")),
        FillType("区县", "依申请服务类", ("办理类", "查询类")),
        FillType("乡镇", "依申请服务类", ("办理类", "咨询类")),
    )


def test_fill_type_level_spellings_and_ascii_colon():
    paras = ("县:主动服务类:普通信息类", "乡镇(街道)：依申请服务类：查询类")
    assert cells.fill_types(paras) == (
        FillType("区县", "主动服务类", ("普通信息类",)),
        FillType("乡镇", "依申请服务类", ("查询类",)),
    )


def test_fill_type_without_colon_and_empty():
    assert cells.fill_types(("其他",)) == (FillType(None, "其他", ()),)
    assert cells.fill_types(()) == ()
