"""Classify the ontology with HermiT (through owlready2) and report problems.

The only module that runs a reasoner. It returns, for every named class, its direct named
superclasses in the inferred hierarchy.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ..errors import ReasonerError
from .namespaces import PREFIXES, SKG
from .rdfxml import write_rdfxml


@dataclass(frozen=True)
class Classification:
    parents: dict[str, frozenset[str]]   # class id -> direct named superclasses after reasoning
    equivalents: dict[str, frozenset[str]]
    unsatisfiable: tuple[str, ...]


def classify(owl: Graph) -> Classification:
    import owlready2

    ns = str(SKG)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spinekg.owl"
        write_rdfxml(owl, PREFIXES, path)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise ReasonerError(f"HermiT found the ontology inconsistent: {exc}") from None
        unsat = tuple(sorted(c.name for c in world.inconsistent_classes() if c.iri.startswith(ns)))
        parents: dict[str, frozenset[str]] = {}
        equivalents: dict[str, frozenset[str]] = {}
        for cls in onto.classes():
            if not cls.iri.startswith(ns):
                continue
            parents[cls.name] = frozenset(
                p.name for p in cls.is_a if isinstance(p, owlready2.ThingClass) and p.iri.startswith(ns))
            equivalents[cls.name] = frozenset(
                e.name for e in cls.equivalent_to if isinstance(e, owlready2.ThingClass) and e.iri.startswith(ns))
    return Classification(parents=parents, equivalents=equivalents, unsatisfiable=unsat)
