"""The SPARQL 1.1 Protocol at /sparql, spoken by real clients over HTTP."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from http_server import running
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import VOID
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from servicegraph.api.app import create_app
from servicegraph.api.negotiation import UnknownFormat, choose
from servicegraph.api.query_guard import QueryRefused, check_query
from servicegraph.graph.media_types import GRAPH_TYPES
from servicegraph.store.formats import GRAPH_FORMATS, RESULTS_FORMATS, RESULTS_TYPES
from servicegraph.store.snapshots import snapshot_from_dump
from servicegraph.store.workers import WorkerPool

EX = Namespace("http://example.org/")
G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"

FIXTURE = """
@prefix ex: <http://example.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
ex:s1 dct:title "献血服务"@zh ; ex:cites ex:law1 .
ex:s2 dct:title "电力设施保护"@zh ; ex:cites ex:law1, ex:law2 .
ex:s3 dct:title "Service # three"@en ; ex:cites ex:law2 .
<http://example.org/graph/one> { ex:a ex:in ex:one . }
<http://example.org/graph/two> { ex:b ex:in ex:two . ex:c ex:in ex:two . }
"""

COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory) -> str:
    directory = tmp_path_factory.mktemp("protocol")
    dump = directory / "fixture.trig"
    dump.write_text(FIXTURE, encoding="utf-8")
    pool = WorkerPool(snapshot_from_dump(directory / "store", 1, dump), size=2, timeout=20)
    with running(create_app(pool)) as base:
        yield f"{base}/sparql"


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- real clients ---------------------------------------------------------------------


def test_sparqlwrapper_select_in_every_results_format(endpoint: str) -> None:
    query = "PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:cites ex:law1 } ORDER BY ?s"
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == [str(EX.s1), str(EX.s2)]
    for fmt, parser in ((XML, "xml"), (CSV, "csv"), (TSV, "tsv")):
        client.setReturnFormat(fmt)
        raw = client.query().response.read()
        result = Result.parse(io.BytesIO(raw), format=parser)
        assert sorted(str(row[0]) for row in result) == [str(EX.s1), str(EX.s2)], fmt


def test_sparqlwrapper_post_and_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setReturnFormat(JSON)
    client.setQuery('ASK { ?s <http://purl.org/dc/terms/title> "献血服务"@zh }')
    assert client.query().convert()["boolean"] is True
    client.setQuery('ASK { ?s <http://purl.org/dc/terms/title> "不存在"@zh }')
    assert client.query().convert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, RDFXML])
def test_sparqlwrapper_construct_in_every_graph_format(endpoint: str, fmt: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery("CONSTRUCT WHERE { ?s <http://example.org/cites> ?o }")
    client.setReturnFormat(fmt)
    graph = client.queryAndConvert()
    if isinstance(graph, bytes):  # SPARQLWrapper leaves Turtle unparsed
        graph = Graph().parse(data=graph, format="turtle")
    assert set(graph) == {
        (EX.s1, EX.cites, EX.law1),
        (EX.s2, EX.cites, EX.law1),
        (EX.s2, EX.cites, EX.law2),
        (EX.s3, EX.cites, EX.law2),
    }


def test_rdflib_sparqlstore(endpoint: str) -> None:
    store = SPARQLStore(query_endpoint=endpoint)
    rows = list(store.query("SELECT ?title WHERE { <http://example.org/s1> <http://purl.org/dc/terms/title> ?title }"))
    assert rows[0][0] == Literal("献血服务", lang="zh")
    graph = Graph(store=store)
    assert (EX.s3, EX.cites, EX.law2) in graph
    assert len(list(graph.triples((None, EX.cites, None)))) == 4


def test_rdflib_sparqlstore_named_graph_sends_default_graph_uri(endpoint: str) -> None:
    graph = Graph(store=SPARQLStore(query_endpoint=endpoint), identifier=URIRef(G2))
    assert set(graph.subjects(EX["in"], EX.two)) == {EX.b, EX.c}
    assert (EX.s1, EX.cites, EX.law1) not in graph


def test_describe_in_every_graph_format(endpoint: str) -> None:
    parsers = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }
    for media_type in GRAPH_TYPES:
        response = httpx.get(
            endpoint, params={"query": "DESCRIBE <http://example.org/s2>"}, headers={"Accept": media_type}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media_type)
        graph = Graph().parse(data=response.content, format=parsers[media_type])
        assert (EX.s2, EX.cites, EX.law2) in graph
        assert Literal("电力设施保护", lang="zh") in set(graph.objects(EX.s2, None))


# --- the protocol ---------------------------------------------------------------------


def test_three_ways_to_send_a_query_agree(endpoint: str) -> None:
    by_get = count(httpx.get(endpoint, params={"query": COUNT_DEFAULT}))
    by_form = count(httpx.post(endpoint, data={"query": COUNT_DEFAULT}))
    by_body = count(
        httpx.post(endpoint, content=COUNT_DEFAULT.encode(), headers={"Content-Type": "application/sparql-query"})
    )
    assert by_get == by_form == by_body == 7


def test_default_and_named_graph_uri_override_from(endpoint: str) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> {{ ?s ?p ?o }}"
    assert count(httpx.get(endpoint, params={"query": query})) == 1
    assert count(httpx.get(endpoint, params={"query": query, "default-graph-uri": G2})) == 2
    both = [("query", query), ("default-graph-uri", G1), ("default-graph-uri", G2)]
    assert count(httpx.get(endpoint, params=both)) == 3
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G1}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(httpx.get(endpoint, params={"query": named})) == 1
    assert count(httpx.post(endpoint, data={"query": named, "named-graph-uri": G2})) == 2
    # only named graphs given: the default graph is empty
    assert count(httpx.get(endpoint, params={"query": COUNT_DEFAULT, "named-graph-uri": G2})) == 0


def test_sparql_query_post_takes_dataset_from_the_url(endpoint: str) -> None:
    response = httpx.post(
        endpoint,
        params={"default-graph-uri": G1},
        content=COUNT_DEFAULT.encode(),
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert count(response) == 1


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv", "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+xml;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        ("text/*", "text/csv"),
    ],
)
def test_accept_with_q_values(endpoint: str, accept: str, expected: str) -> None:
    response = httpx.get(endpoint, params={"query": COUNT_DEFAULT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


def test_format_parameter_wins_over_accept(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": COUNT_DEFAULT, "format": "tsv"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].split(";")[0] == "text/tab-separated-values"
    response = httpx.post(endpoint, data={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "json"})
    assert response.headers["content-type"] == "application/ld+json"
    assert json.loads(response.content)


def test_unmet_accept_is_406(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": COUNT_DEFAULT}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    response = httpx.get(endpoint, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    response = httpx.get(endpoint, params={"query": COUNT_DEFAULT, "format": "csv"}, headers={"Accept": "text/csv;q=0"})
    assert response.status_code == 200  # format wins
    assert httpx.get(endpoint, params={"query": COUNT_DEFAULT, "format": "pdf"}).status_code == 400


def test_malformed_query_is_400_with_the_parser_message(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "error at 1:" in response.text


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": [("query", COUNT_DEFAULT), ("query", COUNT_DEFAULT)]},
        {"method": "POST", "data": {"query": [COUNT_DEFAULT, COUNT_DEFAULT]}},
        {"method": "POST", "content": COUNT_DEFAULT.encode()},
        {"method": "POST", "content": COUNT_DEFAULT.encode(), "headers": {"Content-Type": "text/plain"}},
        {
            "method": "POST",
            "content": COUNT_DEFAULT.encode("utf-16"),
            "headers": {"Content-Type": "application/sparql-query; charset=utf-16"},
        },
        {
            "method": "POST",
            "content": "SELECT * { ?s ?p 'é' }".encode("latin-1"),
            "headers": {"Content-Type": "application/sparql-query"},
        },
        {"method": "POST", "content": b"query=%E9", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        {
            "method": "POST",
            "data": {"query": COUNT_DEFAULT},
            "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=iso-8859-1"},
        },
        {"method": "POST", "data": {}},
        {"method": "GET", "params": {"query": COUNT_DEFAULT, "default-graph-uri": "not an iri"}},
    ],
    ids=[
        "repeated-get",
        "repeated-form",
        "no-content-type",
        "wrong-content-type",
        "utf16",
        "latin1-body",
        "bad-percent-utf8",
        "form-charset",
        "form-without-query",
        "bad-graph-iri",
    ],
)
def test_bad_protocol_requests_are_400(endpoint: str, request_args: dict) -> None:
    request_args = dict(request_args)
    method = request_args.pop("method")
    response = httpx.request(method, endpoint, **request_args)
    assert response.status_code == 400, response.text
    assert response.text.strip()


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "params": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
        {"method": "POST", "data": {"update": "DROP ALL"}},
        {"method": "POST", "content": b"CLEAR DEFAULT", "headers": {"Content-Type": "application/sparql-update"}},
        {
            "method": "POST",
            "content": b"LOAD <http://127.0.0.1:1/data.ttl>",
            "headers": {"Content-Type": "application/sparql-query"},
        },
    ],
    ids=["insert-by-get", "update-form", "update-body", "load"],
)
def test_updates_are_refused(endpoint: str, request_args: dict) -> None:
    request_args = dict(request_args)
    response = httpx.request(request_args.pop("method"), endpoint, **request_args)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert count(httpx.get(endpoint, params={"query": COUNT_DEFAULT})) == 7


def test_service_is_refused_and_nothing_is_fetched(endpoint: str) -> None:
    import socket

    with socket.socket() as listener:  # a host the query would call, if it called anything
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        for query in (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
            f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        ):
            response = httpx.get(endpoint, params={"query": query})
            assert response.status_code == 403, query
            assert "SERVICE" in response.text
        response = httpx.get(
            endpoint,
            params={"query": f"SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:{port}/data.ttl> {{ ?s ?p ?o }}"},
        )
        assert count(response) == 0  # FROM names a graph in the store: there is none such
        with pytest.raises(TimeoutError):
            listener.accept()


def test_what_follows_a_query_is_the_engines_to_judge(endpoint: str) -> None:
    # the guard reads the form; the engine's parser finds the update after it is no query
    response = httpx.get(endpoint, params={"query": "SELECT * {} ; DROP ALL"})
    assert response.status_code == 400, response.text
    assert count(httpx.get(endpoint, params={"query": COUNT_DEFAULT})) == 7


def test_keywords_in_strings_iris_and_comments_are_not_refused(endpoint: str) -> None:
    query = (
        "PREFIX service: <http://example.org/insert#>\n"
        "SELECT ?service ?load WHERE { # SERVICE <http://127.0.0.1:1/> DELETE\n"
        '  ?service <http://example.org/SERVICE> ?load . FILTER(?load != "INSERT DATA { }") }'
    )
    response = httpx.get(endpoint, params={"query": query})
    assert response.status_code == 200, response.text


def test_cors(endpoint: str) -> None:
    response = httpx.get(endpoint, params={"query": COUNT_DEFAULT}, headers={"Origin": "https://elsewhere.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        endpoint,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_one_log_line_per_request(endpoint: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="servicegraph.access"):
        httpx.get(endpoint, params={"query": COUNT_DEFAULT})
        httpx.post(endpoint, data={"update": "DROP ALL"})
    lines = [r.getMessage() for r in caplog.records if r.name == "servicegraph.access"]
    assert len(lines) == 2
    assert '"GET /sparql?query=' in lines[0] and " 200 " in lines[0]
    assert '"POST /sparql"' in lines[1] and " 403 " in lines[1]


# --- descriptions ---------------------------------------------------------------------

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def test_get_without_query_is_the_service_description(endpoint: str) -> None:
    response = httpx.get(endpoint)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    service = URIRef(endpoint)
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert names == {G1, G2}
    as_xml = httpx.get(endpoint, headers={"Accept": "application/rdf+xml"})
    assert len(Graph().parse(data=as_xml.content, format="xml")) == len(graph)


def test_void_is_served_with_statistics(endpoint: str) -> None:
    void_url = endpoint.removesuffix("/sparql") + "/.well-known/void"
    response = httpx.get(void_url, params={"format": "json-ld"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="json-ld")
    dataset = URIRef(void_url + "#dataset")
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(endpoint)
    assert graph.value(dataset, VOID.triples).toPython() == 10  # 7 in the default graph, 3 named
    assert graph.value(URIRef(G2), VOID.triples).toPython() == 2


# --- pure parts -----------------------------------------------------------------------


def test_negotiation_table_matches_what_the_store_serialises() -> None:
    assert set(RESULTS_TYPES) == set(RESULTS_FORMATS)
    assert set(GRAPH_TYPES) == set(GRAPH_FORMATS)


def test_choose() -> None:
    assert choose(RESULTS_TYPES, None) == "application/sparql-results+json"
    assert choose(RESULTS_TYPES, "application/json") == "application/sparql-results+json"
    assert choose(RESULTS_TYPES, "text/csv;q=0, text/*;q=0.5") == "text/tab-separated-values"
    assert choose(RESULTS_TYPES, "image/png") is None
    assert choose(GRAPH_TYPES, "*/*", "xml") == "application/rdf+xml"
    with pytest.raises(UnknownFormat):
        choose(GRAPH_TYPES, None, "docx")


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX insert: <http://x/> SELECT * { ?s insert:delete 'LOAD' }", "SELECT"),
        ("# SERVICE\nASK {}", "ASK"),
        ("construct where { ?s ?p ?o }", "CONSTRUCT"),
        ('DESCRIBE <http://x/SERVICE> # """', "DESCRIBE"),
        ("SELECT ?add { ?add ?p '''multi\nline SERVICE''' }", "SELECT"),
    ],
)
def test_guard_ignores_strings_iris_comments_and_names(query: str, form: str) -> None:
    assert check_query(query) == form


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403),
        ("PREFIX : <http://x/> # comment\n load <http://a/>", 403),
        ("hello", 400),
        ("\\u0053ELECT * {}", 400),  # the engine reads no escape in a keyword either
    ],
)
def test_guard_refusals(query: str, status: int) -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.status == status
