"""Property tests: on any input the loader returns records or raises its own error, and a
catalogue rendered from generated cells parses back to those cells."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from servicegraph.loaders.catalogue import parse_catalogue
from servicegraph.loaders.codes import HandlingMode, Level
from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.records import Catalogue, LevelMark

SEED = Path(__file__).resolve().parent.parent / "data" / "dianjiang-township-services.txt"
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")
HEADER = "\n".join(SEED_LINES[:45]) + "\n"

# Characters the layout gives meaning to, plus ordinary ones.
SOURCE_CHARS = st.sampled_from(
    [
        *"\t\n\r \u3000√/、：:()（）《》〔〕第条款项同备注审定初审代办马上网就近一次办市区县乡镇村1234567890",
        *["服务", "乡镇人民政府", "依申请服务类：办理类", "\t1\n", " \t"],
    ]
)
NAME = st.text(st.sampled_from("城乡居民医疗保险参保信息变更出具证明服务管理"), min_size=1, max_size=12)


def _parses_or_refuses(data: bytes) -> Catalogue | None:
    try:
        catalogue = parse_catalogue(data, "input.txt")
    except CatalogueError as error:
        assert error.source == "input.txt"
        assert error.line is None or error.line >= 1
        return None
    assert all(isinstance(item.number, int) for item in catalogue.items)
    return catalogue


@given(st.text())
def test_any_text(text):
    _parses_or_refuses(text.encode("utf-8"))


@given(st.lists(SOURCE_CHARS, max_size=200).map("".join))
def test_any_text_after_a_real_header(body):
    _parses_or_refuses((HEADER + body).encode("utf-8"))


@given(st.binary(max_size=500))
def test_any_bytes(data):
    _parses_or_refuses(data)


@given(st.binary(max_size=40), st.integers(0, len(HEADER.encode())))
def test_any_bytes_inside_a_real_header(junk, at):
    header = HEADER.encode("utf-8")
    _parses_or_refuses(header[:at] + junk + header[at:] + b"\t1\n")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_seed_with_lines_deleted_or_inserted(data):
    lines = list(SEED_LINES)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        if data.draw(st.booleans()):
            del lines[at]
        else:
            lines.insert(at, data.draw(st.lists(SOURCE_CHARS, max_size=8).map("".join)))
    _parses_or_refuses("\n".join(lines).encode("utf-8"))


LEVEL_CELLS = {
    "": None,
    "√": LevelMark(),
    "√\n\n(审定)": LevelMark(role="审定"),
    "√(初审)": LevelMark(role="初审"),
    "√\n(代办)": LevelMark(role="代办"),
    "√\n\n(备注：只接件，不承办)": LevelMark(note="只接件，不承办"),
    "√(同第3项)": LevelMark(same_as_item=3),
    "(审定)": LevelMark(checked=False, role="审定"),
}
MODES = tuple(HandlingMode)


@st.composite
def rows(draw):
    return {
        "name": draw(NAME),
        "agencies": tuple(draw(st.lists(NAME, min_size=1, max_size=3))),
        "targets": tuple(draw(st.lists(NAME, min_size=1, max_size=2))),
        "modes": tuple(draw(st.lists(st.sampled_from(MODES), min_size=1, max_size=4, unique=True))),
        "levels": [draw(st.sampled_from(sorted(LEVEL_CELLS))) for _ in Level],
        "separator": draw(st.sampled_from(["/", "、", " / ", "/\n\n"])),
        "lost": draw(st.booleans()),
    }


def _render(number: int, row: dict) -> str:
    sep = row["separator"]
    cells = [
        row["name"], "其他公共服务", "办理", sep.join(row["agencies"]), sep.join(row["targets"]),
        "其他", "《某条例》第一条：内容", "、".join(row["modes"]), *row["levels"], "依申请服务类：办理类",
    ]  # fmt: skip
    first = f" \t{cells[0]}" if row["lost"] else f"\t{number}\n\t{cells[0]}"
    return "\n".join([first] + [f"\t{cell}" for cell in cells[1:]]) + "\n\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=6))
def test_generated_catalogue_parses_back(generated):
    text = HEADER + "".join(_render(n, row) for n, row in enumerate(generated, start=1))
    catalogue = parse_catalogue(text.encode("gb18030"), "gen.txt")
    assert len(catalogue.items) == len(generated)
    previous_last = 45
    for number, (item, row) in enumerate(zip(catalogue.items, generated, strict=True), start=1):
        assert (item.number, item.number_inferred) == (number, row["lost"])
        assert (item.name, item.agencies, item.targets) == (row["name"], row["agencies"], row["targets"])
        assert item.handling_modes == row["modes"]
        expected = [LEVEL_CELLS[cell] for cell in row["levels"]]
        got = [item.levels[level.value] for level in Level]
        assert [m and replace(m, line=0) for m in got] == expected
        assert previous_last < item.lines[0] <= item.lines[1]
        previous_last = item.lines[1]
