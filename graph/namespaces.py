"""Namespaces of the graph model (docs/model.md) and the default base IRI of data IRIs."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
)


class CachedNamespace(Namespace):
    """A Namespace that makes each term once: `NS.term` is then a plain attribute read."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        if not name.startswith("_"):
            self.__dict__[name] = term
        return term


SG = CachedNamespace("https://servicegraph.example/ontology#")
CPSV = CachedNamespace("http://purl.org/vocab/cpsv#")
CV = CachedNamespace("http://data.europa.eu/m8g/")
ELI = CachedNamespace("http://data.europa.eu/eli/ontology#")
SD = CachedNamespace("http://www.w3.org/ns/sparql-service-description#")
SGS = CachedNamespace("https://servicegraph.example/shapes#")
"""The shapes' namespace, and of the annotations added to each validation result in Turtle
(sgs:itemNumber, sgs:line, and sgs:valueLine when the value is an item)."""

DEFAULT_BASE = "https://servicegraph.example/"
"""Base of data IRIs unless `--base` or SERVICEGRAPH_BASE says otherwise."""

PREFIXES: dict[str, Namespace] = {
    "sg": SG,
    "cpsv": CPSV,
    "cv": CV,
    "eli": ELI,
    "dct": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "org": Namespace(str(ORG)),
    "foaf": Namespace(str(FOAF)),
    "dcat": Namespace(str(DCAT)),
    "void": Namespace(str(VOID)),
    "prov": Namespace(str(PROV)),
    "sd": SD,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
}
"""Prefix → namespace, as bound in every serialisation and in the JSON-LD @context."""


def base_iri(explicit: str | None = None) -> str:
    """The base IRI to mint under: `explicit`, else DEFAULT_BASE ($SERVICEGRAPH_BASE is
    read once, by `servicegraph.api.settings.Settings.from_env`).

    A base must end with "/" or "#" so minted paths append cleanly.
    """
    base = explicit or DEFAULT_BASE
    if not base.endswith(("/", "#")):
        raise ValueError(f"base IRI must end with '/' or '#': {base!r}")
    return base


__all__ = [
    "CPSV",
    "CV",
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE",
    "ELI",
    "FOAF",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SD",
    "SG",
    "SGS",
    "SKOS",
    "VOID",
    "XSD",
    "CachedNamespace",
    "base_iri",
]
