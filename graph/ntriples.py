"""rdflib triples → N-Triples (and N-Quads) lines, without an rdflib graph.

A small writer for the builder's stream (graph/build.py): IRIs as they are (refused when
they hold a character N-Triples forbids), literals with `\\\\ \\" \\n \\r` escaped and
every other character written as UTF-8 (non-BMP ones too), a language tag or a datatype
other than xsd:string. `load` hands lines to pyoxigraph's bulk loader as they are made.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_XSD_STRING = XSD.string


def term(node: Node) -> str:
    """One term in N-Triples syntax."""
    if isinstance(node, URIRef):
        if _NOT_IN_IRI.search(node):
            raise ValueError(f"not writable as an N-Triples IRI: {node!r}")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != _XSD_STRING:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def lines(triples: Iterable[tuple[Node, Node, Node]], graph: URIRef | None = None) -> Iterator[str]:
    """N-Triples lines of `triples`; N-Quads lines in `graph` when it is given."""
    end = " .\n" if graph is None else f" {term(graph)} .\n"
    predicates: dict[Node, str] = {}  # a few dozen; a subject comes in runs: the last one is kept
    last, last_term = None, ""
    for s, p, o in triples:
        if s is not last:
            last, last_term = s, term(s)
        p_term = predicates.get(p)
        if p_term is None:
            p_term = predicates[p] = term(p)
        yield f"{last_term} {p_term} {term(o)}{end}"


class _LineReader(io.RawIOBase):
    """A binary file reading the UTF-8 of `lines` as they come."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # a writable buffer (memoryview)
        size = len(buffer)
        chunks, have = [self._pending], len(self._pending)
        while have < size:
            batch = "".join(_take(self._lines, 256)).encode("utf-8")
            if not batch:
                break
            chunks.append(batch)
            have += len(batch)
        data = b"".join(chunks)
        buffer[: min(size, len(data))] = data[:size]
        self._pending = data[size:]
        return min(size, len(data))


def _take(lines: Iterator[str], n: int) -> Iterator[str]:
    for _ in range(n):
        line = next(lines, None)
        if line is None:
            return
        yield line


def reader(lines: Iterable[str]) -> io.BufferedReader:
    """`lines` as a binary file object."""
    return io.BufferedReader(_LineReader(lines), buffer_size=1 << 20)


def load(store: ox.Store, lines: Iterable[str], quads: bool = False) -> None:
    """Bulk-load `lines` (N-Quads when `quads`, else N-Triples) written by this module into
    `store`, leniently: `term` has already refused what an IRI may not hold, so Oxigraph's
    own IRI checks are skipped (a fifth of its loading CPU at 10x the seed)."""
    rdf_format = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    store.bulk_load(reader(lines), rdf_format, lenient=True)
