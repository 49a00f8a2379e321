"""Namespaces and the IRIs spineKG uses, in one place, as plain strings.

The project namespace is closed: its terms are those the release defines (``spineKG.terms``, generated
by the build), so a misspelt ``SKG.Term`` fails where it is written instead of matching nothing.
(The build, which writes RDF with rdflib, wraps them in rdflib Namespaces; the query path never imports rdflib.)

>>> from spineKG.vocab import SKG
>>> SKG.Ependymoma
'https://w3id.org/spinekg/Ependymoma'
>>> SKG.Ependimoma
Traceback (most recent call last):
...
AttributeError: 'Ependimoma' is not a term of https://w3id.org/spinekg/
"""
from __future__ import annotations

from collections.abc import Collection

from .terms import TERMS


class Namespace(str):
    """An IRI prefix whose attributes and items are the IRIs under it, as plain strings; with ``terms``,
    only those (a closed namespace)."""

    _terms: Collection[str] | None

    def __new__(cls, iri: str, terms: Collection[str] | None = None) -> Namespace:
        ns = super().__new__(cls, iri)
        ns._terms = terms
        return ns

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.term(name)

    def term(self, name: str) -> str:
        """The IRI of a term under this namespace."""
        if self._terms is not None and name not in self._terms:
            raise AttributeError(f"{name!r} is not a term of {str(self)}")
        return str(self) + name

    __getitem__ = term  # type: ignore[assignment]


SKG = Namespace("https://w3id.org/spinekg/", TERMS)
AXIOM = Namespace("https://w3id.org/spinekg/axiom/")
SOURCE = Namespace("https://w3id.org/spinekg/source/")
OIO = Namespace("http://www.geneontology.org/formats/oboInOwl#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
DEFINITION = OBO.IAO_0000115
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
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

