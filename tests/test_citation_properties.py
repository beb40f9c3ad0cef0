"""Properties of the citation parser and the numerals on generated input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from servicegraph.loaders.citations import DEPTH, KINDS, parse_citations
from servicegraph.loaders.errors import CatalogueError
from servicegraph.loaders.numerals import parse_numeral, to_chinese
from servicegraph.loaders.records import Citation

# Characters that drive the parser, mixed with ordinary text.
_SYNTAX = "《》〈〉<>()（）〔〕﹝﹞[]［］【】第条款项章节目点、。；：:.．，\n \t　号令全文附件"
_DIGITS = "0123456789一二三四五六七八九十百千万零〇两"
_WORDS = ["重庆市", "条例", "办法", "通知", "关于印发", "死亡证", "渝府发", "2017", "国务院令"]

cell_text = st.lists(
    st.one_of(st.sampled_from(_SYNTAX), st.sampled_from(_DIGITS), st.sampled_from(_WORDS), st.text(max_size=3)),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(cell_text, st.integers(min_value=1, max_value=10_000))
def test_parser_returns_only_well_formed_citations(text: str, first_line: int) -> None:
    try:
        citations = parse_citations(text, first_line)
    except CatalogueError:
        return
    assert isinstance(citations, tuple)
    for c in citations:
        assert isinstance(c, Citation)
        assert c.title and c.title == c.title.strip()
        assert first_line <= c.line <= first_line + text.count("\n")
        kinds = [kind for kind, _ in c.provision]
        assert all(kind in KINDS for kind in kinds)
        assert [DEPTH[k] for k in kinds] == sorted({DEPTH[k] for k in kinds}), c.provision
        assert all(n >= 1 for _, n in c.provision)
        assert all(part in text for part in _printed_parts(c.provision_text))
        assert (c.provision == ()) == (c.provision_text in ("", "全文"))
        assert _named(c.provision_text) == c.provision, c  # never deeper than its text names


def _printed_parts(provision_text: str) -> list[str]:
    """The provision as printed, and the marker of the quoted item it ends with, if any."""
    return [part for part in re.split(r"(?=[(（][^()（）]*[)）]$)", provision_text) if part]


def _named(provision_text: str) -> tuple[tuple[str, int], ...]:
    """What a provision text names, read on its own (as the document's only provision)."""
    if provision_text in ("", "全文"):
        return ()
    [c] = parse_citations(f"《某文件》{provision_text}", 1)
    return c.provision


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["条", "款", "项"]), min_size=1, max_size=3, unique=True).map(
        lambda ks: sorted(ks, key=DEPTH.__getitem__)
    ),
    st.lists(st.integers(min_value=1, max_value=999), min_size=3, max_size=3),
)
def test_written_provision_round_trips(kinds: list[str], numbers: list[int]) -> None:
    path = tuple(zip(kinds, numbers, strict=False))  # one number per kind; the rest unused
    written = "".join(f"第{to_chinese(n)}{k}" for k, n in path)
    [c] = parse_citations(f"《重庆市某某条例》{written}：内容。", 1)
    assert c.provision == path
    assert c.provision_text == written


_TITLES = st.builds(
    lambda place, topic, kind: f"{place}{topic}{kind}",
    st.sampled_from(["重庆市", "中华人民共和国", "国务院办公厅关于印发", ""]),
    st.sampled_from(["献血", "信访", "农业技术推广", "就业促进", "城乡医疗救助"]),
    st.sampled_from(["条例", "法", "办法", "的通知", "实施意见"]),
)
_DOC_NUMBERS = st.one_of(
    st.none(),
    st.builds(
        lambda issuer, brackets, year, n: f"{issuer}{brackets[0]}{year}{brackets[1]}{n}号",
        st.sampled_from(["渝府发", "国办发", "人社部发"]),
        st.sampled_from(["〔〕", "﹝﹞", "[]", "［］", "【】"]),
        st.integers(min_value=1990, max_value=2030),
        st.integers(min_value=1, max_value=999),
    ),
    st.integers(min_value=1, max_value=999).map(lambda n: f"国务院令第{n}号"),
)
_QUOTES = st.lists(
    st.sampled_from(["乡镇人民政府", "应当", "办理", "登记", "，", "。", "(一)", "《死亡证》", "第一个"]),
    max_size=12,
).map(lambda words: "居民" + "".join(words) + "。")
_DOCUMENT = st.tuples(
    _TITLES,
    _DOC_NUMBERS,
    st.lists(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=3), min_size=1, max_size=3),
    _QUOTES,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_DOCUMENT, min_size=1, max_size=4), st.integers(min_value=1, max_value=5000))
def test_numbered_cell_round_trips(documents: list, first_line: int) -> None:
    """A cell written in the primer's conventions parses back to what was written."""
    lines, expected = [], []
    for number, (title, doc, provisions, quote) in enumerate(documents, 1):
        head = f"{number}. 《{title}》" + (f"({doc})" if doc else "")
        for i, numbers in enumerate(provisions):
            path = tuple(zip(("条", "款", "项"), numbers, strict=False))  # as deep as `numbers` goes
            written = "".join(f"第{to_chinese(n)}{k}" for k, n in path)
            lines.append(f"{head if i == 0 else ''}{written}：{quote}")
            expected.append((title, doc, path, written, quote, first_line + 2 * (len(lines) - 1)))
    citations = parse_citations("\n\n".join(lines), first_line)
    got = [(c.title, c.doc_number, c.provision, c.provision_text, c.quote, c.line) for c in citations]
    assert got == expected


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_numeral_round_trip(n: int) -> None:
    assert parse_numeral(to_chinese(n)) == n
    assert parse_numeral(str(n)) == n


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_numeral_writing_is_canonical(n: int) -> None:
    text = to_chinese(n)
    assert not text.startswith("一十") and "零零" not in text and not text.endswith("零")


_LEAD_INS = st.sampled_from(["履行下列职责", "提供下列服务", "职责是", "应当做好以下工作", "负责"])
_ITEM_TEXTS = st.sampled_from(["组织培训", "开展监测服务", "提供咨询", "办理登记。"])
_ITEM_GAPS = st.sampled_from(["", "；", "。", "\n\n", " "])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=2),
    _LEAD_INS,
    st.sampled_from(["：", ":", "，", ""]),
    st.lists(st.tuples(_ITEM_GAPS, st.integers(min_value=1, max_value=12), _ITEM_TEXTS), max_size=3),
    st.booleans(),
)
def test_a_provision_is_never_deeper_than_its_text_names(
    numbers: list[int], lead: str, colon: str, items: list, later_paragraph: bool
) -> None:
    """An article (or paragraph) is cited down to its item only when the quote gives its
    lead-in, a colon, then that one item's marker; the text names each step either way."""
    path = tuple(zip(("条", "款"), numbers, strict=False))
    written = "".join(f"第{to_chinese(n)}{k}" for k, n in path)
    first_paragraph = "本条规定的机构。\n\n" if later_paragraph else ""
    marks = [f"({to_chinese(n)})" for _, n, _ in items]
    quoted = "".join(gap + mark + words for (gap, _, words), mark in zip(items, marks, strict=True))
    [c] = parse_citations(f"《某省某某条例》{written}：{first_paragraph}各级机构{lead}{colon}{quoted}", 7)
    one_item_after_lead = (
        len(items) == 1 and colon in "：:" and colon and not items[0][0].strip() and not later_paragraph
    )
    if one_item_after_lead:
        assert c.provision == (*path, ("项", items[0][1]))
        assert c.provision_text == written + marks[0]
    else:
        assert c.provision == path
        assert c.provision_text == written
    assert _named(c.provision_text) == c.provision
