"""The vocabulary of :mod:`spineKG.vocab` as rdflib terms, for writing RDF."""
from __future__ import annotations

from rdflib import Namespace

from .. import vocab
from ..vocab import ONTOLOGY_IRI, PREFIXES

SKG, AXIOM, SOURCE, OIO, OBO = (Namespace(str(ns)) for ns in (vocab.SKG, vocab.AXIOM, vocab.SOURCE, vocab.OIO, vocab.OBO))
SKOS = Namespace(vocab.PREFIXES["skos"])
DEFINITION = OBO.IAO_0000115

__all__ = ["AXIOM", "DEFINITION", "OBO", "OIO", "ONTOLOGY_IRI", "PREFIXES", "SKG", "SKOS", "SOURCE"]
