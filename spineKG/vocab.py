"""Namespaces and the IRIs of the annotation properties spineKG uses, in one place.

>>> from spineKG.vocab import SKG
>>> str(SKG.Ependymoma)
'https://w3id.org/spinekg/Ependymoma'
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

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
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "oio": str(OIO),
    "obo": str(OBO),
}


def sparql_prefixes() -> str:
    """The PREFIX lines bound for every query spineKG runs."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
