"""The catalogue's coded values: administrative levels, the roles a level plays in a
service, and handling modes. One home for each.

Each member carries its value (in the JSON of `parse` and in the API), its Chinese and
English names and the local name of its concept in the ontology's code lists sg:Levels,
sg:Roles and sg:HandlingModes (tests/test_codes.py checks them against
ontology/servicegraph.ttl). The graph layer makes the IRIs (servicegraph.graph.code_lists).
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """The four level columns, in source order."""

    zh: str  # the column header and skos:notation: 市, 县, 乡镇(街道), 村(社区)
    en: str
    term: str  # the concept's local name in the ontology
    fill: str  # how a 填报类型 cell names the level: 市, 区县, 乡镇, 村

    def __new__(cls, key: str, zh: str, en: str, fill: str) -> Level:
        level = str.__new__(cls, key)
        level._value_ = key
        level.zh, level.en, level.term, level.fill = zh, en, key, fill
        return level

    city = "city", "市", "city", "市"
    county = "county", "县", "county", "区县"
    township = "township", "乡镇(街道)", "township", "乡镇"
    village = "village", "村(社区)", "village", "村"


class Role(StrEnum):
    """What a level does in a service: a plain √ implements it; a level cell may name
    another role, written (审定), (初审) or (代办)."""

    zh: str  # the Chinese name, as a level cell writes it (except the implementer's)
    en: str
    term: str  # the concept's local name in the ontology
    notation: str  # skos:notation: √ for the implementer, else the role as written

    def __new__(cls, key: str, zh: str, en: str, term: str, notation: str) -> Role:
        role = str.__new__(cls, key)
        role._value_ = key
        role.zh, role.en, role.term, role.notation = zh, en, term, notation
        return role

    implementer = "implementer", "实施", "implementer", "implementer", "√"
    final_approval = "final-approval", "审定", "final approval", "finalApproval", "审定"
    preliminary_review = "preliminary-review", "初审", "preliminary review", "preliminaryReview", "初审"
    on_behalf = "on-behalf", "代办", "on behalf", "onBehalf", "代办"


class HandlingMode(StrEnum):
    """How an applicant gets a service done (办理类型), in the ontology's order."""

    en: str
    term: str  # the concept's local name in the ontology
    slug: str  # skos:notation, and the last segment of the channel's IRI

    def __new__(cls, zh: str, en: str, term: str, slug: str) -> HandlingMode:
        mode = str.__new__(cls, zh)
        mode._value_ = zh
        mode.en, mode.term, mode.slug = en, term, slug
        return mode

    at_once = "马上办", "at once", "atOnce", "at-once"
    online = "网上办", "online", "online", "online"
    nearby = "就近办", "nearby", "nearby", "nearby"
    one_visit = "一次办", "in one visit", "oneVisit", "one-visit"


HANDLING_MODES = {mode.value: mode for mode in HandlingMode}
"""A handling mode as written (马上办) → the mode."""

LEVEL_OF_FILL = {level.fill: level for level in Level}
"""A 填报类型 entry's level name (FillType.level) → the level."""

ROLE_OF_MARK = {role.notation: role for role in Role if role is not Role.implementer}
"""The roles a level cell names (LevelMark.role: 审定, 初审, 代办) → the role."""


def role_of_mark(mark: str | None) -> Role:
    """The role of a level cell whose role is `mark` (None: a plain √, the implementer)."""
    return ROLE_OF_MARK.get(mark, Role.implementer) if mark else Role.implementer


__all__ = ["HANDLING_MODES", "LEVEL_OF_FILL", "ROLE_OF_MARK", "HandlingMode", "Level", "Role", "role_of_mark"]
