"""A renamed item gets a new service IRI; the old one keeps working: 301 to the new one,
`dct:isReplacedBy` in the graph (so SPARQL finds it), carried into later revisions, and
given up when the name comes back.

The seed's item 14 is 创业服务 (README); it is renamed by rewriting its name cell
(tests/seed_variants.py), which the diff matches by content.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import seed_variants as v
from test_revisions_api import AUTH, SPARQL_JSON, TOKEN, server

from servicegraph.graph.namespaces import DEFAULT_BASE

OLD, NEW = "创业服务", "创业扶持服务"
REPLACED = """PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?old ?new { ?old dct:isReplacedBy ?new }"""


def _replaced(client) -> list[tuple[str, str]]:
    rows = client.get("/sparql", params={"query": REPLACED}, headers=SPARQL_JSON).json()["results"]["bindings"]
    return sorted((r["old"]["value"], r["new"]["value"]) for r in rows)


def _upload(client, data: bytes, name: str) -> dict:
    answer = client.post("/api/revisions", params={"name": name}, content=data, headers=AUTH)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_old_iri_of_a_renamed_item_redirects_to_the_new_one(tmp_path: Path, seed_path: Path, seed_catalogue):
    old_iri, new_iri = f"{DEFAULT_BASE}service/{OLD}", f"{DEFAULT_BASE}service/{NEW}"
    old_path, new_path = f"/service/{quote(OLD)}", f"/service/{quote(NEW)}"
    renamed = v.renamed(seed_path, seed_catalogue, 14, NEW)
    with server(tmp_path / "data", upload_token=TOKEN) as client:
        _upload(client, seed_path.read_bytes(), "seed.txt")
        assert _replaced(client) == []
        changes = _upload(client, renamed, "renamed.txt")["changes"]
        (item,) = [c for c in changes["items"] if c["new_number"] == 14]
        assert (item["matched_by"], item["old_service"], item["new_service"]) == ("content", old_iri, new_iri)
        assert changes["replaced"] == [{"old": old_iri, "new": new_iri}]

        moved = client.get(old_path, params={"format": "turtle"}, follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"] == f"{new_path}?format=turtle"
        followed = client.get(old_path, headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert followed.status_code == 200 and str(followed.url).endswith(new_path) and NEW in followed.text
        assert _replaced(client) == [(old_iri, new_iri)]

        # a later revision that does not touch item 14 keeps the old IRI working
        article = v.renamed(seed_path, seed_catalogue, 14, NEW).replace(
            "《重庆市献血条例》第九条".encode(), "《重庆市献血条例》第十条".encode(), 1
        )
        assert _upload(client, article, "article.txt")["changes"]["replaced"] == []
        assert client.get(old_path, follow_redirects=False).status_code == 301
        assert _replaced(client) == [(old_iri, new_iri)]

        # the old name comes back: its IRI names the service again, the other one redirects
        back = v.replaced(seed_path, "《重庆市献血条例》第九条", "《重庆市献血条例》第十条")
        _upload(client, back, "back.txt")
        assert client.get(old_path, headers={"Accept": "text/turtle"}, follow_redirects=False).status_code == 200
        assert client.get(new_path, follow_redirects=False).headers["location"] == old_path
        assert _replaced(client) == [(new_iri, old_iri)]
    with server(tmp_path / "data") as client:  # and after a restart
        assert client.get(new_path, follow_redirects=False).status_code == 301
