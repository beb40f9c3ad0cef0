"""The words a page shows for the graph's vocabulary keys, Chinese first with English beside.

Levels and roles from their one home (loaders/codes.py), provision kinds from the table
graph.build mints them from, so a page never holds a second copy of them.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from servicegraph.api.statutes import MATCHES
from servicegraph.graph.build import ONTOLOGY, SUBDIVISIONS
from servicegraph.graph.currency import CHANGES
from servicegraph.graph.namespaces import SG
from servicegraph.graph.status import EVENT_CONCEPTS
from servicegraph.graph.statutes import TITLE_STEPS
from servicegraph.loaders.codes import Level, Role

LEVELS = {level.value: level for level in Level}
LEVEL_ORDER = tuple(LEVELS)
"""city, county, township, village."""
ROLES = {role.value: role for role in Role}

KIND_WORDS = {str(iri).removeprefix(str(SG)): zh for zh, iri in SUBDIVISIONS.items()}
"""'article' → '条', 'item' → '项', …"""


def level_word(level: str | None) -> str:
    """'township' → '乡镇(街道)'; the key itself when unknown."""
    return LEVELS[level].zh if level in LEVELS else level or ""


def role_word(role: str | None) -> str:
    """'final-approval' → '审定'; None (no role given) → '实施'; the key itself when unknown."""
    key = role or Role.implementer.value
    return ROLES[key].zh if key in ROLES else key


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


MATCH_WORDS = dict(
    zip(
        MATCHES,
        ("规范标题 canonical title", "引用异名 variant title", "文号 issuing number", "部分 fragment"),
        strict=True,
    )
)
"""How a statute search matched, by statutes-search.rq's match names."""


def short_label(label: str | None) -> str:
    """A provision's label without its document: '《中华人民共和国电力法》第二十六条' → '第二十六条'."""
    return (label or "").rsplit("》", 1)[-1] or (label or "")


@cache
def _concept_words() -> dict[str, str]:
    graph = Graph().parse(data=ONTOLOGY.read_text(encoding="utf-8"), format="turtle")
    return {
        str(s).removeprefix(str(SG)): str(o)
        for s, o in graph.subject_objects(SKOS.prefLabel)
        if isinstance(o, Literal) and o.language == "zh" and str(s).startswith(str(SG))
    }


def concept_word(key: str | None) -> str:
    """The ontology's Chinese label of an sg: concept: 'law' → '法律'."""
    return _concept_words().get(key or "", key or "—")


MERGE_WORDS = dict(
    zip(
        (name for name, _ in TITLE_STEPS),
        ("全角或兼容字符", "多余或全角空格", "有无“中华人民共和国”前缀", "“和”与“与”", "括号或引号写法"),
        strict=True,
    )
)
"""Why two titles were merged, in Chinese, by graph.statutes.TITLE_STEPS' reason names."""


def merge_reason(name: str) -> str:
    """'和 / 与' → '“和”与“与” 和 / 与': the Chinese first, the step's own name beside."""
    return f"{MERGE_WORDS.get(name, '')} {name}".strip()


UNKNOWN = ("状态未知", "status unknown")


def status_word(status: str | None) -> str:
    """A citation's or document's status in Chinese: the ontology's word for the status
    event ('repealed' → '废止'), '状态未知' when no fact speaks of it."""
    concept = EVENT_CONCEPTS.get(status or "")
    return UNKNOWN[0] if concept is None else concept_word(str(concept).removeprefix(str(SG)))


def change_word(change: str | None) -> str:
    """Where a cited provision went: 'renumbered' → '改为'."""
    return CHANGES[change][0] if change in CHANGES else ""


STANDINGS = {
    "only-repealed": ("仅依据已废止或被替代的法规", "rests only on repealed or replaced law"),
    "basis-in-force": ("仍有现行有效的依据", "still has a basis in force"),
    "rest-amended": ("尚有未废止的依据，但已修订或状态未知", "not only repealed law, but none confirmed in force"),
    "rest-unknown": ("尚有未见废止的依据，但其状态未知", "not only repealed law; the rest: status unknown"),
    "in-force": ("所依据的法规均现行有效", "every document it cites is in force"),
    "partly-unknown": ("未见变化，部分依据状态未知", "no known change; some of its basis: status unknown"),
    "unknown": ("所依据的法规状态未知", "status unknown: no fact about the documents it cites"),
    "no-citation": ("没有可识别的依据", "no citation recognised"),
}
"""What a service's basis comes to (api/pages/review.py `standing`), Chinese and English."""
