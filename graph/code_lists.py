"""The catalogue's coded values (servicegraph.loaders.codes) as concepts of the ontology's
code lists sg:Levels, sg:Roles and sg:HandlingModes: the IRI of each, and back."""

from __future__ import annotations

from rdflib import URIRef

from servicegraph.graph.namespaces import SG
from servicegraph.loaders.codes import HandlingMode, Level, Role


def concept(code: Level | Role | HandlingMode) -> URIRef:
    """sg:township for Level.township, sg:preliminaryReview for Role.preliminary_review."""
    return SG[code.term]


_LEVELS = {concept(level): level for level in Level}
_ROLES = {concept(role): role for role in Role}


def level_of(iri: object) -> Level | None:
    """The level whose concept is `iri`, or None."""
    return _LEVELS.get(URIRef(str(iri)))


def role_of(iri: object) -> Role | None:
    """The role whose concept is `iri`, or None."""
    return _ROLES.get(URIRef(str(iri)))


__all__ = ["concept", "level_of", "role_of"]
