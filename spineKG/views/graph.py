"""The knowledge graph, or part of it, as a ``networkx.MultiDiGraph``.

Nodes are entity IRIs with ``label``, ``kind``, ``definition`` and ``curie``; edges carry ``relation``
(label), ``property`` (IRI), ``typicality``, ``derivation`` and ``source``. By default the graph holds
what is stated (asserted assertions, definitions and the reasoner's direct subclass links); with
``derived=True`` it also holds what follows from them (inherited, chained, generalised edges).

>>> from spineKG import load
>>> g = load().to_networkx(entity="ependymoma", depth=1)
>>> g.nodes["https://w3id.org/spinekg/Ependymoma"]["kind"]
'tumor'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import networkx as nx

from ..model import Evidence, Result

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

STATED = ("asserted", "definition", "reasoner")


def _edges(kg: "KnowledgeGraph", derived: bool) -> list[dict[str, Any]]:
    cache: dict[bool, list[dict[str, Any]]] = kg.__dict__.setdefault("_nx_edges", {})
    if derived not in cache:
        hows = "" if derived else 'FILTER(?how IN ("asserted", "definition", "reasoner"))'
        rows = kg.store.select(f"""
            SELECT ?s ?p ?o ?typ ?how ?src WHERE {{
              ?ax skg:derivation ?how ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                  skg:typicality ?typ . FILTER(isIRI(?ax)) {hows}
              OPTIONAL {{ ?ax dcterms:source ?src }} }}""")
        out = []
        for s, p, o, typ, how, src in rows:
            if str(s) in kg.index.entities and str(o) in kg.index.entities:
                out.append({"s": str(s), "p": str(p), "o": str(o), "typicality": str(typ), "derivation": str(how),
                            "source": str(src) if src else ""})
        cache[derived] = out
    return cache[derived]


def _relation_iri(kg: "KnowledgeGraph", name: str) -> str:
    from ..vocab import SKG

    if name in ("subClassOf", "is a kind of"):
        return "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    iri = str(SKG[name])
    return kg.index.strict_to_weak.get(iri, iri)


def _add_node(kg: "KnowledgeGraph", g: nx.MultiDiGraph, iri: str) -> None:
    if iri in g:
        return
    e = kg.index.entities.get(iri)
    if e is None:
        g.add_node(iri, label=iri.rsplit("/", 1)[-1], kind="", definition="", curie=iri, source="")
        return
    src = kg.index.sources.get(e.source)
    g.add_node(iri, label=e.label, kind=e.kind, definition=e.definition, curie=e.curie,
               source=src.title if src else "", synonyms=", ".join(e.synonyms))


def _add_edge(kg: "KnowledgeGraph", g: nx.MultiDiGraph, d: dict[str, Any], **extra: Any) -> None:
    _add_node(kg, g, d["s"])
    _add_node(kg, g, d["o"])
    src = kg.index.sources.get(d.get("source") or "")
    relation = kg.engine._relation_label(d["p"]).removeprefix("may: ")
    key = (d["p"], d.get("region"))
    if g.has_edge(d["s"], d["o"], key):
        g.edges[d["s"], d["o"], key].update(extra)
        return
    g.add_edge(d["s"], d["o"], key=key, relation=relation, property=d["p"], typicality=d.get("typicality", ""),
               derivation=d.get("derivation", ""), source=src.title if src else "", **extra)


def to_networkx(kg: "KnowledgeGraph", *, entity: Any = None, depth: int = 1, kind: str | None = None,
                answer: Any = None, derived: bool = False, relations: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The whole graph, an entity's neighbourhood (``entity``, ``depth``), the entities of one ``kind``
    with the edges among them, or an answer's evidence (``answer``: a Results, an Answer, or results)."""
    g = nx.MultiDiGraph()
    if answer is not None:
        return evidence_graph(kg, answer)
    edges = _edges(kg, derived)
    if relations is not None:
        wanted = {_relation_iri(kg, r) for r in relations}
        edges = [e for e in edges if e["p"] in wanted]
    if entity is not None:
        start = kg.lookup(entity).iri
        adj: dict[str, list[dict[str, Any]]] = {}
        for e in edges:
            adj.setdefault(e["s"], []).append(e)
            adj.setdefault(e["o"], []).append(e)
        frontier, seen = {start}, {start}
        _add_node(kg, g, start)
        for _ in range(depth):
            nxt: set[str] = set()
            for n in frontier:
                for e in adj.get(n, ()):
                    _add_edge(kg, g, e)
                    nxt |= {e["s"], e["o"]} - seen
            seen |= nxt
            frontier = nxt
        return g
    for e in edges:
        if kind is None or (kind in kg.index.entities[e["s"]].kinds and kind in kg.index.entities[e["o"]].kinds):
            _add_edge(kg, g, e)
    if kind is not None:
        for iri, ent in kg.index.entities.items():
            if kind in ent.kinds:
                _add_node(kg, g, iri)
    return g


def evidence_graph(kg: "KnowledgeGraph", answer: Any) -> nx.MultiDiGraph:
    """The answers and every asserted step of their evidence chains; the steps are marked ``evidence=True``."""
    g = nx.MultiDiGraph()
    results = getattr(answer, "results", None) or getattr(answer, "items", None) or answer
    for r in results:
        assert isinstance(r, Result)
        _add_node(kg, g, r.entity.iri)
        g.nodes[r.entity.iri]["answer"] = True
        for ev in r.evidence:
            for step in ev.chain():
                _add_step(kg, g, step)
    return g


def _add_step(kg: "KnowledgeGraph", g: nx.MultiDiGraph, step: Evidence) -> None:
    d = {"s": step.subject.iri, "p": step.relation_iri, "o": step.object.iri, "typicality": step.typicality,
         "derivation": step.derivation, "source": step.source.iri if step.source else "",
         "region": step.region.iri if step.region else None}
    _add_edge(kg, g, d, evidence=True)


def explain_path(kg: "KnowledgeGraph", source: Any, target: Any) -> list[tuple[str, str, str]]:
    """The shortest chain of stated relations leading from one entity to another, as
    (subject label, relation, object label) steps; e.g. ependymoma → ... → myelopathy."""
    g = to_networkx(kg)
    a, b = kg.lookup(source).iri, kg.lookup(target).iri
    try:
        path = nx.shortest_path(g, a, b)
    except nx.NetworkXNoPath:
        path = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    steps = []
    for u, v in zip(path, path[1:]):
        data = g.get_edge_data(u, v) or g.get_edge_data(v, u)
        d = next(iter(data.values()))
        s, o = (u, v) if g.has_edge(u, v) else (v, u)
        steps.append((g.nodes[s]["label"], d["relation"], g.nodes[o]["label"]))
    return steps


def sharing(kg: "KnowledgeGraph", findings: Iterable[Any], kind: str = "tumor") -> list[str]:
    """Entities of a kind (tumor types by default) that may cause every one of the findings."""
    g = to_networkx(kg, derived=True)
    wanted = [kg.lookup(f).iri for f in findings]
    out = []
    for n, data in g.nodes(data=True):
        if data.get("kind") != kind:
            continue
        causes = {v for _, v, d in g.out_edges(n, data=True) if d["relation"] in ("causes", "has sign")}
        if all(w in causes for w in wanted):
            out.append(data["label"])
    return sorted(out)
