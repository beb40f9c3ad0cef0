"""Issue 10's citation conventions, each on the seed and on small catalogues of another
county written in the seed's layout, with other documents and other wording.

The small catalogues are parsed whole (header, rows, 14 cells), so each case also checks
that the convention survives the loader's cell handling; their expected values are read
off the text written here.
"""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from servicegraph.graph.build import build_graph
from servicegraph.graph.namespaces import ELI, RDFS, SG
from servicegraph.graph.statutes import identify
from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.records import Catalogue, Citation

HEADER = [
    "某某县乡镇公共服务事项目录",
    "",
    "\t序号",
    "\t事项名称",
    "\t事项类型",
    "\t行使内容",
    "\t实施机构名称",
    "\t服务对象",
    "\t服务主题",
    "\t设定依据",
    "\t办理类型",
    "\t行使层级",
    "\t市",
    "\t县",
    "\t乡镇(街道)",
    "\t村(社区)",
    "\t填报类型",
]


def catalogue_text(*bases: str) -> str:
    """A catalogue whose n-th row has legal-basis cell `bases[n-1]` (lines split on "\\n")."""
    lines = list(HEADER)
    for number, basis in enumerate(bases, 1):
        lines += [f"\t{number}", f"\t文化服务{number}", "\t公共文化体育", "\t组织群众文化活动。"]
        lines += ["\t乡镇人民政府", "\t个人", "\t文化体育"]
        lines += ["\t" + basis, "\t就近办", "\t", "\t√", "\t√", "\t", "\t依申请服务类：办理类"]
    return "\n".join(lines)


def catalogue(*bases: str) -> Catalogue:
    return parse_catalogue(catalogue_text(*bases).encode("utf-8"), "other-county.txt")


def cited(basis: str) -> tuple[Citation, ...]:
    return catalogue(basis).items[0].citations


def seed_item(seed_catalogue: Catalogue, number: int) -> tuple[Citation, ...]:
    return next(i for i in seed_catalogue.items if i.number == number).citations


# ---------------------------------------------------------------- 1. the quoted item


@pytest.mark.parametrize(
    ("number", "index", "path", "text"),
    [
        (27, 3, (("条", 11), ("项", 4)), "第十一条(四)"),
        (28, 0, (("条", 11), ("项", 2)), "第十一条(二)"),
        (31, 0, (("条", 11), ("项", 6)), "第十一条(六)"),
        (32, 0, (("条", 11), ("项", 1)), "第十一条(一)"),
        (32, 1, (("条", 10), ("项", 3)), "第十条(三)"),
        (34, 1, (("条", 6), ("项", 4)), "第六条(四)"),
        (39, 0, (("条", 11), ("项", 1)), "第十一条(一)"),
        (43, 1, (("条", 22), ("款", 2), ("项", 2)), "第二十二条第二款(二)"),
    ],
)
def test_seed_quoted_item_is_the_provision(seed_catalogue, number, index, path, text) -> None:
    """`第十一条：…履行下列公益性职责：(四)…`: the item, not the article (the issue's items)."""
    c = seed_item(seed_catalogue, number)[index]
    assert (c.provision, c.provision_text) == (path, text)


def test_seed_whole_list_or_later_paragraph_stays_the_article(seed_catalogue) -> None:
    """Item 3 quotes items (一) to (四) of 第十条; item 52 quotes 第二十八条's second
    paragraph's lead-in and its item (五), a paragraph the text does not number."""
    assert seed_item(seed_catalogue, 3)[0].provision == (("条", 10),)
    assert seed_item(seed_catalogue, 52)[0].provision == (("条", 28),)


@pytest.mark.parametrize(
    ("basis", "path", "text"),
    [
        (  # full-width brackets, the item on the lead-in's line
            "《中华人民共和国公共文化服务保障法》第十四条：县级人民政府应当承担下列职责：（三）组织开展群众性文化活动。",
            (("条", 14), ("项", 3)),
            "第十四条（三）",
        ),
        (  # a paragraph, ASCII colons, the item on the next line
            "《某某省全民健身条例》第二十条第三款: 乡镇人民政府应当提供下列服务:\n(五)指导村民健身活动。",
            (("条", 20), ("款", 3), ("项", 5)),
            "第二十条第三款(五)",
        ),
        (  # two items: the list, so the article
            "《某某省全民健身条例》第八条：体育部门的职责是：(一)制定规划；(二)组织比赛。",
            (("条", 8),),
            "第八条",
        ),
        (  # an item mentioned with no lead-in: wording
            "《某某省全民健身条例》第九条：依照本条例开展活动，(二)所列情形除外。",
            (("条", 9),),
            "第九条",
        ),
    ],
)
def test_other_county_quoted_item(basis: str, path, text: str) -> None:
    [c] = cited(basis)
    assert (c.provision, c.provision_text) == (path, text)


def test_quoted_item_is_a_subdivision_of_its_article_in_the_graph() -> None:
    """The service implements the item, which is part of the article (so roll-ups count it)."""
    built = catalogue(
        "《中华人民共和国公共文化服务保障法》第十四条：县级人民政府应当承担下列职责：（三）组织开展群众性文化活动。"
    )
    graph = build_graph(built)
    [item] = [s for s in graph.subjects(SG.provisionText, None)]
    target = graph.value(item, URIRef("http://purl.org/vocab/cpsv#implements"))
    assert str(target).endswith("/legal/中华人民共和国公共文化服务保障法/art_14/pnt_3")
    parents = {str(p) for p in graph.objects(target, ELI.is_part_of)}
    assert {p.rsplit("/legal/", 1)[1] for p in parents} == {
        "中华人民共和国公共文化服务保障法/art_14",
        "中华人民共和国公共文化服务保障法",
    }
    assert str(graph.value(target, RDFS.label)) == "《中华人民共和国公共文化服务保障法》第十四条第三项"


# ---------------------------------------------------------------- 2. a 《 inside a 《


def test_seed_inner_title_is_the_document(seed_catalogue) -> None:
    [c] = seed_item(seed_catalogue, 33)  # 《农业部、国家体育总局联合印发《关于…指导意见》(农办发〔2017〕11号)(七)
    assert (c.title, c.issuer, c.doc_number) == (
        "关于进一步加强农民体育工作的指导意见",
        "农业部、国家体育总局",
        "农办发〔2017〕11号",
    )
    assert c.provision == (("目", 7),)


@pytest.mark.parametrize(
    ("basis", "title", "issuer"),
    [
        (
            "《文化和旅游部、财政部联合印发《关于推进公共文化服务高质量发展的意见》(文旅公共发〔2021〕21号)(三)健全服务网络。",
            "关于推进公共文化服务高质量发展的意见",
            "文化和旅游部、财政部",
        ),
        ("《国家体育总局发布《全民健身指南》第三条：每周锻炼三次。", "全民健身指南", "国家体育总局"),
        ("《国家体育总局发布《全民健身指南》》第三条：每周锻炼三次。", "全民健身指南", "国家体育总局"),  # closed
    ],
)
def test_other_county_inner_title(basis: str, title: str, issuer: str) -> None:
    [c] = cited(basis)
    assert (c.title, c.issuer) == (title, issuer)


def test_a_closed_notice_keeps_its_inner_title_bracketed() -> None:
    """《X关于印发《Y》的通知》: both brackets close, the outer title is the notice."""
    [c] = cited("《某某省文化厅关于印发《乡镇综合文化站管理办法》的通知》(某文发〔2019〕8号)第五条：站长由乡镇任命。")
    assert c.title == "某某省文化厅关于印发《乡镇综合文化站管理办法》的通知" and c.issuer is None


# ---------------------------------------------------------------- 3. the brackets of a 印发 notice


def test_seed_notice_titles(seed_catalogue) -> None:
    assert seed_item(seed_catalogue, 60)[0].title == (
        "重庆市人民政府办公厅关于印发重庆市城镇职工医疗保险市级统筹办法和重庆市城乡居民合作医疗保险市级统筹办法的通知"
    )
    assert seed_item(seed_catalogue, 88)[1].title == (  # 文件: the letterhead, not the title
        "重庆市卫生和计划生育委员会办公室、重庆市残疾人联合会办公室关于印发2014年重庆市贫困地区新生儿疾病筛查项目方案的通知"
    )
    assert seed_item(seed_catalogue, 90)[2].title == "关于印发垫江县预防艾滋病、梅毒和乙肝母婴传播工作实施方案(2017年)"
    issuers = [(c.title, c.issuer) for c in seed_item(seed_catalogue, 52)[1:]]
    assert issuers == [
        ("关于开展失独家庭住院护理补贴保险工作的通知", "中国计生协"),
        ("关于开展计划生育特殊家庭住院护理保险工作的通知", "重庆计生协"),
    ]


def test_seed_notice_and_its_attachment_are_one_document(seed_catalogue) -> None:
    """Item 60 cites 渝办发〔2011〕293号 as the notice twice (lines 1238 and 1244)."""
    statutes = identify(seed_catalogue.items)
    first, fourth = seed_item(seed_catalogue, 60)[0], seed_item(seed_catalogue, 60)[3]
    assert statutes.document(first) is statutes.document(fourth)
    assert statutes.document(first).title == first.title


@pytest.mark.parametrize(
    ("basis", "title", "issuer", "doc_number"),
    [
        (
            "1. 四川省人民政府办公厅关于印发《四川省城乡居民基本养老保险实施办法的通知》(川办发〔2014〕12号)"
            "第五条：参保范围。",
            "四川省人民政府办公厅关于印发四川省城乡居民基本养老保险实施办法的通知",
            None,
            "川办发〔2014〕12号",
        ),
        (
            "1. 某某市民政局、某某市财政局文件关于转发《困难群众基本生活救助办法》的通知(某民发〔2019〕3号)",
            "某某市民政局、某某市财政局关于转发困难群众基本生活救助办法的通知",
            None,
            "某民发〔2019〕3号",
        ),
        (
            "1. 省残联《关于做好残疾人托养服务工作的通知》(川残联发〔2018〕7号)：二、服务对象。",
            "关于做好残疾人托养服务工作的通知",
            "省残联",
            "川残联发〔2018〕7号",
        ),
    ],
)
def test_other_county_notice_titles(basis: str, title: str, issuer: str | None, doc_number: str) -> None:
    [c] = cited(basis)
    assert (c.title, c.issuer, c.doc_number) == (title, issuer, doc_number)


def test_issuer_is_on_the_citation_in_the_graph() -> None:
    graph = build_graph(catalogue("1. 省残联《关于做好残疾人托养服务工作的通知》(川残联发〔2018〕7号)"))
    assert [str(o) for o in graph.objects(None, SG.issuerAsWritten)] == ["省残联"]


# ---------------------------------------------------------------- 4. a section label opening the next paragraph


def test_seed_section_label_below_the_header(seed_catalogue) -> None:
    [c] = seed_item(seed_catalogue, 86)  # 《…的通知》(卫医发〔2008〕37号) ⏎ (一)机构条件。 ⏎ 1.…
    assert (c.provision, c.provision_text) == ((("目", 1),), "(一)")
    assert c.quote.startswith("机构条件。")
    assert [c.provision for c in seed_item(seed_catalogue, 90)[:2]] == [(), ()]  # (一)以《…》为指导，…: wording


@pytest.mark.parametrize(
    ("basis", "path"),
    [
        ("《某某县文化站服务规范》(某文〔2020〕2号)\n二、服务内容。\n1.开放阅览室；\n2.组织培训。", (("节", 2),)),
        ("《某某县文化站服务规范》\n(三)服务对象：\n辖区居民。", (("目", 3),)),
        ("《某某县文化站服务规范》\n(一)以群众需求为导向，统筹安排服务；\n(二)注重实效。", ()),  # sentences: wording
        ("《某某县文化站服务规范》第四条\n(一)开放时间。", (("条", 4),)),  # an article, no lead-in: wording
    ],
)
def test_other_county_section_label_below_the_header(basis: str, path) -> None:
    assert cited(basis)[0].provision == path


# ---------------------------------------------------------------- 5. identity


def test_an_undated_number_alone_does_not_merge_different_titles() -> None:
    """主席令第5号 is reused by every congress: the same number on two different laws."""
    built = catalogue(
        "《中华人民共和国公共图书馆法》(主席令第5号)第十条：…",
        "《中华人民共和国村民委员会组织法》(主席令第5号)第二条：…",
        "《公共图书馆法》(主席令第5号)第十一条：…",
        "《国务院宗教事务条例》(国务院令第426号)第三条：…",
        "《宗教事务条例》(国务院令第426号)第四条：…",
    )
    documents = {d.title: d for d in identify(built.items).documents}
    assert set(documents) == {"中华人民共和国公共图书馆法", "中华人民共和国村民委员会组织法", "国务院宗教事务条例"}
    [merge] = documents["国务院宗教事务条例"].merges
    assert merge.reason == "same issuing number 国务院令第426号 (it has no year) and one title contains the other"
    assert documents["中华人民共和国村民委员会组织法"].kept_apart == [
        "not merged with 《中华人民共和国公共图书馆法》: both cite 主席令第5号, a number without a year"
        " (reused when the numbering restarts), and neither title contains the other"
    ]
    assert [m.reason for m in documents["中华人民共和国公共图书馆法"].merges] == [
        "same title up to: with or without the 中华人民共和国 prefix",
        "same issuing number 主席令第5号 (it has no year) and one title contains the other",
    ]


def test_seed_undated_numbers_merge_only_titles_that_agree(seed_catalogue) -> None:
    for doc in identify(seed_catalogue.items).documents:
        for merge in doc.merges:
            number = re.search(r"same issuing number (\S+)", merge.reason)
            if number and "〔" not in number.group(1):
                assert "one title contains the other" in merge.reason, merge


def test_statutes_command_says_why_each_merge_was_made(tmp_path, capsys) -> None:
    from servicegraph.cli import main

    path = tmp_path / "other-county.txt"
    text = catalogue_text(
        "《国务院宗教事务条例》(国务院令第426号)第三条：…",
        "《宗教事务条例》(国务院令第426号)第四条：…",
        "《中华人民共和国种子法》(主席令第35号)",
        "《中华人民共和国社会保险法》(主席令第35号)",
    )
    path.write_text(text, encoding="utf-8")
    assert main(["statutes", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "  merged 《宗教事务条例》 with 《国务院宗教事务条例》: same issuing number 国务院令第426号"
        " (it has no year) and one title contains the other"
    ) in out.splitlines()
    assert (
        "  not merged with 《中华人民共和国种子法》: both cite 主席令第35号, a number without a year"
        " (reused when the numbering restarts), and neither title contains the other"
    ) in out.splitlines()
