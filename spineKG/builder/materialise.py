"""Materialise the relation graph the library queries, in the spirit of Ubergraph's relation-graph.

From the reasoned class hierarchy and the class-level assertions it derives one direct triple per
relation that holds between two named classes:

* asserted:    ``C ⊑ ∃p.D`` in the source gives ``C p D``; a population statement (a share, a likelihood,
               "most" about the class as a population) gives ``C p D`` too, marked as such;
* inherited:   ``E ⊑ C`` and ``C p D`` give ``E p D`` when the statement is about every member (strict) or
               is a hedged member statement that no closer class contradicts: a closer assertion of the
               same relation and object (or, for single-valued properties such as behaviour, of the same
               relation) overrides it, so an osteosarcoma's own "malignant" is not diluted by "primary
               tumors are usually benign" and a hemangioma's "may cause back pain" is not raised to
               "usually". Population statements are never inherited. For relations that pass to the
               object's subclasses (what treats a tumor treats its kinds) ``T p C`` and ``E ⊑ C`` give
               ``T p E`` under the same rule;
* chained:     property chains and transitivity (tumor → spinal cord compression → myelopathy);
* generalised: ``C p D`` and ``D ⊑ D2`` give ``C p D2``.

Each triple uses the weak ("may") property, plus the strict one when it holds without a hedge, and is
annotated by an ``owl:Axiom`` node (an IRI under ``axiom/``) carrying typicality, rank, share, region,
source and ``skg:derivedFrom`` links to the premises, so the chain of evidence can be read with SPARQL.
"""
from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from .namespaces import AXIOM, PREFIXES, SKG, SOURCE
from .reason import Classification
from .source import OntologySource

SUB = "subClassOf"
GENERALISE = {"locatedIn", "causes", "spreadsFrom", "arisesFrom", "hasSign", "radiatesTo", "moreCommonIn",
              "hasRiskFactor", "hasGoal", "indicatedFor", "hasPurpose", "usesAgent"}


@dataclass(frozen=True)
class Edge:
    s: str
    p: str            # base property id, or "subClassOf"
    o: str
    typicality: str = "always"
    region: str | None = None
    rank: str | None = None
    share: float | None = None
    source: str | None = None
    note: str | None = None
    population: bool = False
    how: str = "asserted"   # asserted | definition | reasoner | inherited | chain | generalised | transitive
    premises: tuple[tuple[Any, ...], ...] = field(default=(), compare=False)
    inherited_from: str | None = None

    @property
    def kind(self) -> str:
        """strict (every member), member (hedged, about members) or population."""
        return "population" if self.population else "strict" if self.typicality == "always" else "member"

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.s, self.p, self.o, self.region)


def axiom_iri(key: tuple[Any, ...]) -> URIRef:
    return AXIOM[hashlib.sha1("|".join(str(k) for k in key).encode()).hexdigest()[:12]]


class Materialiser:
    def __init__(self, src: OntologySource, cls: Classification) -> None:
        self.src = src
        self.trank = {t: spec["rank"] for t, spec in src.typicality.items()}
        asserted = {e.id: {p.id: p for p in e.parents} for e in src.entities.values()}
        self.asserted_parents = asserted
        # direct parents = transitive reduction of asserted ∪ inferred named superclasses
        supers = {e: set(cls.parents.get(e, ())) | set(asserted[e]) for e in src.entities}
        for e, eqs in cls.equivalents.items():
            supers.setdefault(e, set()).update(x for x in eqs if x != e)
        closure = {e: self._closure(e, supers) for e in supers}
        self.parents = {e: {p for p in ps if p != e and not any(p in closure[q] for q in ps
                                                                 if q != p and q != e and e not in closure.get(q, ()))}
                        for e, ps in supers.items()}
        self.ancestors = {e: self._bfs(e) for e in self.parents}     # e -> {ancestor: distance}
        self.edges: dict[tuple[Any, ...], Edge] = {}

    @staticmethod
    def _closure(e: str, supers: dict[str, set[str]]) -> set[str]:
        seen: set[str] = set()
        todo = list(supers.get(e, ()))
        while todo:
            x = todo.pop()
            if x not in seen and x != e:
                seen.add(x)
                todo.extend(supers.get(x, ()))
        return seen

    def _bfs(self, e: str) -> dict[str, int]:
        dist = {e: 0}
        q = deque([e])
        while q:
            x = q.popleft()
            for p in sorted(self.parents.get(x, ())):
                if p not in dist:
                    dist[p] = dist[x] + 1
                    q.append(p)
        return dist

    # ------------------------------------------------------------------ helpers
    def weakest(self, *typs: str) -> str:
        """The weakest typicality of a chain of premises (ties go to the later, more specific one)."""
        return min(reversed(typs), key=lambda t: self.trank[t])

    def better(self, new: Edge, old: Edge | None) -> bool:
        if old is None:
            return True
        if self.trank[new.typicality] != self.trank[old.typicality]:
            return bool(self.trank[new.typicality] > self.trank[old.typicality])
        return len(new.premises) < len(old.premises) and old.how not in ("asserted", "definition")

    def add(self, edge: Edge) -> bool:
        if edge.s == edge.o and edge.p != SUB:
            return False
        old = self.edges.get(edge.key)
        if old is not None and old.how in ("asserted", "definition"):
            return False
        if self.better(edge, old):
            self.edges[edge.key] = edge
            return True
        return False

    def sub_key(self, e: str, a: str) -> tuple[Any, ...]:
        return (e, SUB, a, None)

    # ------------------------------------------------------------------ steps
    def subclass_edges(self) -> None:
        # the more general classes first, so that a premise (via ⊑ a) exists before it is used
        for e, anc in sorted(self.ancestors.items(), key=lambda item: (len(item[1]), item[0])):
            for a, d in sorted(anc.items(), key=lambda x: x[1]):
                if d == 0:
                    continue
                if d == 1:
                    spec = self.asserted_parents.get(e, {}).get(a)
                    if spec is not None:
                        ent = self.src.entities[e]
                        self.edges[self.sub_key(e, a)] = Edge(e, SUB, a, rank=spec.rank,
                                                              source=spec.source or ent.source, how="asserted")
                    else:
                        self.edges[self.sub_key(e, a)] = Edge(e, SUB, a, how="reasoner")
                else:
                    via = min((p for p in self.parents[e] if a in self.ancestors[p]), key=lambda p: (self.ancestors[p][a], p))
                    t = self.weakest(self.edges[self.sub_key(e, via)].typicality, self.edges[self.sub_key(via, a)].typicality)
                    self.edges[self.sub_key(e, a)] = Edge(e, SUB, a, t, how="inherited",
                                                          premises=(self.sub_key(e, via), self.sub_key(via, a)))
        # asserted parent links dropped by the transitive reduction still keep their annotations (rank)
        for e, specs in self.asserted_parents.items():
            for a, spec in specs.items():
                old = self.edges.get(self.sub_key(e, a))
                if old is not None and old.how != "asserted":
                    self.edges[self.sub_key(e, a)] = Edge(e, SUB, a, rank=spec.rank,
                                                          source=spec.source or self.src.entities[e].source, how="asserted")

    def asserted_edges(self) -> None:
        for a in self.src.assertions:
            self.add(Edge(a.s, a.p, a.o, a.typicality, a.region, a.rank, a.share, a.source, a.note, a.population, "asserted"))
        for e in self.src.entities.values():
            d = e.defined_as
            if isinstance(d, dict) and "and" in d:
                for part in d["and"]:
                    if isinstance(part, dict) and "some" in part and isinstance(part["some"][1], str):
                        prop, filler = part["some"]
                        self.add(Edge(e.id, prop, filler, source=e.source, how="definition"))

    def inherit(self) -> None:
        """Subject side: a subclass of the subject inherits its strict and uncontradicted hedged statements."""
        base = [x for x in self.edges.values() if x.p != SUB and not x.population and self.src.properties[x.p].subject_inherits]
        by_subject: dict[str, list[Edge]] = {}
        for x in base:
            by_subject.setdefault(x.s, []).append(x)
        single = {p for p, spec in self.src.properties.items() if spec.single_valued}
        for e, anc in self.ancestors.items():
            nearest: dict[tuple[Any, ...], int] = {}   # the closest class stating a relation (single-valued) or a relation and object
            for a, d in anc.items():
                for x in by_subject.get(a, ()):
                    k = (x.p,) if x.p in single else (x.p, x.o, x.region)
                    nearest[k] = min(nearest.get(k, d), d)
            for a, d in anc.items():
                if d == 0:
                    continue
                sub = self.edges[self.sub_key(e, a)]
                for x in by_subject.get(a, ()):
                    k = (x.p,) if x.p in single else (x.p, x.o, x.region)
                    if d > nearest[k] and (x.p in single or x.typicality != "always"):
                        continue   # a closer class says otherwise
                    self.add(replace(x, s=e, typicality=self.weakest(sub.typicality, x.typicality), rank=None,
                                     source=None, note=None, how="inherited", premises=(sub.key, x.key), inherited_from=a))

    def inherit_objects(self) -> None:
        """Object side, for relations that pass to the object's subclasses (treats): ``T p C``, ``E ⊑ C`` give
        ``T p E`` unless a class between E and C (or E itself) has its own statement ``T p ·``. E is a named
        type, not a defined category (a category is met through its members)."""
        props = {p for p, spec in self.src.properties.items() if spec.object_inherits}
        base = [x for x in self.edges.values() if x.p in props and not x.population]
        stated = {(x.s, x.p, x.o) for x in base if x.how == "asserted"}
        # tumor types, not categories
        named = [e for e in self.ancestors if e in self.src.entities and self.src.entities[e].defined_as is None]
        for x in base:
            for e in named:
                anc = self.ancestors[e]
                d = anc.get(x.o)
                if not d:
                    continue
                if any((x.s, x.p, b) in stated for b, db in anc.items() if db < d and x.o in self.ancestors.get(b, {})):
                    continue   # a closer class of tumor states its own relation to this treatment
                sub = self.edges[self.sub_key(e, x.o)]
                self.add(replace(x, o=e, typicality=self.weakest(sub.typicality, x.typicality), rank=None, source=None,
                                 note=None, how="inherited", premises=(x.key, sub.key), inherited_from=x.o))

    def chains(self) -> None:
        rules: list[tuple[str, str, str]] = []
        for p, spec in self.src.properties.items():
            if spec.transitive:
                rules.append((p, p, p))
            rules.extend((c[0], c[1], p) for c in spec.chains)
        changed = True
        while changed:
            changed = False
            index: dict[tuple[str, str], list[Edge]] = {}
            for x in list(self.edges.values()):
                index.setdefault((x.s, x.p), []).append(x)
            for first, second, result in rules:
                for x in [x for x in self.edges.values() if x.p == first]:
                    for y in index.get((x.o, second), ()):
                        if x.region and y.region and x.region != y.region:
                            continue
                        edge = Edge(x.s, result, y.o, self.weakest(x.typicality, y.typicality), x.region or y.region,
                                    population=x.population or y.population, how="chain", premises=(x.key, y.key))
                        changed |= self.add(edge)

    def generalise(self) -> None:
        for x in [x for x in self.edges.values() if x.p in GENERALISE]:
            for a, d in self.ancestors.get(x.o, {}).items():
                if d == 0:
                    continue
                self.add(Edge(x.s, x.p, a, x.typicality, x.region, population=x.population, how="generalised",
                              premises=(x.key, self.sub_key(x.o, a))))

    def run(self) -> dict[tuple[Any, ...], Edge]:
        self.subclass_edges()
        self.asserted_edges()
        self.inherit()
        self.inherit_objects()
        self.chains()
        self.generalise()
        return self.edges

    # ------------------------------------------------------------------ output
    def kinds(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e, anc in self.ancestors.items():
            out[e] = sorted({self.src.kinds[a] for a in anc if a in self.src.kinds})
        return out

    def to_graph(self) -> Graph:
        g = Graph()
        for p, iri in PREFIXES.items():
            g.bind(p, iri)
        for e, kinds in self.kinds().items():
            for k in kinds:
                g.add((SKG[e], SKG.kind, Literal(k)))
        for e, ps in self.parents.items():
            for p in ps:
                g.add((SKG[e], SKG.directParent, SKG[p]))
        for x in self.edges.values():
            s, o = SKG[x.s], SKG[x.o]
            if x.p == SUB:
                pred = RDFS.subClassOf
            else:
                pred = SKG[self.src.weak(x.p)]
                if x.typicality == "always":
                    g.add((s, SKG[x.p], o))
            g.add((s, pred, o))
            ax = axiom_iri(x.key)
            g.add((ax, RDF.type, OWL.Axiom))
            g.add((ax, OWL.annotatedSource, s))
            g.add((ax, OWL.annotatedProperty, pred))
            g.add((ax, OWL.annotatedTarget, o))
            g.add((ax, SKG.typicality, Literal(x.typicality)))
            g.add((ax, SKG.derivation, Literal(x.how)))
            if x.region:
                g.add((ax, SKG.inRegion, SKG[x.region]))
            if x.rank:
                g.add((ax, SKG.rank, Literal(x.rank)))
            if x.share is not None:
                g.add((ax, SKG.share, Literal(x.share, datatype=XSD.decimal)))
            if x.source:
                g.add((ax, DCTERMS.source, SOURCE[x.source]))
            if x.note:
                g.add((ax, SKG.note, Literal(x.note)))
            g.add((ax, SKG.statementKind, Literal(x.kind)))
            if x.inherited_from:
                g.add((ax, SKG.inheritedFrom, SKG[x.inherited_from]))
            if x.how == "reasoner":
                g.add((ax, SKG.inferredBy, Literal("HermiT")))
            for n, prem in enumerate(x.premises):
                g.add((ax, SKG.derivedFrom, axiom_iri(prem)))
                if n == 0:
                    g.add((ax, SKG.firstPremise, axiom_iri(prem)))
        return g


def materialise(src: OntologySource, cls: Classification) -> Graph:
    m = Materialiser(src, cls)
    m.run()
    return m.to_graph()
