"""Blank nodes named by their content, and OWL axiom annotations, for the graphs the build writes.

(Its own module, below :mod:`.owl` and :mod:`.lexicon`, which both annotate axioms: owl emits the lexicon.)
"""
from __future__ import annotations

import hashlib
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

__all__ = ["annotate", "bnode"]


def bnode(*parts: Any) -> BNode:
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]
    return BNode(f"b{digest}")


def annotate(g: Graph, subject: URIRef | BNode, predicate: URIRef, target: Any, qualifiers: dict[URIRef, Any],
             key: tuple[Any, ...]) -> BNode:
    ax = bnode("axiom", *key)
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, subject))
    g.add((ax, OWL.annotatedProperty, predicate))
    g.add((ax, OWL.annotatedTarget, target))
    for p, v in qualifiers.items():
        if v is not None:
            g.add((ax, p, v))
    return ax
