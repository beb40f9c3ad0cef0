"""Writing bound values into query text (store/sparql_text.substitute), as a remote
engine needs: every named query, run on the seed with its values written in, gives what
pyoxigraph gives with the same values as native substitutions (the oracle)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from servicegraph.api import named_queries as nq
from servicegraph.graph.namespaces import SG
from servicegraph.store.oxigraph import to_oxigraph
from servicegraph.store.sparql_text import SubstitutionError, has_dataset_clause, substitute

B = "https://servicegraph.example/"

VALUES = {  # IRIs of the seed (source line 901ff is item 44, 新装用电, citing 电力法 as items 44-48 do;
    # 270ff is item 14, 创业服务): a query taking both ?service and ?document gets a pair that meets
    "service": URIRef(f"{B}service/新装用电"),
    "resource": URIRef(f"{B}service/创业服务"),
    "number": Literal(14),
    "document": URIRef(f"{B}legal/中华人民共和国电力法"),
    "citing": URIRef(f"{B}legal/中华人民共和国电力法"),
    "agency": URIRef(f"{B}agency/乡镇人民政府-街道办事处"),
    "level": SG.township,
    "role": SG.preliminaryReview,
    "min_services": Literal(2),
    "text": Literal("社会保险法"),
    "key": Literal("社会保险法"),
    "issuing_number": Literal(""),
    "fragment": Literal("供电"),  # services-search, agencies-search: 乡镇人民政府(街道办事处)片区供电所 …
    "asked": Literal(44),
    "basis": URIRef(f"{B}legal/中华人民共和国电力法"),
    "first": Literal(44),  # statute-citations: items 44-48 cite 电力法
    "last": Literal(48),
}


@pytest.fixture(scope="module")
def store(seed_graph) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(*map(to_oxigraph, triple)) for triple in seed_graph)
    return store


CONCATENATED = ("level_roles",)
"""GROUP_CONCAT columns: their order within a group is the engine's, so compared as sets."""


def _rows(results: ox.QuerySolutions | ox.QueryTriples) -> list:
    if isinstance(results, ox.QueryTriples):
        return sorted(str(t) for t in results)
    rows = json.loads(results.serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"]
    for row in rows:
        for name in CONCATENATED:
            if name in row:
                row[name]["value"] = sorted(row[name]["value"].split())
    return rows


PARAMETERISED = [q for q in nq.load_queries().values() if q.parameters]
CASES = [(q.name, "") for q in PARAMETERISED] + [
    (q.name, "\nLIMIT 2 OFFSET 0\n") for q in PARAMETERISED if "Paged" in q.description
]
"""Each query whole (rows compared in any order: ties may come either way), and each
paged one as the API pages it (its order is total, so the page is compared as is)."""


@pytest.mark.parametrize(("name", "page"), CASES)
def test_written_values_answer_as_native_substitutions(store: ox.Store, name: str, page: str) -> None:
    query = nq.get(name)
    text = query.text.rstrip() + page
    values = {p: VALUES[p] for p in query.parameters}
    native = _rows(store.query(text, substitutions={ox.Variable(k): to_oxigraph(v) for k, v in values.items()}))
    written = _rows(store.query(substitute(text, {k: str(to_oxigraph(v)) for k, v in values.items()})))
    if not page:
        native, written = (sorted(rows, key=json.dumps) for rows in (native, written))
    assert written == native
    assert native, f"{name}: the oracle found nothing, so the comparison would prove nothing"


def test_only_the_variable_is_replaced_and_the_grammar_kept() -> None:
    query = """SELECT DISTINCT ?x (COUNT(?y) AS ?n) WHERE {  # ?x in a comment
  ?y <http://e/p?x=1> ?x ; <http://e/q> "?x" . FILTER(?x != ?xx)
} GROUP BY ?x HAVING (COUNT(?y) > ?x) ORDER BY DESC(?n) ?x"""
    assert (
        substitute(query, {"x": '"a"'})
        == """SELECT DISTINCT ("a" AS ?x) (COUNT(?y) AS ?n) WHERE {  # ?x in a comment
  ?y <http://e/p?x=1> "a" ; <http://e/q> "?x" . FILTER("a" != ?xx)
} GROUP BY ("a") HAVING (COUNT(?y) > "a") ORDER BY DESC(?n) ("a")"""
    )


def test_a_variable_the_query_assigns_cannot_be_substituted() -> None:
    with pytest.raises(SubstitutionError, match=r"\?x is assigned"):
        substitute("SELECT ?x { BIND(1 AS ?x) }", {"x": "2"})


def test_a_dataset_clause_is_a_from_keyword_not_a_word_in_a_string() -> None:
    assert has_dataset_clause("SELECT * FROM <http://e/g> { ?s ?p ?o }")
    assert not has_dataset_clause('SELECT * { ?s ?p "FROM" } # FROM')
