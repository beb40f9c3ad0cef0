"""The store layer: answering queries over a snapshot, and keeping revisions.

`engine` (what a query asks and answers; the engine protocol), `errors`, `formats`
(media types and dump formats), `limits`, `oxigraph` (the embedded store), `snapshots`, `workers`
(the killable query worker pool), `cache` (results per generation), `revisions` (the
revision store of a data directory); beside `workers`, `remote` (a remote SPARQL engine)
with `graph_store` (loading it), `pointer` (its current dataset) and `sparql_text`
(query text, token by token).
"""
