"""Namespaces and the IRIs of the annotation properties spineKG uses, in one place, as plain strings.

(The build, which writes RDF with rdflib, wraps them in rdflib Namespaces; the query path never imports rdflib.)

>>> from spineKG.vocab import SKG
>>> SKG.Ependymoma
'https://w3id.org/spinekg/Ependymoma'
"""
from __future__ import annotations


class Namespace(str):
    """An IRI prefix whose attributes and items are the IRIs under it, as plain strings."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return str(self) + name

    def term(self, name: str) -> str:
        return str(self) + name

    __getitem__ = term  # type: ignore[assignment]


SKG = Namespace("https://w3id.org/spinekg/")
AXIOM = Namespace("https://w3id.org/spinekg/axiom/")
SOURCE = Namespace("https://w3id.org/spinekg/source/")
OIO = Namespace("http://www.geneontology.org/formats/oboInOwl#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
DEFINITION = OBO.IAO_0000115
ONTOLOGY_IRI = "https://w3id.org/spinekg/spinekg.owl"

PREFIXES: dict[str, str] = {
    "skg": str(SKG),
    "ax": str(AXIOM),
    "src": str(SOURCE),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "oio": str(OIO),
    "obo": str(OBO),
}

