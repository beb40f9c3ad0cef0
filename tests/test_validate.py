"""Validation of the seed and of corrupted copies of it, the report formats and the CLI.

Corrupted copies are made by editing the seed's text, keeping its line count, so each
copy's results compare with the seed's own by (severity, shape, item, line, value).
"""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from servicegraph.cli import main
from servicegraph.graph.build import build_graph
from servicegraph.graph.validate import SGS, Report, validate
from servicegraph.loaders.catalogue import parse_catalogue

Outcome = tuple[str, str, int | None, int | None, str | None]
"""(severity, shape or property shape name, item, line, value as printed)."""

SEED_LOST_NUMBERS = {
    16: 348, 17: 369, 18: 388, 19: 403, 20: 428, 21: 449, 22: 466, 23: 483, 24: 502,
    26: 540, 29: 607, 30: 620, 32: 658, 35: 713, 38: 766, 39: 787, 40: 802, 46: 954,
}  # fmt: skip
"""Items whose number cell is lost (` \\t<name>` rows): their first lines, read off the file."""


def _outcomes(report: Report) -> set[Outcome]:
    return {(r.severity, r.shape.fragment, r.item, r.line, r.value_text) for r in report.results}


@pytest.fixture(scope="module")
def seed_report(seed_graph) -> Report:
    return validate(seed_graph)


@pytest.fixture(scope="module")
def seed_lines(seed_path) -> list[str]:
    return seed_path.read_text(encoding="utf-8").split("\n")


def _report_of(lines: list[str]) -> Report:
    catalogue = parse_catalogue("\n".join(lines).encode("utf-8"), "edited.txt")
    return validate(build_graph(catalogue))


def _edited(lines: list[str], edits: dict[int, str]) -> list[str]:
    """`lines` with 1-based line numbers replaced; the line count stays the same."""
    out = list(lines)
    for number, text in edits.items():
        out[number - 1] = text
    return out


# ---------------------------------------------------------------- the seed


def test_the_seed_has_no_violation(seed_report):
    """No Violation on the seed is a false alarm: there is none."""
    assert seed_report.conforms
    assert [r for r in seed_report.results if r.severity == "Violation"] == []


def test_seed_lost_numbers_are_infos_with_their_lines(seed_report):
    infos = {o for o in _outcomes(seed_report) if o[0] == "Info"}
    assert infos == {("Info", "ServiceNumberInferred", n, line, "true") for n, line in SEED_LOST_NUMBERS.items()}


def test_seed_item_24_copies_item_25s_content(seed_report):
    """Item 24 受理信访投诉 has 行使内容 「信访事项查询」 (line 504), the content (and name) of
    item 25 (line 523): each result is at its own content cell and names the other's."""
    duplicates = {o for o in _outcomes(seed_report) if o[1] == "DuplicateContentShape"}
    assert duplicates == {
        ("Warning", "DuplicateContentShape", 24, 504, "item 25, line 523"),
        ("Warning", "DuplicateContentShape", 25, 523, "item 24, line 504"),
    }


SEED_CITATIONS_WITHOUT_PROVISION = {
    1: [53], 38: [778], 52: [1098], 63: [1303, 1305], 70: [1444, 1446, 1446, 1450], 71: [1467],
    73: [1505], 77: [1573], 78: [1590], 79: [1610, 1610], 80: [1629], 81: [1648], 82: [1667],
    85: [1720], 87: [1764, 1766], 88: [1785], 89: [1800], 90: [1817, 1819, 1831],
    92: [1881], 94: [1917], 95: [1934, 1936],
}  # fmt: skip
"""Citations that name a document but no article, heading or 全文, checked against the text:
e.g. item 1 「《…指导意见》 (渝办法﹝2010﹞283号)：在筹资工作中…」, item 63 「2. 《…的通知》(渝卫疾控发〔2015〕39号)」.
Item 86 「《…的通知》(卫医发〔2008〕37号)⏎(一)机构条件。」 cites section (一): not here."""

SEED_UNPAIRED_TITLES = {71: 1467, 77: 1573, 78: 1590, 79: 1610, 80: 1629, 81: 1648, 82: 1667, 85: 1720}
"""「《国家基本公共卫生服务规范(第三版》」
(71, 77-82), 「《国家卫生计生委关于印发<国家基本公共卫生服务规范(第三版)的通知》」 (85)."""


def test_seed_citations_without_provision(seed_report):
    found = sorted((r.item, r.line) for r in seed_report.results if r.shape.fragment == "CitationProvision")
    assert found == sorted((n, line) for n, lines in SEED_CITATIONS_WITHOUT_PROVISION.items() for line in lines)
    assert {r.severity for r in seed_report.results if r.shape.fragment == "CitationProvision"} == {"Warning"}


def test_seed_titles_with_unpaired_brackets(seed_report):
    found = {(r.item, r.line) for r in seed_report.results if r.shape.fragment == "CitationTitleBrackets"}
    assert found == set(SEED_UNPAIRED_TITLES.items())


def test_the_seed_results_are_exactly_the_defects_found_by_hand(seed_report):
    counts = {"ServiceNumberInferred": 18, "DuplicateContentShape": 2, "CitationProvision": 30,
              "CitationTitleBrackets": len(SEED_UNPAIRED_TITLES)}  # fmt: skip
    shapes = [r.shape.fragment for r in seed_report.results]
    assert {shape: shapes.count(shape) for shape in set(shapes)} == counts


def test_every_seed_result_has_an_item_and_a_line(seed_report):
    for result in seed_report.results:
        assert result.item is not None and result.line is not None, result


# ---------------------------------------------------------------- corrupted copies


def _added_and_removed(seed_report: Report, report: Report) -> tuple[set[Outcome], set[Outcome]]:
    before, after = _outcomes(seed_report), _outcomes(report)
    return after - before, before - after


def test_item_removed(seed_report, seed_lines):
    """Row 44 (lines 901-926) blanked: items 45-48 say 同第44项 (their township
    cells start two lines above it), and the numbering skips 44."""
    report = _report_of(_edited(seed_lines, {n: "" for n in range(901, 927)}))
    added, removed = _added_and_removed(seed_report, report)
    assert added == {
        ("Violation", "CrossReferenceShape", 45, 949, "44"),
        ("Violation", "CrossReferenceShape", 46, 974, "44"),
        ("Violation", "CrossReferenceShape", 47, 1001, "44"),
        ("Violation", "CrossReferenceShape", 48, 1030, "44"),
        ("Warning", "NumberGapShape", 45, 928, "44"),  # the value: the number that is missing
    }
    assert {o[2] for o in removed} <= {44}  # only item 44's own results went


def test_cross_reference_broken(seed_report, seed_lines):
    report = _report_of(_edited(seed_lines, {1066: "\t√(同第999项)"}))
    assert _added_and_removed(seed_report, report) == (
        {("Violation", "CrossReferenceShape", 50, 1066, "999")},
        set(),
    )


def test_role_on_a_level_without_mark(seed_report, seed_lines):
    """Item 16's county cell 「√(初审)」 becomes a bare 「(初审)」."""
    report = _report_of(_edited(seed_lines, {365: "\t(初审)"}))
    assert _added_and_removed(seed_report, report) == (
        {("Violation", "UnmarkedRole", 16, 365, "sg:preliminaryReview")},
        set(),
    )


def test_remark_on_a_level_without_mark(seed_report, seed_lines):
    """Item 50's township cell 「√(同第49项)」 loses its √: doubtful, not broken."""
    report = _report_of(_edited(seed_lines, {1066: "\t(同第49项)"}))
    assert _added_and_removed(seed_report, report) == (
        {("Warning", "UnmarkedLevel", 50, 1066, None)},
        set(),
    )


def test_duplicate_number(seed_report, seed_lines):
    """Item 2's number cell says 1: both items numbered 1 are reported, each at its number
    cell and naming where the other is, and 2 is missing."""
    report = _report_of(_edited(seed_lines, {61: "\t1"}))
    added, removed = _added_and_removed(seed_report, report)
    assert added == {
        ("Violation", "DuplicateNumberShape", 1, 46, "item 1, line 61"),
        ("Violation", "DuplicateNumberShape", 1, 61, "item 1, line 46"),
        ("Warning", "NumberGapShape", 3, 76, "2"),
    } | {(s, shape, 1, line, v) for s, shape, n, line, v in removed if n == 2}
    assert {o[2] for o in removed} <= {2}  # item 2's own results now carry number 1


def test_agency_blanked(seed_report, seed_lines):
    """Item 9's 实施机构 cell (line 186) emptied: the result is at that cell, not at the row's
    first line (182)."""
    report = _report_of(_edited(seed_lines, {186: "\t"}))
    assert _added_and_removed(seed_report, report) == (
        {("Violation", "ServiceAgency", 9, 186, None)},
        set(),
    )


def test_citation_title_without_brackets(seed_report, seed_lines):
    """Item 9's only citation loses its 《》: no document is recognised any more."""
    line = seed_lines[188].replace("《重庆市老年人权益保障条例》", "重庆市老年人权益保障条例")
    assert _added_and_removed(seed_report, _report_of(_edited(seed_lines, {189: line}))) == (
        {("Warning", "ServiceCitation", 9, 189, None)},  # its 设定依据 cell
        set(),
    )


def test_citation_provision_removed(seed_report, seed_lines):
    line = seed_lines[188].replace("第三十七条第二款", "")
    assert _added_and_removed(seed_report, _report_of(_edited(seed_lines, {189: line}))) == (
        {("Warning", "CitationProvision", 9, 189, None)},
        set(),
    )


def test_certificate_cited_as_the_document(seed_report, seed_lines):
    """Item 6 cites 《独生子女父母光荣证》第二十八条: the loader takes a certificate for no
    document, so the item is left citing nothing."""
    line = seed_lines[137].replace("重庆市人口与计划生育条例", "独生子女父母光荣证", 1)
    assert _added_and_removed(seed_report, _report_of(_edited(seed_lines, {138: line}))) == (
        {("Warning", "ServiceCitation", 6, 138, None)},  # its 设定依据 cell
        set(),
    )


def test_citation_title_cut_short(seed_report, seed_lines):
    line = seed_lines[188].replace("《重庆市老年人权益保障条例》", "《重庆市老年人权益保障条例(修订》")
    assert _added_and_removed(seed_report, _report_of(_edited(seed_lines, {189: line}))) == (
        {("Warning", "CitationTitleBrackets", 9, 189, "重庆市老年人权益保障条例(修订")},
        set(),
    )


# ---------------------------------------------------------------- stable keys and formats


def test_keys_do_not_depend_on_lines(seed_report, seed_lines):
    """Two blank lines before the table shift every line; every result keeps its key."""
    report = _report_of([*seed_lines[:2], "", "", *seed_lines[2:]])
    assert [r.key for r in report.results] == [r.key for r in seed_report.results]
    assert [r.line for r in report.results] == [r.line + 2 for r in seed_report.results]


def test_keys_are_unique(seed_report):
    keys = [r.key for r in seed_report.results]
    assert len(keys) == len(set(keys))


def test_results_are_grouped_by_item_in_order(seed_report):
    groups = seed_report.by_item()
    assert list(groups) == sorted(groups)
    for item, results in groups.items():
        assert {r.item for r in results} == {item}
        assert [r.line for r in results] == sorted(r.line for r in results)


def test_json_report(seed_report):
    data = json.loads(seed_report.to_json_text())
    assert data["conforms"] is True
    assert data["counts"] == {s: seed_report.count(s) for s in ("Violation", "Warning", "Info")}
    flat = [r for group in data["items"] for r in group["results"]]
    assert len(flat) == len(seed_report.results)
    first = next(r for r in flat if r["shape"] == "sgs:DuplicateContentShape")
    assert first == {
        "severity": "Warning",
        "item": 24,
        "line": 504,  # its 行使内容 cell
        "focus": "https://servicegraph.example/service/受理信访投诉",
        "shape": "sgs:DuplicateContentShape",
        "constraint": "sgs:DuplicateContent",
        "path": "dct:description",
        "value": "https://servicegraph.example/service/信访事项查询",
        "value_item": 25,
        "value_line": 523,  # item 25's 行使内容 cell
        "message": {
            "zh": "行使内容与其他1个事项完全相同(值为其中序号最小的一项)",
            "en": "the item's content duplicates that of 1 other item(s) (the value: the lowest-numbered of them)",
        },
    }


def test_turtle_report_is_a_shacl_report_with_lines(seed_report):
    graph = Graph().parse(data=seed_report.to_turtle(), format="turtle")
    results = list(graph.subjects(RDF.type, SH.ValidationResult))
    assert len(results) == len(seed_report.results)
    focus = URIRef("https://servicegraph.example/service/受理信访投诉")
    (node,) = [
        r for r in results
        if graph.value(r, SH.focusNode) == focus and graph.value(r, SH.sourceShape) == SGS.DuplicateContentShape
    ]  # fmt: skip
    assert graph.value(node, SH.resultSeverity) == SH.Warning
    assert graph.value(node, SH.value) == URIRef("https://servicegraph.example/service/信访事项查询")
    assert graph.value(node, SGS.line).toPython() == 504
    assert graph.value(node, SGS.valueLine).toPython() == 523
    assert graph.value(node, SGS.itemNumber).toPython() == 24
    assert {m.language for m in graph.objects(node, SH.resultMessage)} == {"zh", "en"}


# ---------------------------------------------------------------- the command


def test_cli_seed_exits_0_and_prints_results_by_item(seed_path, seed_report, capsys):
    assert main(["validate", str(seed_path)]) == 0
    out = capsys.readouterr().out
    assert f"{seed_path}: 98 items checked: 0 Violation," in out.splitlines()[0]
    block = out.split("item 24 (第24项)\n", 1)[1].split("\n\n", 1)[0]
    assert (
        f"  {seed_path}:504: Warning: 行使内容与其他1个事项完全相同(值为其中序号最小的一项) | the item's content"
        " duplicates that of 1 other item(s) (the value: the lowest-numbered of them) [value: item 25, line 523]"
    ) in block.splitlines()
    assert out.count(": Info: ") == len(SEED_LOST_NUMBERS)
    assert out.count(f"\n  {seed_path}:") == len(seed_report.results)


def test_cli_violation_exits_1(tmp_path, seed_lines, capsys):
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(_edited(seed_lines, {1066: "\t√(同第999项)"})), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"  {path}:1066: Violation: “同第N项”引用的事项不存在" in out


def test_cli_unreadable_file_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.txt"
    assert main(["validate", str(missing)]) == 2
    assert f"error: {missing}: 无法读取文件：" in (err := capsys.readouterr().err) and "| cannot read the file" in err


def test_cli_not_a_catalogue_exits_2(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"error: {path}:1:" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_cli_machine_formats(seed_path, seed_report, fmt, capsys):
    assert main(["validate", str(seed_path), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out) == seed_report.to_json()
    else:
        graph = Graph().parse(data=out, format="turtle")
        assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == len(seed_report.results)


def test_cli_base_iri(seed_path, capsys):
    assert main(["validate", str(seed_path), "--format", "json", "--base", "https://d.example/dj/"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(r["focus"].startswith("https://d.example/dj/") for g in data["items"] for r in g["results"])
    assert main(["validate", str(seed_path), "--base", "https://d.example/no-slash"]) == 2
    assert "must end with '/' or '#'" in capsys.readouterr().err


def test_cli_streams_the_same_report_as_a_built_graph(tmp_path, seed_lines, capsys):
    """The CLI validates the builder's stream in a store; validate(build_graph(…)) is the reference."""
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(_edited(seed_lines, {1066: "\t√(同第999项)"})), encoding="utf-8")
    assert main(["validate", str(path), "--format", "json"]) == 1
    expected = validate(build_graph(parse_catalogue(path.read_bytes(), str(path)))).to_json()
    assert json.loads(capsys.readouterr().out) == expected
