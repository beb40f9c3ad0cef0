"""Statute identity: variant titles and issuing numbers merge into one document, with reasons."""

from __future__ import annotations

import json

import pytest

from servicegraph.graph.statutes import (
    clean_title,
    document_type,
    identify,
    parse_issuing_number,
    provision_label,
    title_key,
)
from servicegraph.loaders.records import Citation, Item


def cite(title: str, doc_number: str | None = None, line: int = 1, provision=(("条", 1),)) -> Citation:
    return Citation(title, doc_number, provision, "", "", line)


def item(number: int, *citations: Citation) -> Item:
    return Item(number, False, f"事项{number}", "", "", (), (), (), "", citations, (), {}, (), (number, number))


def titles(doc) -> set[str]:
    return {s.title for s in doc.spellings}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("社会保险法", "中华人民共和国社会保险法"),
        ("重庆市人口和计划生育条例", "重庆市人口与计划生育条例"),
        ("重庆市人口 和计划生育条例", "重庆市人口和计划生育条例"),
        ("关于开展失独家庭住院护理补贴保险工作的通知\u3000", "关于开展失独家庭住院护理补贴保险工作的通知"),
        ("重庆市实施<中华人民共和国农业技术推广法>办法", "重庆市实施〈中华人民共和国农业技术推广法〉办法"),
        ("国家基本公共卫生服务规范(第三版", "国家基本公共卫生服务规范(第三版)"),
        ("国家基本公共卫生服务规范（第三版）", "国家基本公共卫生服务规范(第三版)"),
    ],
)
def test_variant_titles_share_a_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_different_documents_keep_different_keys() -> None:
    assert title_key("信访条例") != title_key("重庆市信访条例")
    assert title_key("国家基本公共卫生服务规范(第三版)") != title_key(
        "国家卫生计生委关于印发<国家基本公共卫生服务规范(第三版)的通知"
    )


@pytest.mark.parametrize(
    ("raw", "issuer", "year", "serial", "text"),
    [
        ("渝府发〔2017〕41号", "渝府发", 2017, 41, "渝府发〔2017〕41号"),
        ("渝办法﹝2010﹞283号", "渝办法", 2010, 283, "渝办法〔2010〕283号"),
        ("人社部发【2011】83号", "人社部发", 2011, 83, "人社部发〔2011〕83号"),
        ("渝办发［2009］280号 ", "渝办发", 2009, 280, "渝办发〔2009〕280号"),
        ("国计生协[2017]30号", "国计生协", 2017, 30, "国计生协〔2017〕30号"),
        ("人社部发〔2011〕47", "人社部发", 2011, 47, "人社部发〔2011〕47号"),
        ("渝文备 〔2015〕 3079号", "渝文备", 2015, 3079, "渝文备〔2015〕3079号"),
        ("渝府办发〔2015〕174号文件", "渝府办发", 2015, 174, "渝府办发〔2015〕174号"),
        ("国务院令第196号", "国务院令", None, 196, "国务院令第196号"),
        ("中华人民共和国国务院令第555号", "国务院令", None, 555, "国务院令第555号"),
        ("重庆市人民政府令2009年第231号", "重庆市人民政府令", 2009, 231, "重庆市人民政府令2009年第231号"),
        ("人社部第23号令", "人社部令", None, 23, "人社部令第23号"),
        ("2016第7号", None, 2016, 7, "2016年第7号"),
    ],
)
def test_issuing_numbers_parse(raw: str, issuer: str | None, year: int | None, serial: int, text: str) -> None:
    number = parse_issuing_number(raw)
    assert number is not None
    assert (number.issuer, number.year, number.serial, number.text) == (issuer, year, serial, text)


def test_text_that_is_no_issuing_number() -> None:
    assert parse_issuing_number("一式三份") is None


def test_variants_merge_into_one_document_with_every_variant_kept() -> None:
    statutes = identify(
        [
            item(6, cite("重庆市人口与计划生育条例", line=10)),
            item(7, cite("重庆市人口与计划生育条例", line=20)),
            item(93, cite("重庆市人口和计划生育条例", "2016第7号", line=30)),
        ]
    )
    [doc] = statutes.documents
    assert doc.title == "重庆市人口与计划生育条例"  # the more cited spelling
    assert doc.alt_labels == ["重庆市人口和计划生育条例"]
    assert [s.items for s in doc.spellings] == [[6, 7], [93]]
    [merge] = doc.merges
    assert "和 / 与" in merge.reason
    assert statutes.document(cite("重庆市人口和计划生育条例", "2016第7号")) is doc


def test_a_national_law_takes_the_prc_prefix_even_when_never_written_with_it() -> None:
    [doc] = identify([item(1, cite("社会保险法"))]).documents
    assert doc.title == "中华人民共和国社会保险法"
    assert doc.kind == "law"
    assert doc.alt_labels == ["社会保险法"]


def test_same_issuing_number_merges_different_titles_and_the_longest_title_wins() -> None:
    statutes = identify(
        [
            item(20, cite("重庆市人民政府关于做好当前和今后一段时期就业创业工作的实施意见", "渝府发〔2017〕41号", 5)),
            item(21, cite("关于做好当前和今后一段时期就业创业工作的实施意见", "渝府发〔2017〕41号", 9)),
            item(
                22,
                cite(
                    "重庆市人民政府关于印发〈重庆市农村集体经济组织清产核资实施方案〉的通知", "渝府发〔2014〕41号", 12
                ),
            ),
        ]
    )
    first, second = statutes.documents
    assert first.title == "重庆市人民政府关于做好当前和今后一段时期就业创业工作的实施意见"
    assert first.number is not None and first.number.text == "渝府发〔2017〕41号"
    assert [m.reason for m in first.merges] == ["same issuing number 渝府发〔2017〕41号"]
    assert len(second.spellings) == 1  # same serial, another year: another document


def test_issuing_number_typo_merges_when_one_title_contains_the_other() -> None:
    statutes = identify(
        [
            item(
                1,
                cite("重庆市人民政府办公厅关于进一步完善城乡居民合作医疗保险制度的指导意见", "渝办法﹝2010﹞283号", 53),
            ),
            item(60, cite("进一步完善城乡居民合作医疗保险制度的指导意见", "渝办发〔2010〕283号", 1240)),
            item(
                61,
                cite(
                    "重庆市人民政府办公厅关于认真做好城市廉租住房保障对象家庭认定工作的通知",
                    "渝办发［2009］280号",
                    1300,
                ),
            ),
        ]
    )
    merged = statutes.documents[0]
    assert titles(merged) == {
        "重庆市人民政府办公厅关于进一步完善城乡居民合作医疗保险制度的指导意见",
        "进一步完善城乡居民合作医疗保险制度的指导意见",
    }
    assert "typo" in merged.merges[0].reason
    # 渝办发 is used by another document, 渝办法 by none: the typo loses
    assert merged.number is not None and merged.number.text == "渝办发〔2010〕283号"


def test_typo_alone_does_not_merge_unrelated_titles() -> None:
    statutes = identify(
        [
            item(1, cite("重庆市甲条例", "渝办法〔2010〕283号")),
            item(2, cite("重庆市乙办法", "渝办发〔2010〕283号")),
        ]
    )
    assert len(statutes.documents) == 2


def test_a_number_without_issuer_identifies_nothing() -> None:
    statutes = identify([item(1, cite("甲条例", "2016第7号")), item(2, cite("乙条例", "2016第7号"))])
    assert len(statutes.documents) == 2


def test_to_json_explains_each_merge() -> None:
    statutes = identify([item(1, cite("农业技术推广法")), item(2, cite("中华人民共和国农业技术推广法"))])
    [doc] = json.loads(json.dumps(statutes.to_json(), ensure_ascii=False))
    assert doc["title"] == "中华人民共和国农业技术推广法"
    assert [v["items"] for v in doc["variants"]] == [[1], [2]]
    assert doc["merges"][0]["reason"] == "same title up to: with or without the 中华人民共和国 prefix"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("中华人民共和国电力法", "law"),
        ("电力供应与使用条例", "regulation"),
        ("重庆市城镇职工医疗保险市级统筹办法", "rules"),
        ("卫生部关于印发〈病历书写基本规范〉的通知", "notice"),
        ("中共中央、国务院关于深化医药卫生体制改革的意见", "opinion"),
        ("卫生部关于印发〈医院投诉管理办法(试行)〉的通知(试行)", "notice"),
        ("国家基本公共卫生服务规范(第三版)", "other"),
    ],
)
def test_document_type_from_title(title: str, kind: str) -> None:
    assert document_type(clean_title(title)) == kind


def test_clean_title_balances_brackets_and_unifies_inner_titles() -> None:
    assert clean_title(" 国家基本公共卫生服务规范(第三版") == "国家基本公共卫生服务规范(第三版)"
    assert (
        clean_title("国务院办公厅印<发关于支持戏曲传承发展若干政策>的通知")
        == "国务院办公厅印〈发关于支持戏曲传承发展若干政策〉的通知"
    )


def test_provision_label() -> None:
    assert provision_label((("条", 30), ("款", 2), ("项", 2))) == "第三十条第二款第二项"
    assert provision_label((("章", 2), ("节", 1))) == "第二章第一节"
    assert provision_label((("节", 10), ("目", 3), ("点", 2))) == "十、(三)2."


def test_seed_documents_cited_in_more_than_one_way(seed_catalogue) -> None:
    """Established by hand from the seed (grep 《…》 and the issuing numbers)."""
    multi = {d.title for d in identify(seed_catalogue.items).documents if len({s.title for s in d.spellings}) > 1}
    assert multi == {
        "重庆市人口与计划生育条例",  # 人口和 (with a stray space) / 人口与
        "中华人民共和国农业技术推广法",  # with and without the prefix
        "重庆市实施〈中华人民共和国农业技术推广法〉办法",  # <> / 〈〉
        "国家基本公共卫生服务规范(第三版)",  # "(第三版" unbalanced / balanced
        "重庆市人民政府办公厅关于进一步完善城乡居民合作医疗保险制度的指导意见",  # 渝办法/渝办发〔2010〕283号
        "重庆市人民政府关于做好当前和今后一段时期就业创业工作的实施意见",  # 渝府发〔2017〕41号
        # 渝办发〔2011〕293号
        "重庆市人民政府办公厅关于印发重庆市城镇职工医疗保险市级统筹办法和重庆市城乡居民合作医疗保险市级统筹办法的通知",
    }


def identity(*citations: Citation) -> str:
    [doc] = identify([item(n, c) for n, c in enumerate(citations, 1)]).documents
    return doc.identity


@pytest.mark.parametrize(
    ("citations", "expected"),
    [
        ((cite("关于实施大学生创业引领计划的通知", "人社部发〔2014〕38号"),), "人社部发-2014-38"),
        ((cite("重庆市骗取社会保险基金处理办法", "重庆市人民政府令2009年第231号"),), "重庆市人民政府令-2009-231"),
        # no year: 令 numbers restart (主席令 each term), so the title identifies
        ((cite("电力供应与使用条例", "国务院令第196号"),), "电力供应和使用条例"),
        ((cite("重庆市人口与计划生育条例", "2016第7号"),), "重庆市人口和计划生育条例"),  # no issuer
        ((cite("电力法"),), "中华人民共和国电力法"),
        ((cite("中华人民共和国政府信息公开条例"),), "政府信息公开条例"),  # the prefix is kept for laws only
        ((cite("国家基本公共卫生服务规范(第三版"),), "国家基本公共卫生服务规范第三版"),
    ],
)
def test_identity_is_the_issuing_number_with_a_year_else_the_title_key(
    citations: tuple[Citation, ...], expected: str
) -> None:
    assert identity(*citations) == expected


def test_identity_ignores_which_spelling_is_displayed() -> None:
    short = cite("信访条例", "国务院令第431号", line=1)
    longer = cite("国务院信访条例", "国务院令第431号", line=2)
    assert identity(short) == identity(short, longer) == identity(longer, short) == "信访条例"
    [doc] = identify([item(1, short), item(2, longer)]).documents
    assert doc.title == "国务院信访条例"  # the display title is the longest


def test_canonical_number_does_not_depend_on_citation_order() -> None:
    typo = cite("重庆市甲条例实施意见", "渝办法〔2010〕283号")
    right = cite("甲条例实施意见", "渝办发〔2010〕283号")
    forward = identify([item(1, typo), item(2, right)]).documents
    backward = identify([item(1, right), item(2, typo)]).documents
    assert len(forward) == len(backward) == 1  # merged as a one-character typo
    assert forward[0].number == backward[0].number
    assert forward[0].identity == backward[0].identity == "渝办发-2010-283"  # a tie: the smaller written form
