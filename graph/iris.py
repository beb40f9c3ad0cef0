"""IRI minting, as tabled in docs/model.md: readable, deterministic, stable across revisions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rdflib import URIRef

from servicegraph.loaders.codes import HandlingMode
from servicegraph.loaders.records import Item

_NOT_KEPT = re.compile(r"[\W_]+")
_WHITESPACE = re.compile(r"\s+")

PROVISION_STEPS = {"章": "chp", "节": "sec", "条": "art", "款": "par", "项": "pnt", "目": "sub", "点": "pt"}
"""Subdivision kind → its IRI step prefix (EUR-Lex style: art_26/par_1/pnt_2)."""


def key(label: str) -> str:
    """A readable, IRI-safe form of a label.

    NFKC-normalised, whitespace removed, every run of characters other than letters,
    digits and CJK characters turned into one "-", no "-" at either end.
    """
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", label))
    return _NOT_KEPT.sub("-", text).strip("-")


def service_keys(items: Sequence[Item]) -> list[str]:
    """The IRI key of each item, in order: key(name), or key(name)-{number} for a repeat.

    An item whose name has no key at all is keyed `item-{number}`.
    """
    seen: set[str] = set()
    keys = []
    for item in items:
        k = key(item.name) or f"item-{item.number}"
        if k in seen:
            k = f"{k}-{item.number}"
        seen.add(k)
        keys.append(k)
    return keys


class Minter:
    """Mints the IRIs of one revision of one catalogue under `base`."""

    def __init__(self, base: str, sha256: str) -> None:
        self.base = base
        self.rev = sha256[:12]

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    @property
    def catalogue(self) -> URIRef:
        return self._iri("catalogue")

    @property
    def revision(self) -> URIRef:
        return self._iri(f"revision/{self.rev}")

    @property
    def place(self) -> URIRef:
        return self._iri("place")

    @property
    def publisher(self) -> URIRef:
        return self._iri("publisher")

    def lines(self, first: int, last: int) -> URIRef:
        return self._iri(f"revision/{self.rev}/lines/{first}-{last}")

    def service(self, service_key: str) -> URIRef:
        return self._iri(f"service/{service_key}")

    def agency(self, name: str) -> URIRef:
        return self._iri(f"agency/{key(name)}")

    def document(self, identity: str) -> URIRef:
        """`identity` is a document's `graph.statutes.document_identity`."""
        return self._iri(f"legal/{key(identity) or 'untitled'}")

    def concept(self, scheme: str, label: str) -> URIRef:
        return self._iri(f"concept/{scheme}/{key(label)}")

    def scheme(self, scheme: str) -> URIRef:
        return self._iri(f"concept/{scheme}")

    def channel(self, mode: HandlingMode) -> URIRef:
        return self._iri(f"channel/{mode.slug}")


def provision(document: URIRef, path: Iterable[tuple[str, int]]) -> URIRef:
    """The IRI of a provision: the document's IRI plus one `{step}_{n}` per level."""
    steps = "/".join(f"{PROVISION_STEPS[kind]}_{n}" for kind, n in path)
    return URIRef(f"{document}/{steps}") if steps else document


def cell(row: URIRef, column: str) -> URIRef:
    """A cell of a source row: `{row}/{column}` (a `loaders.catalogue.COLUMNS` key)."""
    return URIRef(f"{row}/{column}")


def participation(service: URIRef, level: str) -> URIRef:
    return URIRef(f"{service}/level/{level}")


def citation(service: URIRef, n: int) -> URIRef:
    return URIRef(f"{service}/citation/{n}")


def fill_type(service: URIRef, n: int) -> URIRef:
    return URIRef(f"{service}/fill-type/{n}")
