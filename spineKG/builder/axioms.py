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
    """A blank node named by a hash of its parts, so the same content gives the same node in every build.

    >>> bnode("restriction", "Ependymoma", "locatedIn", "Intramedullary")
    rdflib.term.BNode('b101af3270ce113b8')
    >>> bnode("list", 0, "disjoint") == bnode("list", "0", "disjoint")   # parts are joined as text
    True
    """
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]
    return BNode(f"b{digest}")


def annotate(g: Graph, subject: URIRef | BNode, predicate: URIRef, target: Any, qualifiers: dict[URIRef, Any],
             key: tuple[Any, ...]) -> BNode:
    """Add an ``owl:Axiom`` annotating the triple (subject, predicate, target) with its qualifiers (None ones
    left out); the axiom node is named by ``key``, and returned.

    >>> from rdflib import Literal
    >>> from rdflib.namespace import DCTERMS, RDFS
    >>> from spineKG.builder.namespaces import SKG, SOURCE
    >>> g = Graph()
    >>> ax = annotate(g, SKG.Ependymoma, RDFS.subClassOf, SKG.IntramedullaryTumor,
    ...               {DCTERMS.source: SOURCE["art-intramedullary"], SKG.rank: Literal("most_common"), SKG.note: None},
    ...               ("sub", "Ependymoma", "IntramedullaryTumor"))
    >>> len(g), g.value(ax, OWL.annotatedTarget) == SKG.IntramedullaryTumor, str(g.value(ax, SKG.rank))
    (6, True, 'most_common')
    >>> ax == bnode("axiom", "sub", "Ependymoma", "IntramedullaryTumor")
    True
    """
    ax = bnode("axiom", *key)
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, subject))
    g.add((ax, OWL.annotatedProperty, predicate))
    g.add((ax, OWL.annotatedTarget, target))
    for p, v in qualifiers.items():
        if v is not None:
            g.add((ax, p, v))
    return ax
