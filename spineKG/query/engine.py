"""Typed queries over the relation graph, run as SPARQL on any store.

A :class:`~spineKG.model.Query` names a head class (the kind of answer) and constraints; it becomes
one SPARQL SELECT whose rows are the candidate answers with the axiom nodes of the edges that satisfy
each constraint. Typicality, rank and region filters and the evidence trees are then read from the
axiom nodes.

>>> from spineKG import load
>>> kg = load()
>>> [r.label for r in kg.tumors(compartment="intramedullary", rank="most_common")]
['astrocytoma', 'ependymoma']
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from ..context import ContextReader
from ..index import Index
from ..linking import Linker
from ..model import TYPICALITY_RANK, Constraint, Entity, Evidence, Query, Result, Results
from ..store import Store
from ..vocab import RDFS_SUBCLASS
from .constraints import ConstraintBuilder

T = TypeVar("T")
MOST = ("most_common",)
QUERY_CACHE = 4096   # typed queries whose SPARQL and evidence rows an engine keeps (the oldest is dropped first)


def _iri(x: str) -> str:
    """An IRI in SPARQL syntax, checked and serialised by Oxigraph (never pasted text)."""
    from pyoxigraph import NamedNode

    try:
        return str(NamedNode(x))
    except ValueError:
        raise ValueError(f"not an IRI: {x!r}") from None


def to_sparql(q: Query, index: Index, candidates: Iterable[str] | None = None) -> str:
    """The SPARQL SELECT that finds the candidate answers of `q` and the edges meeting each constraint
    (among ``candidates`` when given: the members already known to meet them).

    Each row is one edge: ``?c`` says which positive constraint it meets (``"h"`` for the membership of the head
    class), ``?ax`` is its axiom (the caller keeps the named axioms: a blank node is no evidence; filtering them
    here trips Virtuoso's compiler inside a UNION). The rows of a member add up over its constraints rather than multiply, so the
    work grows linearly with the number of constraints; a member is an answer when every constraint has a row.

    >>> from spineKG import load
    >>> kg = load()
    >>> q = kg.engine.constraints.query("tumors", compartment="intramedullary")
    >>> text = to_sparql(q, kg.engine.index)
    >>> text.splitlines()[0]
    'SELECT DISTINCT ?x ?c ?ax WHERE {'
    >>> sorted({kg.engine.index.entities[x].label for x, c, ax in kg.store.select(text) if c == "0"})[:3]
    ['astrocytoma', 'ependymoma', 'hemangioblastoma']
    """
    rels = " ".join(_iri(r) for r in [*index.relations, RDFS_SUBCLASS])
    head = _iri(q.head)
    members = sorted(index.children(q.head) if q.direct else index.descendants(q.head))
    if candidates is not None:
        members = sorted(set(members) & set(candidates))
    # "imaging other than MRI": a negated is-a excludes the named classes themselves, not only their subclasses
    named = {t for c in q.constraints if c.negate and RDFS_SUBCLASS in c.relations for t in c.targets}
    members = [m for m in members if m not in named and m != q.head]
    lines = ["SELECT DISTINCT ?x ?c ?ax WHERE {"]
    # the candidates are known from the hierarchy: binding them first, in every block, lets the engine drive every
    # join from them (a binding outside a UNION is not pushed into it)
    values = f"VALUES ?x {{ {' '.join(_iri(m) for m in members)} }}"
    lines.append(f"  {values}")
    blocks = [f"    {{ {values} ?ax owl:annotatedSource ?x ; owl:annotatedProperty rdfs:subClassOf ; owl:annotatedTarget {head} . "
              f"BIND(\"h\" AS ?c) }}"]
    for n, c in enumerate(q.constraints):
        targets = " ".join(_iri(t) for t in c.targets)
        props = " ".join(_iri(r) for r in c.relations) if c.relations else rels
        edge = (f"{{ ?x ?p{n} ?t{n} . BIND(?x AS ?s{n}) BIND(?t{n} AS ?o{n}) }} UNION "
                f"{{ ?t{n} ?p{n} ?x . FILTER(?p{n} != rdfs:subClassOf) BIND(?t{n} AS ?s{n}) BIND(?x AS ?o{n}) }}")
        axiom = f"?ax owl:annotatedSource ?s{n} ; owl:annotatedProperty ?p{n} ; owl:annotatedTarget ?o{n} ."
        tag = f"BIND(\"{n}\" AS ?c)"
        if c.negate:
            lines.append(f"  FILTER NOT EXISTS {{ VALUES ?t{n} {{ {targets} }} VALUES ?p{n} {{ {props} }} {edge} }}")
            continue
        if c.context:   # a region: met by an edge to it, or by any edge of ?x qualified with it
            blocks.append(f"    {{ {values} VALUES ?t{n} {{ {targets} }} VALUES ?p{n} {{ {props} }} {edge}\n      {axiom} {tag} }}")
            blocks.append(f"    {{ {values} VALUES ?t{n} {{ {targets} }} ?ax skg:inRegion ?t{n} . "
                          f"{{ ?ax owl:annotatedSource ?x }} UNION {{ ?ax owl:annotatedTarget ?x }} {tag} }}")
        elif c.up:      # the edge may attach to the answer or to one of its superclasses
            blocks.append(f"    {{ {values} VALUES ?t{n} {{ {targets} }} VALUES ?p{n} {{ {props} }}\n"
                          f"      {{ ?x a owl:Class . BIND(?x AS ?a{n}) }} UNION {{ ?x rdfs:subClassOf ?a{n} . FILTER(isIRI(?a{n})) }}\n"
                          f"      {edge.replace('?x', f'?a{n}')}\n      {axiom} {tag} }}")
        else:
            blocks.append(f"    {{ {values} VALUES ?t{n} {{ {targets} }} VALUES ?p{n} {{ {props} }}\n      {edge}\n      {axiom} {tag} }}")
    lines.append("  {\n" + "\n    UNION\n".join(blocks) + "\n  }")
    lines.append("}")
    return "\n".join(lines)


class Engine:
    """Runs typed queries on a store, using the index for labels and evidence.

    >>> from spineKG import load
    >>> engine = load().engine
    >>> sorted(r.label for r in engine.find("tumors", causes="myelopathy", region="neck"))[:3]
    ['astrocytoma', 'ependymoma', 'hemangioblastoma']
    >>> engine.relation_label("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    'is a kind of'
    """

    def __init__(self, store: Store, index: Index) -> None:
        self.store, self.index = store, index
        self.linker = Linker(index)
        self.context = ContextReader(index, self.linker)
        self.constraints = ConstraintBuilder(self)
        # caches, all keyed by what the store holds; clear() empties them when data is added
        self._axioms: dict[str, dict[str, Any]] = {}     # axiom node -> its statement and qualifiers
        self._quals: dict[str, dict[str, Any]] = {}      # axiom node -> typicality, rank, region (cheap reads)
        # a query's SPARQL text and its evidence rows, for the last QUERY_CACHE queries run
        self._sparql: dict[Query, tuple[str, frozenset[tuple[str, str, str]]]] = {}
        self._evidence: dict[str, Evidence] = {}         # axiom node -> its Evidence tree
        self._edges: dict[bool, list[dict[str, str]]] = {}  # derived? -> every relation-graph edge between entities
        self._adjacency: dict[str, list[tuple[str, str, bool]]] = {}   # entity -> (property, other entity, outgoing?)
        self._memo: dict[str, Any] = {}   # what features read once from this store (triage rules, instruments)

    def clear(self) -> None:
        """Forget every cached read of the store (after data was added to it)."""
        for cache in (self._axioms, self._quals, self._sparql, self._evidence, self._edges, self._adjacency, self._memo):  # noqa: E501
            cache.clear()

    def memo(self, name: str, make: Callable[[Engine], T]) -> T:
        """What a feature reads once from this store (``make(engine)``), kept until :meth:`clear`."""
        if name not in self._memo:
            self._memo[name] = make(self)
        return self._memo[name]  # type: ignore[no-any-return]

    @property
    def adjacency_edges(self) -> dict[str, list[dict[str, str]]]:
        """Every entity's outgoing relation-graph edges, stated or derived, with their qualifiers."""
        return self.memo("outgoing edges", lambda e: _outgoing(e.edges(derived=True)))

    @property
    def adjacency(self) -> dict[str, list[tuple[str, str, bool]]]:
        """Every entity's relation-graph edges, stated or derived: (property, other entity, outgoing?)."""
        if not self._adjacency:
            for e in self.edges(derived=True):
                self._adjacency.setdefault(e["s"], []).append((e["p"], e["o"], True))
                self._adjacency.setdefault(e["o"], []).append((e["p"], e["s"], False))
        return self._adjacency

    def relations_between(self, head: str, c: Constraint, direct: bool = False) -> set[tuple[str, bool]]:
        """The relations by which some answer under ``head`` would meet a constraint (in memory, no query), each
        with its direction (True: the answer is the subject, "tumors *cause* myelopathy"): what a question may
        mean when it names the constraint's targets."""
        members = self.index.children(head) if direct else self.index.descendants(head)
        targets = set(c.targets)
        found: set[tuple[str, bool]] = set()
        adj = self.adjacency
        if c.context:   # a region is also met by an edge of the answer qualified with it
            for e in self.edges(derived=True):
                if e["region"] in targets and (e["s"] in members or e["o"] in members):
                    found.add((e["p"], e["s"] in members))
        for x in members:
            for node in (x, *self.index.ancestors.get(x, ())) if c.up else (x,):
                for p, other, outgoing in adj.get(node, ()):
                    if other in targets and (outgoing or p != RDFS_SUBCLASS) and (not c.relations or p in c.relations):
                        found.add((p, outgoing))
        return found

    def edges(self, derived: bool = False) -> list[dict[str, str]]:
        """Every edge of the relation graph between two entities: ``s``, ``p``, ``o``, ``typicality``,
        ``derivation``, ``source``; what is stated (asserted, by definition, by the reasoner), or with
        ``derived=True`` also what follows (inherited, chained, generalised)."""
        if derived not in self._edges:
            hows = "" if derived else 'FILTER(?how IN ("asserted", "definition", "reasoner"))'
            rows = self.store.select(f"""
                SELECT ?ax ?s ?p ?o ?typ ?how ?src ?rank ?share ?region WHERE {{
                  ?ax skg:derivation ?how ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                      skg:typicality ?typ . FILTER(isIRI(?ax)) {hows}
                  OPTIONAL {{ ?ax dcterms:source ?src }} OPTIONAL {{ ?ax skg:rank ?rank }}
                  OPTIONAL {{ ?ax skg:share ?share }} OPTIONAL {{ ?ax skg:inRegion ?region }} }}""")
            known = self.index.entities
            self._edges[derived] = [
                {"axiom": ax or "", "s": s, "p": p or "", "o": o, "typicality": typ or "", "derivation": how or "",
                 "source": src or "", "rank": rank or "", "share": share or "", "region": region or ""}
                for ax, s, p, o, typ, how, src, rank, share, region in rows if s in known and o in known]
        return self._edges[derived]

    def find(self, kind: str = "tumors", **options: Any) -> Results:
        """Entities of a kind that meet constraints; the keywords of :meth:`ConstraintBuilder.query`."""
        return self.run(self.constraints.query(kind, **options))

    # ------------------------------------------------------------------ evaluation
    def run(self, q: Query, evidence: bool = True) -> Results:
        """Evaluate a query; with ``evidence=False`` only the matching entities are returned (faster)."""
        cached = self._sparql.get(q)
        if cached is None:
            # the members meeting every constraint and the edges by which they do, found in memory from the relation
            # graph (work linear in the constraints); the SPARQL, which gives the same rows on the store, goes with
            # the results so that the query can be rerun or read anywhere
            meeting = self.evaluate(q) if q.constraints else None
            if len(self._sparql) >= QUERY_CACHE:
                del self._sparql[next(iter(self._sparql))]
            cached = self._sparql[q] = (to_sparql(q, self.index, meeting), frozenset(self.rows(q, meeting)))
        sparql, rows = cached
        positive = [c for c in q.constraints if not c.negate]
        edges: dict[str, dict[str, set[str]]] = {}   # member -> constraint tag ("h", "0", "1" ...) -> axioms
        for x, tag, ax in rows:
            edges.setdefault(x, {}).setdefault(tag, set()).add(ax)
        tags = ["h", *(str(n) for n, c in enumerate(q.constraints) if not c.negate)]
        edges = {x: e for x, e in edges.items() if all(t in e for t in tags)}
        if not evidence and not q.rank and not q.min_typicality:
            return Results(tuple(Result(self.index.entities[x]) for x in sorted(edges)), q, sparql)
        regions = {t for c in positive if c.context for t in c.targets}
        info_of = self._qualifiers({a for e in edges.values() for axes in e.values() for a in axes})
        best: dict[str, tuple[float, list[str]]] = {}
        for x, e in edges.items():
            # per constraint, the edges that meet it, strongest first (the same on every store, whatever the row order)
            met: list[list[tuple[float, str]]] = []
            for c, tag in zip(positive, tags[1:]):
                ok = [(TYPICALITY_RANK[info_of[a]["typicality"]] - 0.01 * info_of[a]["derived"], a)
                      for a in e[tag] if self._meets(c, q, info_of[a], regions)]
                if not ok:
                    break
                met.append(sorted(ok, reverse=True))
            else:
                axes = [m[0][1] for m in met]
                score = sum(m[0][0] for m in met)
                if q.rank:   # the rank may be carried by any matched edge, the head membership included
                    head_ranked = sorted(a for a in e["h"] if _rank_ok(q.rank, info_of[a]))
                    if not head_ranked and not any(_rank_ok(q.rank, info_of[a]) for a in axes):
                        # swap in the ranked edge that costs the least strength, if any constraint has one
                        swaps = [(m[0][0] - sc, n, a) for n, m in enumerate(met) for sc, a in m if _rank_ok(q.rank, info_of[a])]
                        if not swaps:
                            continue
                        cost, n, a = min(swaps, key=lambda t: (t[0], t[1], t[2]))
                        axes[n], score = a, score - cost
                    ranked = head_ranked + [a for a in axes if _rank_ok(q.rank, info_of[a])]
                    axes = axes + [a for a in ranked if a not in axes][:1]
                best[x] = (score, axes)
        self._load_axioms({a for _, axes in best.values() for a in axes})   # evidence trees of the answers only
        results = [Result(self.index.entities[x], tuple(self.evidence(a) for a in dict.fromkeys(axes)))
                   for x, (score, axes) in best.items()]
        results.sort(key=lambda r: (-_strength(r), not _ranked(r), r.entity.label.lower()))
        return Results(tuple(results), q, sparql)

    def rows(self, q: Query, meeting: list[str] | None = None) -> set[tuple[str, str, str]]:
        """The evidence rows of a typed query, read from the relation graph in memory: (member, tag, axiom) for each
        named axiom by which a candidate member meets the head class (tag ``"h"``) or a positive constraint (its
        position, ``"0"``, ``"1"`` ...). They are the rows that the query's SPARQL (:func:`to_sparql`) gives on the
        store; ``meeting`` is :meth:`evaluate`'s answer when already known.

        >>> from spineKG import load
        >>> kg = load()
        >>> q = kg.engine.constraints.query("tumors", compartment="intramedullary")
        >>> rows = kg.engine.rows(q)
        >>> sorted({kg.engine.index.entities[x].label for x, tag, ax in rows if tag == "0"})[:3]
        ['astrocytoma', 'ependymoma', 'hemangioblastoma']
        >>> sparql = to_sparql(q, kg.engine.index, kg.engine.evaluate(q))
        >>> rows == {tuple(r) for r in kg.store.select(sparql) if not str(r[2]).startswith("_:")}   # blank nodes: no evidence
        True
        """
        idx = self.index
        if meeting is None:
            meeting = self.evaluate(q) if q.constraints else sorted(idx.children(q.head) if q.direct else idx.descendants(q.head))
        # "imaging other than MRI": a negated is-a excludes the named classes themselves, not only their subclasses
        named = {t for c in q.constraints if c.negate and RDFS_SUBCLASS in c.relations for t in c.targets}
        adj, incoming = self.adjacency_edges, self._incoming
        out: set[tuple[str, str, str]] = set()
        for x in meeting:
            if x in named or x == q.head or x not in idx.entities:
                continue
            out.update((x, "h", e["axiom"]) for e in adj.get(x, ())
                       if e["p"] == RDFS_SUBCLASS and e["o"] == q.head and e["axiom"])
            for n, c in enumerate(q.constraints):
                if not c.negate:
                    out.update((x, str(n), e["axiom"]) for e in self._matching(x, c, adj, incoming, set()) if e["axiom"])
        return out

    def evaluate(self, q: Query) -> list[str]:
        """The answers of a typed query computed in memory from the relation graph (no query to the store):
        what :meth:`run` finds, without evidence; the interpreter uses it to weigh many readings quickly."""
        idx = self.index
        members = idx.children(q.head) if q.direct else idx.descendants(q.head)
        members.discard(q.head)
        adj = self.adjacency_edges
        incoming = self._incoming
        positive = [c for c in q.constraints if not c.negate]
        regions = {t for c in positive if c.context for t in c.targets}
        out = []
        for x in sorted(members):
            ok = True
            matched: list[dict[str, str]] = []
            for c in q.constraints:
                edges = self._matching(x, c, adj, incoming, regions)
                if c.negate:
                    if edges:
                        ok = False
                        break
                    continue
                if not edges:
                    ok = False
                    break
                matched.extend(edges)
            if ok and q.rank:
                head_edges = [e for e in adj.get(x, ()) if e["p"] == RDFS_SUBCLASS and e["o"] == q.head]
                ok = any(_rank_ok(q.rank, {"rank": e["rank"] or None, "typicality": e["typicality"]})
                         for e in [*head_edges, *matched])
            if ok:
                out.append(x)
        return out

    @property
    def _incoming(self) -> dict[str, list[dict[str, str]]]:
        def make(engine: Engine) -> dict[str, list[dict[str, str]]]:
            inc: dict[str, list[dict[str, str]]] = {}
            for e in engine.edges(derived=True):
                if e["p"] != RDFS_SUBCLASS:
                    inc.setdefault(e["o"], []).append(e)
            return inc
        return self.memo("incoming edges", make)

    def _matching(self, x: str, c: Constraint, adj: dict[str, list[dict[str, str]]],
                  incoming: dict[str, list[dict[str, str]]], regions: set[str]) -> list[dict[str, str]]:
        targets, rels = set(c.targets), set(c.relations) or None
        nodes = (x, *self.index.ancestors.get(x, ())) if c.up else (x,)
        found = []
        for node in nodes:
            for e in adj.get(node, ()):
                if e["o"] in targets and (rels is None or e["p"] in rels):
                    found.append(e)
            for e in incoming.get(node, ()):
                if e["s"] in targets and (rels is None or e["p"] in rels):
                    found.append(e)
            if c.context:
                found.extend(e for e in adj.get(node, ()) if e["region"] in targets)
                found.extend(e for e in incoming.get(node, ()) if e["region"] in targets)
        if regions and not c.context:   # an edge restricted to another region than the one asked does not count
            found = [e for e in found if not e["region"] or e["region"] in regions]
        return found

    def _meets(self, c: Constraint, q: Query, info: dict[str, Any], regions: set[str]) -> bool:
        if q.min_typicality and TYPICALITY_RANK[info["typicality"]] < TYPICALITY_RANK[q.min_typicality]:
            return False
        if info["region"] and regions and info["region"] not in regions and not c.context:
            return False
        return True

    # ------------------------------------------------------------------ evidence
    def _qualifiers(self, axioms: set[str]) -> dict[str, dict[str, Any]]:
        """Typicality, rank and region of axiom nodes (cheap: no evidence trees)."""
        cache = self._quals
        todo = [a for a in axioms if a not in cache]
        if todo:
            for n, typ, rank, region, how in self.store.select(f"""
                SELECT ?n ?typ ?rank ?region ?how WHERE {{ VALUES ?n {{ {' '.join(_iri(a) for a in todo)} }}
                  ?n skg:typicality ?typ ; skg:derivation ?how .
                  OPTIONAL {{ ?n skg:rank ?rank }} OPTIONAL {{ ?n skg:inRegion ?region }} }}"""):
                cache[str(n)] = {"typicality": str(typ), "rank": str(rank) if rank else None,
                                 "region": str(region) if region else None,
                                 "derived": 0 if str(how) in ("asserted", "definition") else 1}
        return {a: cache[a] for a in axioms}

    def _load_axioms(self, axioms: set[str]) -> None:
        """Read the axiom nodes (and, transitively, their premises) not yet cached."""
        todo = {a for a in axioms if a not in self._axioms}
        if todo:
            values = " ".join(_iri(a) for a in todo)
            rows = self.store.select(f"""
                SELECT ?n ?s ?p ?o ?typ ?how ?src ?rank ?share ?region ?note ?prem ?first ?kind ?from WHERE {{
                  VALUES ?root {{ {values} }}
                  ?root skg:derivedFrom* ?n .
                  ?n owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                     skg:typicality ?typ ; skg:derivation ?how .
                  OPTIONAL {{ ?n dcterms:source ?src }} OPTIONAL {{ ?n skg:rank ?rank }}
                  OPTIONAL {{ ?n skg:share ?share }} OPTIONAL {{ ?n skg:inRegion ?region }}
                  OPTIONAL {{ ?n skg:note ?note }} OPTIONAL {{ ?n skg:derivedFrom ?prem }}
                  OPTIONAL {{ ?n skg:firstPremise ?first }}
                  OPTIONAL {{ ?n skg:statementKind ?kind }} OPTIONAL {{ ?n skg:inheritedFrom ?from }}
                }}""")
            fresh: set[str] = set()
            for n, s, p, o, typ, how, src, rank, share, region, note, prem, first, kind, frm in rows:
                key = str(n)
                if key in self._axioms and key not in fresh:
                    continue
                fresh.add(key)
                d = self._axioms.setdefault(key, {
                    "s": str(s), "p": str(p), "o": str(o), "typicality": str(typ), "how": str(how),
                    "source": str(src) if src else None, "rank": str(rank) if rank else None,
                    "share": float(share) if share is not None else None, "region": str(region) if region else None,
                    "note": str(note) if note else None, "premises": [], "first": str(first) if first else None,
                    "kind": str(kind) if kind else ("strict" if str(typ) == "always" else "member"),
                    "from": str(frm) if frm else None})
                if prem is not None and str(prem) not in d["premises"]:
                    d["premises"].append(str(prem))
            for key in fresh:
                d = self._axioms[key]
                if d["first"] in d["premises"]:
                    d["premises"].remove(d["first"])
                    d["premises"].insert(0, d["first"])
        for a in axioms:
            self._depth(a)

    def _depth(self, a: str) -> int:
        d = self._axioms[a]
        if "depth" not in d:
            d["depth"] = 0
            d["depth"] = 1 + max((self._depth(p) for p in d["premises"] if p in self._axioms), default=0) if d["premises"] else 0
        return int(d["depth"])

    def evidence_of(self, axiom: str) -> Evidence:
        """The evidence tree of an axiom node of the relation graph (read from the store if not yet)."""
        self._load_axioms({axiom})
        return self.evidence(axiom)

    def evidence(self, a: str) -> Evidence:
        if a in self._evidence:
            return self._evidence[a]
        d = self._axioms[a]
        ent = self.entity
        self._evidence[a] = ev = Evidence(
            subject=ent(d["s"]), relation=self.relation_label(d["p"]), relation_iri=d["p"], object=ent(d["o"]),
            typicality=d["typicality"], derivation=d["how"],
            source=self.index.sources.get(d["source"]) if d["source"] else None,
            rank=d["rank"], share=d["share"], region=ent(d["region"]) if d["region"] else None, note=d["note"],
            premises=tuple(self.evidence(p) for p in d["premises"] if p in self._axioms),
            kind=d["kind"], inherited_from=ent(d["from"]) if d["from"] else None)
        return ev

    def relation_label(self, p: str) -> str:
        """A relation's label ('may: causes'); 'is a kind of' for the hierarchy."""
        if p == RDFS_SUBCLASS:
            return "is a kind of"
        return self.index.relations.get(p, p.rsplit("/", 1)[-1])

    def entity(self, iri: str) -> Entity:
        return self.index.entities.get(iri) or Entity(iri=iri, label=iri.rsplit("/", 1)[-1])

    # ------------------------------------------------------------------ edges between known entities
    def edges_between(self, subjects: Iterable[str], objects: Iterable[str], relations: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Axiom records of relation-graph edges from any of `subjects` to any of `objects`."""
        svals = " ".join(_iri(s) for s in subjects)
        ovals = " ".join(_iri(o) for o in objects)
        rels = list(relations) or list(self.index.relations)
        rows = self.store.select(f"""
            SELECT ?ax WHERE {{ VALUES ?s {{ {svals} }} VALUES ?o {{ {ovals} }} VALUES ?p {{ {' '.join(_iri(r) for r in rels)} }}
              ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o . FILTER(isIRI(?ax)) }}""")
        axes = {str(r[0]) for r in rows}
        self._load_axioms(axes)
        return [dict(self._axioms[a], axiom=a) for a in axes]


def _outgoing(edges: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for e in edges:
        out.setdefault(e["s"], []).append(e)
    return out


def _rank_ok(rank: str, info: dict[str, Any]) -> bool:
    if rank == "typical":
        return TYPICALITY_RANK[info["typicality"]] >= TYPICALITY_RANK["commonly"]
    if rank in MOST:
        return bool(info["rank"] == "most_common" or info["typicality"] == "most_often")
    if rank == "common":
        return bool(info["rank"] in ("most_common", "common", "main") or info["typicality"] in ("most_often", "commonly"))
    return bool(info["rank"] == rank)


def _strength(r: Result) -> float:
    return sum(TYPICALITY_RANK[e.typicality] for e in r.evidence) / max(1, len(r.evidence))


def _ranked(r: Result) -> bool:
    """Whether an answer's evidence ranks it first-line or the mainstay: it goes first among equally strong answers."""
    return any(e.rank in ("first_line", "main") for e in r.evidence)


class HasEngine(Protocol):
    """A KnowledgeGraph, or anything else that carries an engine (for type hints of features that take either).

    >>> from spineKG import load
    >>> def entity_count(kg: HasEngine) -> int:
    ...     return len(kg.engine.index.entities)
    >>> entity_count(load())
    317
    """

    @property
    def engine(self) -> Engine: ...


def engine_of(kg: Engine | HasEngine) -> Engine:
    """The engine of a KnowledgeGraph, or the engine itself: features (views, scores) take either.

    >>> from spineKG import load
    >>> kg = load()
    >>> engine_of(kg) is kg.engine is engine_of(kg.engine)
    True
    """
    engine = getattr(kg, "engine", kg)
    if not isinstance(engine, Engine):
        raise TypeError(f"expected a KnowledgeGraph or an Engine, not {type(kg).__name__}")
    return engine
