"""The catalogue loader on the seed (rows checked against the source lines cited) and on
bad input; the `servicegraph parse` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicegraph.cli import main
from servicegraph.loaders import catalogue as catalogue_module
from servicegraph.loaders.catalogue import COLUMNS, parse_catalogue, read_catalogue
from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.records import FillType, LevelMark

INFERRED = {16, 17, 18, 19, 20, 21, 22, 23, 24, 26, 29, 30, 32, 35, 38, 39, 40, 46}


@pytest.fixture(scope="module")
def seed_lines(seed_path) -> list[str]:
    return seed_path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def items(seed_catalogue):
    return {item.number: item for item in seed_catalogue.items}


def _bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _edited(lines: list[str], line: int, replacement: list[str]) -> list[str]:
    """`lines` with 1-based `line` replaced by `replacement` (empty: deleted)."""
    return lines[: line - 1] + replacement + lines[line:]


def _parse_error(data: bytes) -> CatalogueError:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(data, "cat.txt")
    return caught.value


# --- the seed -------------------------------------------------------------------------


def test_seed_has_98_items_numbered_in_order(seed_catalogue):
    assert [item.number for item in seed_catalogue.items] == list(range(1, 99))


def test_seed_inferred_numbers(seed_catalogue):
    inferred = {item.number for item in seed_catalogue.items if item.number_inferred}
    assert inferred == INFERRED


def test_seed_catalogue_metadata(seed_catalogue, seed_path):
    assert seed_catalogue.title == "垫江县乡镇人民政府(街道办事处)通用公共服务事项目录清单(修订)"
    assert seed_catalogue.encoding == "utf-8"
    assert seed_catalogue.source == str(seed_path)
    assert len(seed_catalogue.sha256) == 64


def test_item_1_every_field(items):
    item = items[1]  # lines 46-59
    assert item.to_json() | {"citations": None} == {
        "number": 1,
        "number_inferred": False,
        "name": "城乡居民医疗保险参保、信息变更",
        "item_type": "社会保险",
        "content": "办理居民医保参保、信息变更业务",
        "agencies": ["乡镇人民政府(街道办事处)"],
        "targets": ["个人"],
        "themes": ["社会保障"],
        "handling_modes": ["马上办", "一次办"],
        "levels": {
            "city": None,
            "county": None,
            "township": {"checked": True, "role": None, "note": None, "same_as_item": None},
            "village": None,
        },
        "fill_types": [{"level": None, "category": "依申请服务类", "subtypes": ["办理类"]}],
        "legal_basis": "《重庆市人民政府办公厅关于进一步完善城乡居民合作医疗保险制度的指导意见》"
        " (渝办法﹝2010﹞283号)：在筹资工作中，全市各地要充分发挥基层社会保障平台、社区、就业管理部门"
        "和学校等单位的作用，把服务网络延伸到乡镇(街道)，建立方便居民参保的缴费窗口”",
        "citations": None,
        "lines": [46, 59],
    }
    assert item.cell_lines == dict(zip(COLUMNS, range(46, 60), strict=True))
    assert item.levels["township"].line == 57


def test_rows_with_multi_paragraph_cells(items, seed_lines):
    item = items[14]  # lines 265-304: content, legal basis and fill type over paragraphs
    assert item.lines == (265, 304)
    assert item.content == "\n".join(seed_lines[i - 1] for i in (268, 270, 272)).lstrip("\t")
    assert item.legal_basis.split("\n") == [seed_lines[i - 1].lstrip("\t").strip() for i in range(276, 291, 2)]
    assert item.levels == {
        "city": LevelMark(line=292),
        "county": LevelMark(role="审定", line=293),
        "township": LevelMark(role="初审", line=296),
        "village": None,
    }
    assert item.fill_types == (
        FillType("市", "依申请服务类", ("办理类", "查询类")),
        FillType("区县", "依申请服务类", ("办理类", "查询类")),
        FillType("乡镇", "依申请服务类", ("办理类", "咨询类")),
    )
    assert item.cell_lines["fill_types"] == 300


def test_row_without_number_cell(items):
    item = items[16]  # line 348 " \t新办社会保障卡", directly after row 15's last line
    assert (item.number, item.number_inferred, item.name) == (16, True, "新办社会保障卡")
    assert item.lines == (348, 368)
    assert item.cell_lines["number"] == item.cell_lines["name"] == 348
    assert item.cell_lines["village"] == 367
    assert item.agencies == ("市人力社保局", "县人力和社保局", "乡镇人民政府(街道办事处)")
    assert items[15].lines == (306, 347)


def test_remark_on_a_continuation_line(items):
    # lines 383-385: √, blank, (备注：…)
    assert items[17].levels["township"] == LevelMark(
        note="由于实施需要部署制卡设备，大部分乡镇网点可办理补换卡业务", line=383
    )
    assert items[17].levels["village"] is None


def test_cross_references(items):
    assert items[45].levels["township"] == LevelMark(same_as_item=44, line=949)  # 949-951
    assert items[50].levels["township"] == LevelMark(same_as_item=49, line=1066)  # √(同第49项)


def test_roles_on_own_paragraph_and_inline(items):
    assert items[7].levels["township"].role == "审定"  # 157-159
    assert items[7].levels["village"].role == "初审"  # 160-162
    assert items[35].levels["village"].role == "代办"  # 728-730
    assert [items[16].levels[k].role for k in ("city", "county", "township")] == ["审定", "初审", "初审"]


def test_legal_basis_drops_space_only_lines_and_indents(items):
    assert items[18].legal_basis.startswith("《社会保险法》第七十四条")  # line 394 starts with spaces
    assert "\n" not in items[18].legal_basis  # line 396 holds a single space
    assert items[18].lines == (388, 402)
    paragraphs = items[44].legal_basis.split("\n")  # lines 912, 914 start with full-width spaces
    assert paragraphs[1] == "申请新装用电、临时用电、增加用电容量、变更用电和终止用电，应当依照规定的程序办理手续。"


def test_stray_spaces_in_short_cells(items):
    assert items[3].name == "调解劳动争议"  # trailing space, line 77
    assert items[33].item_type == "公共文化体育"  # line 678
    assert items[53].content == "为提升流动人口计划生育政策知晓率和服务满意度"  # leading space, 1111
    assert items[23].handling_modes == ("马上办", "网上办", "一次办")  # line 496
    assert items[39].handling_modes == ("网上办",)  # 网上办理, line 796


def test_wrapped_short_cells(items):
    assert items[75].name == "艾滋病高危、行为人群干预"  # 1531-1533
    assert items[21].targets == ("个人", "法人")  # 453-455
    assert items[52].fill_types == (FillType(None, "依申请服务类", ("办理类",)),)  # 1104-1106
    assert items[84].agencies == ("县中医院", "乡镇(街道)卫生院", "社区卫生服务中心")  # 1700-1701
    assert items[48].agencies[:2] == ("国网重庆市电力公司", "国网重庆市电力公司垫江供电分公司")


def test_odd_separators_in_list_cells(items):
    assert items[18].agencies == ("县人力社保局", "乡镇人民政府(街道办事处)")  # 、 line 391
    assert items[69].themes == ("社会保障(社会保险、社会救助)", "医疗卫生")  # line 1406
    assert items[56].agencies == (  # empty entry "/            /", line 1169
        "县人民医院", "县中医院", "妇幼保健院", "县精神卫生中心", "乡镇(街道)卫生院", "社区卫生服务中心",
    )  # fmt: skip
    assert items[92].agencies[-1] == "社区卫生服务中心"  # full-width spaces, line 1878


def test_last_row(items):
    assert items[98].lines == (1991, 2005)
    assert items[98].agencies == ("县妇幼保健院", "乡镇(街道)卫生院", "社区卫生服务中心")


def test_every_item_lies_within_its_lines(seed_catalogue, seed_lines):
    for item in seed_catalogue.items:
        first, last = item.lines
        assert set(item.cell_lines) == set(COLUMNS)
        assert all(first <= line <= last for line in item.cell_lines.values()), item.number
        assert seed_lines[last - 1].strip(), item.number  # the last line is not blank
        assert item.name and item.handling_modes and item.fill_types, item.number


def test_citation_parser_gets_the_raw_cell_and_its_first_line(seed_path, monkeypatch, seed_lines):
    calls: dict[int, str] = {}
    monkeypatch.setattr(catalogue_module, "parse_citations", lambda t, n: calls.setdefault(n, t) and ())
    read_catalogue(seed_path)
    assert len(calls) == 98
    for first_line, text in calls.items():
        for i, line in enumerate(text.split("\n")):
            expected = seed_lines[first_line + i - 1]
            assert line == (expected[1:] if i == 0 else expected)
    assert calls[276].split("\n")[4].startswith("2. 《关于实施大学生创业引领计划的通知》")  # line 280


def test_lost_number_is_the_position_in_the_numbering(seed_lines):
    lines = _edited(seed_lines, 112, [])  # drop row 5's number cell …
    lines = _edited(lines, 112, [" \t一二孩生育证登记"])  # … and mark its name as lost-number
    item = parse_catalogue(_bytes(lines), "cat.txt").items[4]
    assert (item.number, item.number_inferred, item.name, item.lines) == (5, True, "一二孩生育证登记", (112, 128))


def test_full_width_parentheses_in_level_cells(seed_lines):
    lines = _edited(seed_lines, 157, ["\t√", "", "（审定）"])
    assert parse_catalogue(_bytes(lines), "c").items[6].levels["township"].role == "审定"


# --- bad input ------------------------------------------------------------------------


def test_truncated_file(seed_lines):
    error = _parse_error(_bytes(seed_lines[:1000]))  # row 47 (line 980) ends after its city cell
    assert error.line == 999  # after its last cell: where the first it lacks would be
    assert "第980行起的一行缺少" in error.message_zh and "文件在第1000行结束" in error.message_zh
    # its three level cells are all empty, so which two of the four levels remain cannot be told
    assert error.message_en.startswith("the row starting at line 980 lacks 3 of its 「行使层级：市」 (level: city),")
    assert "「填报类型」 (fill-in type) cells: it has 11 of 14 cells" in error.message_en


def test_header_only(seed_lines):
    error = _parse_error(_bytes(seed_lines[:45]))
    assert "no rows" in error.message


def test_row_missing_a_cell(seed_lines):
    error = _parse_error(_bytes(_edited(seed_lines, 52, [])))  # row 1 loses its themes cell (社会保障)
    assert error.line == 51  # its targets cell (个人) could be either: the first place it could be
    assert (
        error.message_zh == "第46行起的一行缺少「服务对象」或「服务主题」单元格：只有13/14个单元格，下一行从第60行开始"
    )
    assert error.message_en == (
        "the row starting at line 46 lacks its 「服务对象」 (target groups) or 「服务主题」 (themes) cell:"
        " it has 13 of 14 cells and the next row starts at line 60"
    )


def test_row_missing_its_agency_cell_names_it_at_its_line(seed_lines):
    error = _parse_error(_bytes(_edited(seed_lines, 50, [])))  # row 1 loses 乡镇人民政府(街道办事处)
    assert error.line == 50
    assert "缺少「实施机构名称」单元格" in error.message_zh
    assert "lacks its 「实施机构名称」 (implementing agencies) cell" in error.message_en


def test_row_without_number_missing_a_cell(seed_lines):
    error = _parse_error(_bytes(_edited(seed_lines, 352, [])))  # row 16 loses its targets cell
    assert error.line == 352
    assert "lacks its 「服务对象」 (target groups) cell: it has 13 of 14 cells" in error.message


def test_row_with_an_extra_cell(seed_lines):
    error = _parse_error(_bytes(_edited(seed_lines, 59, [seed_lines[58], "\t多余"])))
    assert error.line == 60
    assert "more than 14 cells" in error.message


def test_duplicate_number_is_kept_for_the_shapes_to_report(seed_lines):
    catalogue = parse_catalogue(_bytes(_edited(seed_lines, 61, ["\t1"])), "dup.txt")
    ones = [item for item in catalogue.items if item.number == 1]
    assert len(catalogue.items) == 98 and [i.lines[0] for i in ones] == [46, 61]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"", 1),
        (b"\n\n\n", 1),
        ("附件\n\n某县公共服务事项目录\n\n\t序号\n\t事项名称\n".encode(), 5),  # header cut short
        (Path(__file__).read_bytes(), 1),
    ],
)
def test_not_a_catalogue(data, line):
    error = _parse_error(data)
    assert error.line == line
    assert error.message_zh.startswith("不是目录清单：表头缺少")
    assert error.message_en.startswith("not a catalogue: the header lacks the column")


def test_missing_file(tmp_path):
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(tmp_path / "none.txt")
    assert "cannot read" in str(caught.value)


# --- the command ----------------------------------------------------------------------

REQUIRED_KEYS = {
    "number", "number_inferred", "name", "item_type", "content", "agencies", "targets",
    "themes", "handling_modes", "levels", "fill_types", "citations", "lines",
}  # fmt: skip


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "servicegraph", "parse", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_cli_json(seed_path):
    done = _run(str(seed_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert [r["number"] for r in records] == list(range(1, 99))
    assert all(set(r) >= REQUIRED_KEYS for r in records)
    assert records[44]["levels"]["township"]["same_as_item"] == 44
    assert records[13]["fill_types"][1] == {
        "level": "区县",
        "category": "依申请服务类",
        "subtypes": ["办理类", "查询类"],
    }
    assert records[15]["lines"] == [348, 368] and records[15]["number_inferred"] is True


def test_cli_table(seed_path, capsys):
    assert main(["parse", str(seed_path), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "98 items (18 with inferred numbers" in out
    assert any(line.lstrip().startswith("16*") and "新办社会保障卡" in line for line in out.splitlines())


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        (lambda lines: lines[:1000], 999),  # truncated: after the row's last cell
        (lambda lines: _edited(lines, 52, []), 51),  # missing cell: where it would be
        (lambda lines: ["hello", "world"], 1),  # not a catalogue
    ],
)
def test_cli_bad_input_exits_2_naming_file_and_line(tmp_path, seed_lines, edit, line):
    path = tmp_path / "bad.txt"
    path.write_bytes(_bytes(edit(seed_lines)))
    done = _run(str(path))
    assert done.returncode == 2
    assert f"{path}:{line}: " in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_cli_undecodable_bytes(tmp_path, seed_lines, capsys):
    path = tmp_path / "bad.txt"
    path.write_bytes(_bytes(seed_lines[:699]) + b"\n\t\xff\n" + _bytes(seed_lines[700:]))
    assert main(["parse", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"{path}:700: 第" in captured.err and "无法解码的字节" in captured.err and captured.out == ""
    assert "| undecodable bytes (ff" in captured.err


def test_parsing_pauses_the_cyclic_gc_and_gives_it_back(seed_path: Path, monkeypatch) -> None:
    """The collector is off while items are made (it would rescan them all, again and again)
    and on again afterwards, when the bytes parse and when they do not."""
    import gc

    seen: list[bool] = []
    items = catalogue_module._items
    monkeypatch.setattr(catalogue_module, "_items", lambda rows: seen.append(gc.isenabled()) or items(rows))
    assert gc.isenabled()
    parse_catalogue(seed_path.read_bytes(), "seed.txt")
    assert seen == [False] and gc.isenabled()
    _parse_error(b"\xff\xfe not a catalogue")
    assert gc.isenabled()
