"""Citations parsed out of a 设定依据 (legal basis) cell.

A cell cites documents, often as a numbered list (`1.` `2、` `3．`):
    [N.] [issuer] 《title》 [(doc number)] [provision] [：quote]
The provision is statute style (第三十条第二款第二项, 第二条(五), 第二章第三节, 全文) or
policy style headings (十、组织领导(三) → 节 10, 目 3; `1.` → 点); none means the whole
document. The quote runs to the next citation and is never mined for documents.

Where a document starts: at the cell start; at a line start with 《 or with the list's
next number (`N.` only if N is above the last one; an issuer before 《 only for the
next number); after 。； with the next number, or with a 《…》 followed by an issuing
number or a provision; right after a header with no quote (《…》(…号)、《…》).
Inside a quote, a further provision of the same document starts at a line start or
after 。； (第十一条：…, ；第四款 …, 。五、…) and, for headings, no deeper than the
provision it follows. `is_form` is the one rule that keeps certificates and forms
(《死亡证》) out.

Citations go as deep as the catalogue quotes: a quote that gives an article's lead-in
and one of its enumerated items (第十一条：…履行下列职责：(四)…) cites that item; a header
with no provision whose next paragraph opens with a section label and its heading
(⏎(一)机构条件。) cites that section. What a title names: X关于印发《Y的通知》 is the notice
X关于印发Y的通知; in 《A、B联合印发《Y》 the document is Y, issued by A、B; in A《关于Y》
A is the issuer of 关于Y.

The parser is total: on any text it returns citations (possibly none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from servicegraph.loaders.numerals import NUMERAL_CHARS, parse_numeral
from servicegraph.loaders.records import Citation, ProvisionKind

KINDS: tuple[ProvisionKind, ...] = ("章", "节", "条", "款", "项", "目", "点")
DEPTH = {kind: depth for depth, kind in enumerate(KINDS)}

Path = tuple[tuple[ProvisionKind, int], ...]

_SP = r"[ \t\u3000\xa0]"  # horizontal space, full-width included
_NUM = rf"(?:[{NUMERAL_CHARS}]+|[0-9０-９]+)"
_CN = rf"[{NUMERAL_CHARS}]+"
_OPEN_YEAR, _CLOSE_YEAR = r"[〔﹝\[［【]", r"[〕﹞\]］】]"

# Issuing number: an issuer, then a bracketed year and a serial, or a 令/公告 number.
_DOC_SERIAL = (
    r"(?:" + _OPEN_YEAR + r"\s*\d{4}\s*" + _CLOSE_YEAR + r"\s*\d+(?:\s*号)?"
    r"|令\s*(?:\d{4}\s*年\s*)?第?\s*\d+\s*号"
    r"|第\s*\d+\s*号\s*令"
    r"|\d{4}\s*年?\s*第\s*\d+\s*号)"
)
_DOC_CORE = r"[^()（）《》\n。，；：:、]{0,40}?" + _DOC_SERIAL
_DOC_IN_BRACKETS = re.compile(rf"{_SP}*[(（《]{_SP}*(?P<doc>{_DOC_CORE})\s*(?:文件)?{_SP}*[)）》]?")
_DOC_BARE = re.compile(rf"{_SP}*(?P<doc>[^\W\d_]{{0,12}}?{_DOC_SERIAL})")  # 国发〔2012〕11号
_DOC_OPENING = re.compile(rf"[(（]{_SP}*{_DOC_CORE}")
_DOC_LINE_BREAK = re.compile(r"[ \t\u3000]*\n\s*")  # 〔2017〕⏎⏎186 号
_DOC_ONLY = re.compile(rf"{_SP}*{_DOC_CORE}{_SP}*")

_STEP = re.compile(rf"第{_SP}*[(（]?(?P<n>{_NUM})[)）]?{_SP}*(?P<k>[章节条款项目点])")  # 第（三）项 too
_PAREN_ITEM = re.compile(rf"[(（](?P<n>{_CN})[)）]")  # 第二条(五): item 5
_WHOLE = re.compile(rf"{_SP}*全文")
_LEAD = re.compile(rf"{_SP}*(?P<colon>[：:。]?){_SP}*")  # between header and provision
_ENUMERATION = re.compile(rf"{_SP}*、{_SP}*")
_COLON = re.compile(rf"{_SP}*[：:]{_SP}*")
_AFTER_FURTHER = re.compile(rf"{_SP}*[：:]|{_SP}|[、；;]|……|$", re.M)  # 第十一条： / 第十条  …

# Policy headings: 三、 (节), (一) (目), 1. (点).
_HEADING = re.compile(
    rf"(?<![{NUMERAL_CHARS}(（、])(?P<sec>{_CN})、"
    rf"|[(（](?P<sub>{_CN})[)）]"
    r"|(?<![0-9.．])(?P<pt>[0-9]{1,3})[.．、](?![0-9])"
)
_HEADING_TEXT_MAX = 40
_HEADING_STOP = re.compile(r"[。；;\n]")
_HEADING_TEXT_END = re.compile(r"[。；;，,\n]")
_BREADCRUMB = re.compile(rf"[^。；;\n]{{0,{_HEADING_TEXT_MAX}}}……{_SP}*\n")  # 三、应用管理 ……⏎
_POLICY_BELOW: dict[str, ProvisionKind] = {"节": "目", "目": "点"}
_LINE_START = re.compile(r"^", re.M)
_PART_NAME = re.compile(rf"(?!{_CN}、)(?:附件[：:])?[^。；;：:，,\n]{{0,60}}?{_SP}+(?={_CN}、)")

_TITLE_MAX = 300  # characters a title (with its issuing number) may span
_ISSUE_VERB = r"(?:联合)?(?:印发|转发|下发|发布|颁布)"
_NOTICE_PREFIX = re.compile(rf"(?P<issuers>.*?)(?:{_SP}*文件)?{_SP}*(?P<about>关于{_ISSUE_VERB})")  # X[文件]关于印发
_NOTICE_TAIL = re.compile(rf"{_SP}*的通知")  # 关于印发《Y》的通知
_ISSUED_INSIDE = re.compile(
    rf"(?P<issuers>[^《》]+?){_SP}*{_ISSUE_VERB}{_SP}*《(?P<title>[^《》]+)》?"
)  # 农业部、国家体育总局联合印发《关于…》: the inner title, its issuers and a verb before it
_ITEM_MARK = re.compile(rf"(?<![条款])[(（](?P<n>{_CN})[)）]")  # (四), not 第二条(五): an item of an article
_ITEM_LEAD_END = ("：", ":", "……")
_SECTION_BELOW = re.compile(
    rf"{_SP}*[：:。]?{_SP}*\n\s*(?=(?:{_CN}、|[(（]{_CN}[)）])[^，,。；;：:《》\n]{{1,20}}[。：:])"
)  # ⏎(一)机构条件。: a section label and its heading open the next paragraph
_LIST_MARKER = re.compile(rf"{_SP}*(?P<n>[0-9]{{1,2}}){_SP}*[.．、]{_SP}*")
_ISSUER_PREFIX = re.compile(r"[^《》。，,；;：:\n]{1,40}?(?=《)")
_UNOPENED_TITLE = re.compile(r"[^《》。；;\n]{4,120}?(?=》)")
_ANCHOR = re.compile(r"^|(?<=[。；;])", re.M)
_POLICY_ANCHOR = re.compile(r"^|(?<=[。；;\s\u3000])", re.M)
_HEADER_GAP = re.compile(r"[\s\u3000、，,；;]*")
_HSPACES = re.compile(rf"{_SP}*")
_QUOTE_EDGE_LEFT = re.compile(r"^[\s\u3000：:。，,；;、]+")
_QUOTE_EDGE_RIGHT = re.compile(r"[\s\u3000，,；;、]+$")

# Certificates and forms quoted in 《》 (《死亡证》, 《…审批表》) are not documents.
_FORM_ENDINGS = ("证", "证明", "表", "卡", "书", "单", "簿", "册")
_FORM_TAIL = re.compile(r"[(（][^()（）]*[)）]?$|[>〉》\s]+$")  # (试行), (2017年版), stray brackets
_NOT_FORM_ENDINGS = ("清单",)


def is_form(title: str) -> bool:
    """Whether a 《》 title names a certificate or a form rather than a document."""
    core = _FORM_TAIL.sub("", title.strip())
    return core.endswith(_FORM_ENDINGS) and not core.endswith(_NOT_FORM_ENDINGS)


@dataclass(frozen=True, slots=True)
class _Header:
    start: int  # where the citation starts (list marker, issuer or 《)
    title: str
    doc_number: str | None
    end: int
    list_number: int | None
    issuer: str | None = None


@dataclass(slots=True)
class _Locator:
    path: Path
    text_start: int
    text_end: int
    style: str  # "statute" | "policy" | "whole"


@dataclass(slots=True)
class _State:
    text: str
    last_list_number: int = 0  # of the list `1.` `2.` … the cell's documents are numbered in

    def accept(self, header: _Header) -> _Header:
        if header.list_number is not None:
            self.last_list_number = header.list_number
        elif self.last_list_number == 0:
            self.last_list_number = 1  # an unnumbered first document counts as number 1
        return header


def parse_citations(text: str, first_line: int) -> tuple[Citation, ...]:
    """Citations in `text`, whose i-th line ("\\n"-split) is source line `first_line + i`."""
    state = _State(text)
    header = _first_header(state)
    citations: list[Citation] = []
    while header is not None:
        locators, body = _locators(text, header.end)
        nxt = _next_header(state, body)
        end = nxt.start if nxt else len(text)
        citations.extend(_citations_of(text, header, locators, body, end, first_line))
        header = nxt
    return tuple(citations)


# --- document starts -------------------------------------------------------


def _first_header(state: _State) -> _Header | None:
    """The first document of the cell: an optional list number and issuer, then 《."""
    header = _header_at(state.text, 0, allow_prefix=True, number=None)
    return state.accept(header) if header else _next_header(state, 0)


def _next_header(state: _State, lo: int) -> _Header | None:
    """The next document cited at or after `lo`: right there (、《…) or at an anchor."""
    text = state.text
    gap = _sure(_HEADER_GAP.match(text, lo))
    separated = not gap.group() or any(c in gap.group() for c in "、，,；;\n")
    if lo and separated and text.startswith("《", gap.end()):  # 《…》(…号)、《…》
        header = _header_at(text, gap.end(), allow_prefix=False, number=None)
        if header:
            return state.accept(header)
    for anchor in _ANCHOR.finditer(text, lo):
        header = _header_after_anchor(state, anchor.start())
        if header:
            return state.accept(header)
    return None


def _header_after_anchor(state: _State, pos: int) -> _Header | None:
    """A document starting at a line start or after 。；: numbered in sequence, or a bare 《."""
    text = state.text
    line_start = pos == 0 or text[pos - 1] == "\n"
    marker = _LIST_MARKER.match(text, pos)
    if marker:
        n = int(marker.group("n"))
        if n == state.last_list_number + 1:
            return _header_at(text, pos, allow_prefix=True, number=n) or _unopened(text, marker, n)
        if line_start and n > state.last_list_number:
            return _header_at(text, pos, allow_prefix=False, number=n)
        return None
    if not text.startswith("《", _sure(_HSPACES.match(text, pos)).end()):
        return None
    header = _header_at(text, pos, allow_prefix=False, number=None)
    if header and not line_start and not _provision_or_number_follows(text, header):
        return None  # after 。 only a header with a number or provision starts a document
    return header


def _header_at(text: str, pos: int, allow_prefix: bool, number: int | None) -> _Header | None:
    """A header at `pos`: [list `number`] [issuer, if `allow_prefix`] 《title》 [doc number]."""
    start = i = _sure(_HSPACES.match(text, pos)).end()
    marker = _LIST_MARKER.match(text, i)
    if marker and (number is not None or allow_prefix):
        i = marker.end()  # the caller matched it, or a list number before an issuer
    prefix = ""
    if allow_prefix and not text.startswith("《", i):
        found = _ISSUER_PREFIX.match(text, i)
        if not found:
            return None
        i, prefix = found.end(), found.group().strip(" \t\u3000\xa0")
    if not text.startswith("《", i):
        return None
    span = _title_span(text, i)
    if span is None:
        return None
    title_end, after = span
    title, issuer, after = _named(text, prefix, text[i + 1 : title_end].strip(" \t\u3000\xa0"), after)
    if not title or is_form(title) or _DOC_ONLY.fullmatch(title):
        return None
    if prefix and not _header_complete(text, after):
        return None  # 按照《…》的要求: wording, not a citation
    return _make_header(text, start, title, after, number, issuer)


def _named(text: str, prefix: str, bracketed: str, after: int) -> tuple[str, str | None, int]:
    """(title, issuer, end of header) of what a header names, from the words before its 《
    and what its brackets hold (see the module docstring)."""
    notice = _NOTICE_PREFIX.fullmatch(prefix)
    if notice:  # X关于印发《Y的通知》, 关于印发《Y》的通知: the notice
        tail = _NOTICE_TAIL.match(text, after)
        title = notice.group("issuers") + notice.group("about") + bracketed
        return (title + "的通知", None, tail.end()) if tail else (title, None, after)
    inside = _ISSUED_INSIDE.fullmatch(bracketed)
    if inside and "关于" not in inside.group("issuers"):  # 《A、B联合印发《Y》[》]: Y, issued by A、B
        return inside.group("title").strip(" \t\u3000\xa0"), inside.group("issuers"), after
    issuer = prefix if prefix and bracketed.startswith("关于") else None  # 中国计生协《关于…》
    return bracketed, issuer, after


def _unopened(text: str, marker: re.Match[str], number: int) -> _Header | None:
    """`4.垫江县…的通知》(垫卫计发〔2017〕183号)`: a numbered title whose 《 was lost."""
    m = _UNOPENED_TITLE.match(text, marker.end())
    if not m or is_form(m.group()) or not _DOC_IN_BRACKETS.match(text, m.end() + 1):
        return None
    start = _sure(_HSPACES.match(text, marker.start())).end()
    return _make_header(text, start, m.group().strip(), m.end() + 1, number)


def _make_header(
    text: str, start: int, title: str, after: int, number: int | None, issuer: str | None = None
) -> _Header:
    doc_number, end = _doc_number(text, after)
    return _Header(start, title, doc_number, end, number, issuer)


def _title_span(text: str, open_pos: int) -> tuple[int, int] | None:
    """(end of title, position after it) for the 《 at `open_pos`; nesting and lost brackets."""
    line_end = text.find("\n", open_pos, open_pos + _TITLE_MAX)
    line_end = min(len(text), open_pos + _TITLE_MAX) if line_end < 0 else line_end
    depth, closes = 0, []
    for j in range(open_pos, line_end):
        if text[j] == "《":
            depth += 1
        elif text[j] == "》":
            depth -= 1
            closes.append(j)
            if depth == 0:
                return j, j + 1
    for j in closes:  # more 《 than 》: the first 》 a header part follows
        if _header_complete(text, j + 1):
            return j, j + 1
    if closes:
        return closes[-1], closes[-1] + 1
    doc = _DOC_OPENING.search(text, open_pos + 1, line_end)
    return (doc.start(), doc.start()) if doc else None  # 《 never closed: up to the number


def _header_complete(text: str, pos: int) -> bool:
    """Whether what follows a title can end a header (number, provision, colon, stop, line end)."""
    rest = text[pos : pos + 40]
    stripped = rest.lstrip(" \t\u3000")
    return (
        not stripped
        or stripped[0] in "\n：:。；;、，,《"
        or bool(_DOC_IN_BRACKETS.match(rest) or _DOC_BARE.match(rest))
        or bool(_STEP.match(stripped) or _WHOLE.match(stripped))
    )


def _provision_or_number_follows(text: str, header: _Header) -> bool:
    if header.doc_number:
        return True
    rest = text[header.end : header.end + 20].lstrip(" \t\u3000：:")
    return bool(_STEP.match(rest))


def _doc_number(text: str, pos: int) -> tuple[str | None, int]:
    """The issuing number right after a title, without its brackets, and where it ends."""
    m = _DOC_IN_BRACKETS.match(text, pos) or _DOC_BARE.match(text, pos)
    if not m:
        return None, pos
    doc = _DOC_LINE_BREAK.sub("", m.group("doc")).strip(" \t\u3000\xa0")
    return doc, m.end()


# --- provisions ------------------------------------------------------------


def _locators(text: str, pos: int) -> tuple[list[_Locator], int]:
    """The provisions printed right after a header (several when enumerated with 、)."""
    lead = _sure(_LEAD.match(text, pos))
    i = lead.end()
    whole = _WHOLE.match(text, i)
    if whole:
        return [_Locator((), whole.end() - len("全文"), whole.end(), "whole")], whole.end()
    statute = _statute_run(text, i + (1 if text.startswith("中第", i) else 0), ())  # 《…》中第三条
    if statute:
        return statute, statute[-1].text_end
    start = i
    part = _PART_NAME.match(text, i)
    if part and (not lead.group("colon") or text.startswith("附件", i)):
        i = part.end()  # 附件：…方案 三、…  or a part's name before its headings
    policy = _policy_path(text, i, ())
    if policy:
        policy.text_start = start
        return [policy], policy.text_end
    below = _SECTION_BELOW.match(text, pos)
    section = _policy_path(text, below.end(), ()) if below else None
    return ([section], section.text_end) if section else ([], pos)


def _statute_run(text: str, pos: int, previous: Path) -> list[_Locator]:
    """One provision, or several in a row: 第五条、第六条、第七条."""
    found: list[_Locator] = []
    loc = _statute_path(text, pos, previous)
    while loc is not None:
        found.append(loc)
        more = _ENUMERATION.match(text, loc.text_end)
        loc = _statute_path(text, more.end(), loc.path) if more else None
    return found


def _statute_path(text: str, pos: int, previous: Path) -> _Locator | None:
    """第三十条第二款第二项, 第三十条：第二款, 第二条(五); 第四款 inherits 条 from `previous`."""
    steps: list[tuple[ProvisionKind, int]] = []
    i = pos
    while True:
        m = _STEP.match(text, i)
        if not m and steps:
            colon = _COLON.match(text, i)
            m = _STEP.match(text, colon.end()) if colon else None
        if not m:
            break
        kind, n = cast(ProvisionKind, m.group("k")), _number(m.group("n"))  # _STEP's k is one of KINDS
        if n is None or (steps and DEPTH[kind] <= DEPTH[steps[-1][0]]):
            break
        steps.append((kind, n))
        i = m.end()
    if not steps:
        return None
    item = _PAREN_ITEM.match(text, i)
    if item and steps[-1][0] in ("条", "款") and (n := _number(item.group("n"))):
        steps.append(("项", n))
        i = item.end()
    return _Locator(_inherit(previous, tuple(steps)), pos, i, "statute")


def _inherit(previous: Path, steps: Path) -> Path:
    """A relative provision (第四款 after 第六条第三款) under its ancestors; 条 stands alone."""
    if steps[0][0] in ("章", "条"):
        return steps
    head = tuple(step for step in previous if DEPTH[step[0]] < DEPTH[steps[0][0]])
    return head + steps


def _policy_path(text: str, pos: int, previous: Path) -> _Locator | None:
    """Headings 十、组织领导(三) → ((节,10),(目,3)): each deeper marker within its heading text."""
    first = _HEADING.match(text, pos)
    if not first:
        return None
    steps: list[tuple[ProvisionKind, int]] = []
    m: re.Match[str] | None
    m, end = first, pos
    while m:
        kind, n = _heading_kind(m)
        if n is None or (steps and DEPTH[kind] <= DEPTH[steps[-1][0]]):
            break
        steps.append((kind, n))
        end = _past_repeat(text, m)
        m = _next_heading(text, end)
    if not steps:
        return None
    head = tuple(step for step in previous if DEPTH[step[0]] < DEPTH[steps[0][0]])
    return _Locator(head + tuple(steps), pos, end, "policy")


def _past_repeat(text: str, m: re.Match[str]) -> int:
    """Where to look for the heading's sub-point: past a heading printed twice in a row
    (五、加强…指导，五、加强…指导。(二)…), its full stop included; else right after `m`."""
    stop = _HEADING_TEXT_END.search(text, m.end(), m.end() + _HEADING_TEXT_MAX)
    if stop is None or stop.start() == m.end():
        return m.end()
    heading = text[m.start() : stop.start()]
    again = _sure(_HSPACES.match(text, stop.end())).end()
    if not text.startswith(heading, again):
        return m.end()
    after = again + len(heading)
    return after + 1 if text.startswith(("。", "；", ";"), after) else after


def _next_heading(text: str, pos: int) -> re.Match[str] | None:
    """The next heading marker within the heading text that starts at `pos`."""
    stop = _HEADING_STOP.search(text, pos, pos + _HEADING_TEXT_MAX)
    return _HEADING.search(text, pos, stop.start() if stop else pos + _HEADING_TEXT_MAX)


def _heading_kind(m: re.Match[str]) -> tuple[ProvisionKind, int | None]:
    if m.group("sec"):
        return "节", _number(m.group("sec"))
    if m.group("sub"):
        return "目", _number(m.group("sub"))
    return "点", _number(m.group("pt"))


def _sure(m: re.Match[str] | None) -> re.Match[str]:
    """A match that cannot fail: its pattern matches the empty string, or the caller matched it."""
    assert m is not None
    return m


def _number(numeral: str) -> int | None:
    try:
        n = parse_numeral(numeral)
    except ValueError:
        return None
    return n if n > 0 else None


# --- quotes and further provisions -------------------------------------------


def _citations_of(
    text: str, header: _Header, locators: list[_Locator], body: int, end: int, first_line: int
) -> list[Citation]:
    """The header's citations: its printed provisions, then those found in its quote."""
    out: list[Citation] = []
    style = locators[-1].style if locators else "whole"
    path = locators[-1].path if locators else ()
    pending = locators or [_Locator((), body, body, "whole")]
    if style == "policy" and _BREADCRUMB.match(text, body):
        subs = _sub_points(text, body, end, path)
        if subs:  # 三、应用管理 …… ⏎ (二)… ⏎ (三)…: the sub-points are what is cited
            pending, body, path = subs, subs[-1].text_end, subs[-1].path
    while True:
        nxt = _further_provisions(text, body, end, style, path)
        quote_end = nxt[0].text_start if nxt else end
        quote = _clean_quote(text[body:quote_end])
        item = _quoted_item(text, body, quote_end) if len(pending) == 1 else None
        for loc in pending:
            line_pos = header.start if not out else loc.text_start
            provision, printed = loc.path, text[loc.text_start : loc.text_end].strip(" \t\u3000\xa0")
            if item and loc.style == "statute" and provision[-1][0] in ("条", "款"):
                provision, printed = (*provision, ("项", item[0])), printed + item[1]
            out.append(
                Citation(
                    title=header.title,
                    doc_number=header.doc_number,
                    provision=provision,
                    provision_text=printed,
                    quote=quote,
                    line=first_line + text.count("\n", 0, line_pos),
                    issuer=header.issuer,
                )
            )
        if not nxt:
            return out
        pending, body, path = nxt, nxt[-1].text_end, nxt[-1].path


def _further_provisions(text: str, lo: int, hi: int, style: str, path: Path) -> list[_Locator]:
    """The next provision(s) of the same document at a sentence start in text[lo:hi]."""
    if style == "whole" or not path:
        return []
    deepest = max(DEPTH[kind] for kind, _ in path)
    anchors = _ANCHOR if style == "statute" else _POLICY_ANCHOR
    for anchor in anchors.finditer(text, lo, hi):
        i = _sure(_HSPACES.match(text, anchor.start())).end()
        if style == "statute":
            found = _statute_run(text, i, path)
            found = found if found and _AFTER_FURTHER.match(text, found[-1].text_end) else []
        else:
            found = _policy_further(text, i, path, deepest)
        if found and found[-1].text_end <= hi:
            return found
    return []


def _sub_points(text: str, lo: int, hi: int, path: Path) -> list[_Locator]:
    """The first heading one level below `path` at a line start in text[lo:hi]."""
    below = _POLICY_BELOW.get(path[-1][0])
    for line in _LINE_START.finditer(text, lo, hi):
        i = _sure(_HSPACES.match(text, line.start())).end()
        m = _HEADING.match(text, i)
        if m and _heading_kind(m)[0] == below:
            loc = _policy_path(text, i, path)
            return [loc] if loc and loc.text_end <= hi else []
    return []


def _policy_further(text: str, i: int, path: Path, deepest: int) -> list[_Locator]:
    """A heading no deeper than the current provision's: 。五、… after 四、, ；(五) after (四)."""
    m = _HEADING.match(text, i)
    if not m:
        return []
    kind, n = _heading_kind(m)
    if n is None or DEPTH[kind] > deepest:
        return []
    if m.group("pt") and i and text[i - 1] not in "\n。；;":
        return []  # a bare number after a space is wording (共 3.5 …)
    loc = _policy_path(text, i, path)
    return [loc] if loc else []


def _quoted_item(text: str, lo: int, hi: int) -> tuple[int, str] | None:
    """(number, marker) of the one enumerated item text[lo:hi] quotes right after its
    lead-in (…履行下列职责：(四)…); None when it quotes none, or several (the whole list:
    the article is cited)."""
    marks = list(_ITEM_MARK.finditer(text, lo, hi))
    n = _number(marks[0].group("n")) if len(marks) == 1 else None
    if n is None:
        return None
    lead = text[lo : marks[0].start()].strip(" \t\u3000\xa0\n")
    if "\n" in lead:  # the lead-in is a later paragraph, whose number the text does not name
        return None
    return (n, marks[0].group()) if lead.endswith(_ITEM_LEAD_END) and lead.strip("：:…") else None


def _clean_quote(quote: str) -> str:
    return _QUOTE_EDGE_RIGHT.sub("", _QUOTE_EDGE_LEFT.sub("", quote))
