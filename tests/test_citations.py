"""The citation parser on real 设定依据 lines of the seed, one test per citation convention.

Each test reads its lines straight from the seed file (by line number), so the cases are
the seed's own text, including its stray spaces and full-width characters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from servicegraph.loaders.citations import is_form, parse_citations
from servicegraph.loaders.records import Citation

Cell = Callable[[int, int], tuple[Citation, ...]]


@pytest.fixture(scope="module")
def cell(seed_path: Path) -> Cell:
    """Parse seed lines first..last (1-based, inclusive) of a 设定依据 cell, its TAB removed."""
    lines = seed_path.read_text(encoding="utf-8").split("\n")

    def parse(first: int, last: int) -> tuple[Citation, ...]:
        text = "\n".join(lines[first - 1 : last]).removeprefix("\t")
        return parse_citations(text, first)

    return parse


def paths(citations: tuple[Citation, ...]) -> list[tuple[tuple[str, int], ...]]:
    return [c.provision for c in citations]


# --- statutes: 条 › 款 › 项 ---------------------------------------------------


def test_article_with_quote(cell: Cell) -> None:
    [c] = cell(153, 153)  # item 7
    assert c.title == "重庆市人口与计划生育条例"
    assert c.doc_number is None
    assert c.provision == (("条", 23), ("款", 1))
    assert c.provision_text == "第二十三条第一款"
    assert c.quote.startswith("申请再生育的夫妻，应当填写再生育申请表")
    assert c.line == 153


def test_provision_continues_after_colon(cell: Cell) -> None:
    [c] = cell(104, 104)  # item 4: …第三十条：第二款第二项: …
    assert c.title == "重庆市人民政府关于印发〈重庆市工伤保险实施办法〉的通知"
    assert c.doc_number == "渝府发〔2012〕22号"
    assert c.provision == (("条", 30), ("款", 2), ("项", 2))
    assert c.quote.startswith("申请享受供养亲属抚恤待遇的")


def test_article_and_item_in_parentheses(cell: Cell) -> None:
    [c] = cell(613, 613)  # item 29: 第二条(五)
    assert c.provision == (("条", 2), ("项", 5))
    assert c.provision_text == "第二条(五)"
    assert c.doc_number == "农办发〔2005〕9号"


def test_article_paragraph_item(cell: Cell) -> None:
    cits = cell(1238, 1244)  # item 60
    assert paths(cits) == [
        (("条", 3), ("款", 1)),
        (("条", 4),),
        (("条", 5), ("点", 2)),
        (("条", 2), ("款", 1), ("项", 5)),
    ]


def test_chapter_and_section(cell: Cell) -> None:
    cits = cell(1627, 1631)  # item 80, 3rd: 第二章第三节
    assert cits[-1].title == "重庆市卫生计生发展“十三五”规划"
    assert cits[-1].provision == (("章", 2), ("节", 3))
    assert cits[-1].doc_number == "渝府办发〔2016〕256 号"


def test_provision_after_zhong(cell: Cell) -> None:
    cits = cell(1486, 1488)  # item 72: 《…指南》中第一章第三点…
    assert [(c.title, c.provision) for c in cits] == [
        ("中国结核病防治规划实施工作指南", (("章", 1), ("点", 3))),
        ("“十三五”重庆市结核病防治规划", (("条", 3),)),
    ]


def test_arabic_article_number_and_unclosed_parenthesis(cell: Cell) -> None:
    [c] = cell(1704, 1704)  # item 84: (  渝文备 〔2015〕 3079号 第5条：
    assert c.doc_number == "渝文备 〔2015〕 3079号"
    assert c.provision == (("条", 5),)
    assert c.quote.endswith("(确定依据)")


def test_enumerated_paragraphs_and_bracketed_item() -> None:
    """Not in the seed, common elsewhere: 第十条第一款、第二款 and 第（三）项."""
    cits = parse_citations("《中华人民共和国社会保险法》第十条第一款、第二款；第十二条第（三）项", 7)
    assert paths(cits) == [(("条", 10), ("款", 1)), (("条", 10), ("款", 2)), (("条", 12), ("项", 3))]


# --- several provisions of one document ------------------------------------


def test_articles_on_separate_paragraphs(cell: Cell) -> None:
    cits = cell(172, 174)  # item 8: 第九条：… ⏎⏎ 第十七条：…
    assert paths(cits) == [(("条", 9),), (("条", 17),)]
    assert [c.line for c in cits] == [172, 174]
    assert {c.title for c in cits} == {"重庆市献血条例"}
    assert cits[0].quote.endswith("适龄公民献血的动员和组织工作。")
    assert cits[1].provision_text == "第十七条"


def test_enumerated_articles(cell: Cell) -> None:
    cits = cell(1354, 1356)  # item 66: 第五条、第六条、第七条；
    assert paths(cits)[:3] == [(("条", 5),), (("条", 6),), (("条", 7),)]
    assert {c.doc_number for c in cits[:3]} == {"国卫办医发〔2017〕15号"}
    assert [c.provision_text for c in cits[:3]] == ["第五条", "第六条", "第七条"]


def test_paragraph_inherits_its_article(cell: Cell) -> None:
    cits = cell(354, 358)[:3]  # item 16: 第六条第三款: … ⏎⏎ 第四款: … ⏎⏎ 第十条:…
    assert paths(cits) == [(("条", 6), ("款", 3)), (("条", 6), ("款", 4)), (("条", 10),)]
    assert cits[0].doc_number == "人社部发〔2011〕47"  # as written, 号 missing
    assert [c.line for c in cits] == [354, 356, 358]


def test_provisions_in_a_row_on_one_line(cell: Cell) -> None:
    cits = cell(409, 409)  # item 19: 第六条第三款  …；第四款  …。第十条  …
    assert paths(cits) == [(("条", 6), ("款", 3)), (("条", 6), ("款", 4)), (("条", 10),)]
    assert cits[1].quote.startswith("建立科学完善的社会保障卡发行")
    assert cits[0].quote.endswith("具体发行方案等")

    items = cell(375, 375)[:2]  # item 17: 第六条第三项 …；第四项 …
    assert paths(items) == [(("条", 6), ("项", 3)), (("条", 6), ("项", 4))]


# --- policy documents: 三、 › (一) › 1. --------------------------------------


def test_policy_section_and_subpoint(cell: Cell) -> None:
    [c] = cell(68, 68)  # item 2: 《…通知》：十、组织领导(三)…
    assert c.provision == (("节", 10), ("目", 3))
    assert c.provision_text == "十、组织领导(三)"
    assert c.quote.startswith("乡镇政府(街道办事处)负责本乡镇")


def test_policy_section_subpoint_point(cell: Cell) -> None:
    cits = cell(1444, 1450)[-2:]  # item 70: 二、工作内容中(二)开展医疗救治：1.… ；(三)…中5.…
    assert paths(cits) == [(("节", 2), ("目", 2), ("点", 1)), (("节", 2), ("目", 3), ("点", 5))]
    assert cits[1].provision_text == "(三)落实救治费用中5."


def test_policy_siblings_in_one_quote(cell: Cell) -> None:
    cits = cell(375, 379)  # item 17: (四)补卡：…；(五)换卡：… and 四、补卡 … 。五、换卡 …
    assert paths(cits)[2:] == [
        (("节", 3), ("目", 4)),
        (("节", 3), ("目", 5)),
        (("节", 4),),
        (("节", 5),),
    ]
    assert cits[2].provision_text == "附件：社会保障卡加载金融功能总体方案 三、应用管理 (四)"


def test_policy_sections_on_separate_paragraphs(cell: Cell) -> None:
    cits = cell(417, 419)  # item 19, 3rd document: 二、挂失。… ⏎⏎ 三、解挂。…
    assert paths(cits) == [(("节", 2),), (("节", 3),)]
    assert [c.line for c in cits] == [417, 419]


def test_elided_heading_is_a_breadcrumb_to_its_subpoints(cell: Cell) -> None:
    cits = cell(411, 415)  # item 19: 三、应用管理 …… ⏎⏎ (二)挂失：… ⏎⏎ (三)解挂：…
    assert paths(cits) == [(("节", 3), ("目", 2)), (("节", 3), ("目", 3))]
    assert [c.line for c in cits] == [411, 415]
    assert cits[0].quote.startswith("挂失：挂失分为口头挂失和书面挂失。")


def test_heading_printed_twice_keeps_its_subpoint(cell: Cell) -> None:
    c = cell(1320, 1322)[0]  # item 64: ：五、加强…的指导，五、加强…的指导。(二)建立医疗服务价格公示…
    assert c.provision == (("节", 5), ("目", 2))
    assert c.provision_text.endswith("的指导。(二)")
    assert c.quote.startswith("建立医疗服务价格公示、费用清单制度。")


def test_subpoints_of_a_quoted_section_are_wording(cell: Cell) -> None:
    [c] = cell(858, 874)  # item 42: 三、认定程序。 ⏎⏎ (一)申请。… (二)初审。…
    assert c.provision == (("节", 3),)
    assert c.doc_number == "渝办发［2009］280号"
    assert "(二)初审。" in c.quote


def test_items_of_a_quoted_article_are_wording(cell: Cell) -> None:
    [c] = cell(83, 89)  # item 3: 第十条：… ⏎⏎ (一)… ⏎⏎ (二)…
    assert c.provision == (("条", 10),)
    assert "(二)依法设立的基层人民调解组织；" in c.quote


def test_whole_document(cell: Cell) -> None:
    cits = cell(317, 321)  # item 15: …(人社部第23号令)全文。
    assert [(c.doc_number, c.provision, c.provision_text) for c in cits[1:3]] == [
        ("人社部第23号令", (), "全文"),
        ("渝府发〔2017〕41号", (), "全文"),
    ]
    assert cits[1].quote == ""


def test_no_provision_is_the_whole_document(cell: Cell) -> None:
    [c] = cell(53, 53)  # item 1: 《…》 (渝办法﹝2010﹞283号)：在筹资工作中…
    assert c.provision == ()
    assert c.provision_text == ""
    assert c.doc_number == "渝办法﹝2010﹞283号"
    assert c.quote.startswith("在筹资工作中")


# --- titles -----------------------------------------------------------------


def test_title_nested_with_angle_brackets(cell: Cell) -> None:
    [c] = cell(1172, 1174)[:1]  # item 56
    assert c.title == "卫生部关于印发<急诊科建设与管理指南(试行)>的通知"


def test_title_nested_with_double_angle_brackets(cell: Cell) -> None:
    [c] = cell(1800, 1800)  # item 89: 《…关于印发《2014 年…方案》的通知》
    assert (
        c.title == "重庆市卫生和计划生育委员会办公室关于印发《2014 年妇女健康相关重大公共卫生服务项目实施方案》的通知"
    )
    assert c.doc_number == "渝卫办妇幼发〔2014〕225 号"


def test_title_with_unclosed_outer_bracket(cell: Cell) -> None:
    [c] = cell(683, 683)  # item 33: 《农业部、国家体育总局联合印发《关于…指导意见》(农办发〔2017〕11号)(七)
    assert c.title == "关于进一步加强农民体育工作的指导意见"  # the inner title; issuers and verb before it
    assert c.issuer == "农业部、国家体育总局"
    assert c.doc_number == "农办发〔2017〕11号"
    assert c.provision == (("目", 7),)


def test_title_with_unbalanced_inner_brackets(cell: Cell) -> None:
    assert cell(1465, 1467)[1].title == "国家基本公共卫生服务规范(第三版"  # item 71
    assert cell(1720, 1720)[0].title == "国家卫生计生委关于印发<国家基本公共卫生服务规范(第三版)的通知"  # 85
    [c] = [c for c in cell(489, 495) if c.line == 493]  # item 23: 印<发关于…>的通知
    assert c.title == "国务院办公厅印<发关于支持戏曲传承发展若干政策>的通知"
    assert c.provision == (("节", 8), ("目", 19))


def test_title_never_closed(cell: Cell) -> None:
    c = cell(1817, 1831)[-1]  # item 90: 3. 关于印发《垫江县…方案(2017年)(垫卫计发﹝2017﹞200号)：
    assert c.title == "关于印发垫江县预防艾滋病、梅毒和乙肝母婴传播工作实施方案(2017年)"  # the notice
    assert c.doc_number == "垫卫计发﹝2017﹞200号"


def test_title_never_opened(cell: Cell) -> None:
    c = cell(1444, 1450)[-2]  # item 70: …负担。4.垫江县…的通知》(垫卫计发〔2017〕183号)
    assert c.title.startswith("垫江县卫生和计划生育委员会垫江县人力资源和社会保障局")
    assert c.title.endswith("关于印发垫江县农村贫困人口大病专项救治工作实施方案的通知")
    assert c.doc_number == "垫卫计发〔2017〕183号"


def test_title_trimmed_and_issuer_before_it(cell: Cell) -> None:
    assert cell(119, 123)[0].title == "重庆市人口和计划生育条例"  # item 5: 《 重庆市…》
    cits = cell(1092, 1098)  # item 52: 2、中国计生协《关于…的通知 》(国计生协[2017]30号 )：三、…
    assert [(c.title, c.doc_number, c.provision) for c in cits[1:]] == [
        ("关于开展失独家庭住院护理补贴保险工作的通知", "国计生协[2017]30号", (("节", 3),)),
        ("关于开展计划生育特殊家庭住院护理保险工作的通知", "渝计生协发〔2016〕6号", ()),
    ]
    assert [c.issuer for c in cits] == [None, "中国计生协", "重庆计生协"]


# --- issuing numbers --------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "index", "doc_number"),
    [
        (104, 104, 0, "渝府发〔2012〕22号"),  # 〔〕
        (53, 53, 0, "渝办法﹝2010﹞283号"),  # ﹝﹞
        (1444, 1448, 3, "渝民发[2017]52号"),  # []
        (858, 858, 0, "渝办发［2009］280号"),  # ［］
        (360, 360, 0, "人社部发【2011】83号"),  # 【】
        (508, 508, 0, "国务院令第431号"),
        (1115, 1115, 0, "中华人民共和国国务院令第555号"),
        (436, 436, 0, "重庆市人民政府令2009年第231号"),
        (632, 632, 0, "农业部令47号"),
        (290, 290, 0, "重庆市人民代表大会常务委员会公告2010年第5号"),
        (119, 119, 0, "2016第7号"),
        (1425, 1425, 0, "渝府办发〔2015〕174号"),  # …174号文件)
        (1981, 1981, 0, "国发〔2012〕11号"),  # no parentheses
        (1783, 1783, 0, "〔2009〕6号"),  # issuer lost, then 。第四条
        (1608, 1608, 0, "中发〔2009〕6号"),  # (中发〔2009〕6号第四条：
    ],
)
def test_issuing_number(cell: Cell, first: int, last: int, index: int, doc_number: str) -> None:
    assert cell(first, last)[index].doc_number == doc_number


def test_issuing_number_in_title_brackets_is_not_a_document(cell: Cell) -> None:
    [c] = cell(1817, 1817)  # item 90: 《…的通知》《渝卫办妇幼发〔2014〕225 号》执行。
    assert c.doc_number == "渝卫办妇幼发〔2014〕225 号"
    assert c.quote == "执行。"


def test_issuing_number_split_over_paragraphs(cell: Cell) -> None:
    cits = cell(1444, 1446)  # item 70: (国卫办医函〔2017〕⏎⏎186 号)、《…》(…)、《…》(…)
    assert [(c.doc_number, c.line) for c in cits] == [
        ("国卫办医函〔2017〕186 号", 1444),
        ("渝府办发〔2016〕239 号", 1446),
        ("渝卫发〔2017〕49 号", 1446),
    ]
    assert all(c.provision == () and c.quote == "" for c in cits)


# --- lists and document boundaries ------------------------------------------


def test_numbered_list_with_an_unnumbered_entry(cell: Cell) -> None:
    cits = cell(489, 495)  # item 23: 1. … 2. … ⏎⏎ 《…》 ⏎⏎ 3. …
    assert [c.line for c in cits] == [489, 489, 491, 493, 495]
    assert cits[2].title == "中共中央宣传部、教育部、财政部、文化部关于戏曲进校园的实施意见"
    assert cits[4].provision == (("节", 3), ("目", 8))


def test_list_numbered_from_two(cell: Cell) -> None:
    cits = cell(1299, 1305)  # item 63: 《…》第八条 … 第九条 … 2. 《…》 3. 《…》
    assert paths(cits) == [(("条", 8),), (("条", 9),), (), ()]
    assert [c.line for c in cits] == [1299, 1301, 1303, 1305]


def test_document_after_a_full_stop(cell: Cell) -> None:
    cits = cell(1610, 1610)  # item 79: …保健指导。《中医医院“治未病”…(修订版)》(国中医药医政发〔2014〕3号)…
    assert [c.title for c in cits] == ["国家基本公共卫生服务规范(第三版", "中医医院“治未病”科建设与管理指南(修订版)"]
    assert cits[1].doc_number == "国中医药医政发〔2014〕3号"
    assert "中医医院" not in cits[0].quote


def test_issuer_prefix_needs_the_list_sequence(cell: Cell) -> None:
    cits = cell(1238, 1238)  # item 60: 1. 重庆市人民政府办公厅关于印发《…》(渝办发〔2011〕293号)
    assert cits[0].title == (  # the notice: the 》 after 的通知 does not make the 办法 its title
        "重庆市人民政府办公厅关于印发重庆市城镇职工医疗保险市级统筹办法和重庆市城乡居民合作医疗保险市级统筹办法的通知"
    )
    [c] = cell(1846, 1874)  # item 91: its quote lists 1. … 5. 按照《托儿所幼儿园卫生保健管理办法》的要求 …
    assert c.provision == (("项", 2),)
    assert "《托儿所幼儿园卫生保健管理办法》" in c.quote


# --- quotes are never mined --------------------------------------------------


def test_documents_mentioned_in_a_quote_are_wording(cell: Cell) -> None:
    cits = cell(1819, 1829)  # item 90: (一)以《预防…实施方案 ⏎⏎ (2015 年)》为指导
    assert [c.title for c in cits] == [
        "重庆市预防艾滋病、梅毒和乙肝母婴传播工作办公室关于下发重庆市 预防艾滋病、梅毒和乙肝母婴传播工作督导评估方案"
    ]
    assert "《预防艾滋病、梅毒和乙肝母婴传播工作实施方案" in cits[0].quote


def test_articles_mentioned_in_a_quote_are_wording(cell: Cell) -> None:
    [c] = cell(546, 546)  # item 26: 除本条例第九条、第十条、第十一条、第十二条规定的…
    assert c.provision == (("条", 13),)
    [c] = cell(219, 219)  # item 11: 应当依据本条例第十七条的规定
    assert c.provision == (("条", 26),)


def test_certificates_in_a_quote_are_wording(cell: Cell) -> None:
    cits = cell(1299, 1301)  # item 63: 第八条：《死亡证》签发… 新版《死亡证》。
    assert {c.title for c in cits} == {"国家卫生计生委办公厅关于印发人口死亡信息登记管理规范(试行)的通知"}
    assert cits[0].quote.startswith("《死亡证》签发")
    [c] = cell(138, 138)  # item 6: …分别发给《独生子女父母光荣证》。
    assert c.title == "重庆市人口与计划生育条例"


# --- forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["死亡证", "独生子女父母光荣证", "重庆市医疗保险转外就医审批表", "医疗机构执业许可证",
     "计划生育技术服务机构执业许可证", "手术同意书"],
)  # fmt: skip
def test_forms(title: str) -> None:
    assert is_form(title)


@pytest.mark.parametrize(
    "title",
    ["中华人民共和国农村土地承包经营权证管理办法", "重庆市人口与计划生育条例",
     "国家基本公共卫生服务规范(第三版)", "医疗机构病历管理规定(2013年版)>", "权力清单"],
)  # fmt: skip
def test_documents_are_not_forms(title: str) -> None:
    assert not is_form(title)


def test_a_form_at_a_line_start_is_not_a_document() -> None:
    text = "《死亡证》签发单位：医疗卫生机构\n《重庆市医疗保险转外就医审批表》(一式三份)"
    assert parse_citations(text, 10) == ()


# --- the whole seed ----------------------------------------------------------


def test_every_seed_item_cites_something_it_says(seed_catalogue) -> None:
    """Every item has a citation; each title (its 《》 and a 文件 masthead aside), number and
    provision (the article as printed, then the item's marker where the quote gives one) is
    text of its cell."""
    unbracketed = functools.partial(re.compile(r"[《》]|文件(?=关于)").sub, "")
    for item in seed_catalogue.items:
        assert item.citations, item.number
        flat = "".join(item.legal_basis.split())
        for c in item.citations:
            assert unbracketed("".join(c.title.split())) in unbracketed(flat), (item.number, c.title)
            assert c.doc_number is None or "".join(c.doc_number.split()) in flat
            for part in re.split(r"(?=[(（])", "".join(c.provision_text.split())):
                assert part in flat, (item.number, c.provision_text)
            assert item.lines[0] <= c.line <= item.lines[1]


def test_json_shape(cell: Cell) -> None:
    [c] = cell(613, 613)
    assert c.to_json() == {
        "title": "农业部办公厅关于印发农业重大有害生物及外来生物入侵突发事件应急预案的通知",
        "doc_number": "农办发〔2005〕9号",
        "provision": [["条", 2], ["项", 5]],
        "provision_text": "第二条(五)",
        "quote": c.quote,
        "line": 613,
        "issuer": None,
    }
