"""The N-Triples writer (graph/ntriples.py): what it writes, rdflib and pyoxigraph read back as the same graph."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from servicegraph.graph import ntriples

EX = "http://example.org/"

texts = st.text(
    alphabet=st.characters(codec="utf-8")
)  # every character UTF-8 can hold, \\ " \n \r and non-BMP ones too
TAGS = ["zh", "en", "zh-hans-cn"]  # lower case: pyoxigraph lowers a tag, rdflib keeps it as written
literals = st.one_of(
    texts.map(Literal),
    st.builds(lambda t, tag: Literal(t, lang=tag), texts, st.sampled_from(TAGS)),
    st.integers().map(Literal),
    st.booleans().map(Literal),
    st.dates().map(Literal),
    st.datetimes().map(Literal),
    texts.map(lambda t: Literal(t, datatype=XSD.string)),
    texts.map(lambda t: Literal(t, datatype=URIRef(f"{EX}type"))),
)
iris = st.text(alphabet="abcXYZ019-_/.~事项", max_size=12).map(lambda t: URIRef(EX + t))
triples = st.lists(st.tuples(iris, iris, st.one_of(iris, literals)), max_size=30)


def graph_of(written: list) -> Graph:
    """The graph of `written`, xsd:string literals as plain ones (RDF 1.1: the same term; rdflib keeps them apart)."""
    graph = Graph()
    for s, p, o in written:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        graph.add((s, p, o))
    return graph


@settings(max_examples=300, deadline=None)
@given(triples)
def test_rdflib_reads_back_what_is_written(written: list) -> None:
    expected = graph_of(written)
    text = "".join(ntriples.lines(written))
    assert isomorphic(Graph().parse(data=text, format="nt"), expected)


@settings(max_examples=100, deadline=None)
@given(triples)
def test_pyoxigraph_loads_the_reader_in_a_named_graph(written: list) -> None:
    graph = URIRef(f"{EX}g")
    store = ox.Store()
    # strict, not `ntriples.load`: its leniency rests on what the writer writes passing these checks
    store.bulk_load(ntriples.reader(ntriples.lines(written, graph)), ox.RdfFormat.N_QUADS)
    expected = graph_of(written)
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph)))
    assert isomorphic(Graph().parse(data=dumped.decode("utf-8"), format="nt"), expected)


def test_the_reader_gives_every_byte_whatever_the_read_sizes() -> None:
    lines = [f'<{EX}s> <{EX}p> "{"长" * n}" .\n' for n in range(2000)]  # lines cross every 1 MiB read
    expected = "".join(lines).encode("utf-8")
    file = ntriples.reader(lines)
    got = io.BytesIO()
    for size in (1, 7, 4096, 1 << 20, -1):
        got.write(file.read(size))
    assert got.getvalue() == expected


@pytest.mark.parametrize("iri", [f"{EX}a b", f"{EX}<x>", f'{EX}"', f"{EX}a\nb"])
def test_an_iri_nt_cannot_hold_is_refused(iri: str) -> None:
    with pytest.raises(ValueError, match="not writable as an N-Triples IRI"):
        ntriples.term(URIRef(iri))
