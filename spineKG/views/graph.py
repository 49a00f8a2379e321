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

from collections.abc import Iterable
from typing import Any

import networkx as nx

from ..model import Evidence, Result
from ..query import Engine, HasEngine, engine_of
from ..vocab import RDFS_SUBCLASS, SKG

__all__ = ["evidence_graph", "explain_path", "sharing", "to_networkx"]



def _relation_iri(engine: Engine, name: str) -> str:
    if name in ("subClassOf", "is a kind of"):
        return RDFS_SUBCLASS
    iri = str(SKG[name])
    return engine.index.strict_to_weak.get(iri, iri)


def _add_node(engine: Engine, g: nx.MultiDiGraph[str], iri: str) -> None:
    if iri in g:
        return
    e = engine.index.entities.get(iri)
    if e is None:
        g.add_node(iri, label=iri.rsplit("/", 1)[-1], kind="", definition="", curie=iri, source="")
        return
    src = engine.index.sources.get(e.source)
    g.add_node(iri, label=e.label, kind=e.kind, definition=e.definition, curie=e.curie,
               source=src.title if src else "", synonyms=", ".join(e.synonyms))


def _add_edge(engine: Engine, g: nx.MultiDiGraph[str], d: dict[str, Any], **extra: Any) -> None:
    _add_node(engine, g, d["s"])
    _add_node(engine, g, d["o"])
    src = engine.index.sources.get(d.get("source") or "")
    relation = engine.relation_label(d["p"]).removeprefix("may: ")
    key = d["p"] + (f"|{d['region']}" if d.get("region") else "")   # a string: GraphML and GEXF take no tuples
    if g.has_edge(d["s"], d["o"], key):
        g.edges[d["s"], d["o"], key].update(extra)
        return
    g.add_edge(d["s"], d["o"], key=key, relation=relation, property=d["p"], typicality=d.get("typicality", ""),
               derivation=d.get("derivation", ""), source=src.title if src else "", **extra)


def to_networkx(kg: Engine | HasEngine, *, entity: Any = None, depth: int = 1, kind: str | None = None,
                answer: Any = None, derived: bool = False, relations: Iterable[str] | None = None) -> nx.MultiDiGraph[str]:
    """The whole graph, an entity's neighbourhood (``entity``, ``depth``), the entities of one ``kind``
    with the edges among them, or an answer's evidence (``answer``: a Results, an Answer, or results).

    Example:

    >>> from spineKG import load
    >>> kg = load()
    >>> g = to_networkx(kg, entity="ependymoma", relations=["is a kind of"])
    >>> sorted(d["label"] for _, d in g.nodes(data=True))
    ['ependymoma', 'intramedullary tumor', 'primary spinal tumor', 'spinal ependymal tumor']
    >>> to_networkx(kg, kind="tumor").number_of_nodes()
    37
    >>> to_networkx(kg).number_of_edges() < to_networkx(kg, derived=True).number_of_edges()
    True
    """
    engine = engine_of(kg)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(kinds=",".join(engine.index.kind_order))
    if answer is not None:
        return evidence_graph(engine, answer)
    edges = engine.edges(derived)
    if relations is not None:
        wanted = {_relation_iri(engine, r) for r in relations}
        edges = [e for e in edges if e["p"] in wanted]
    if entity is not None:
        start = engine.index.lookup(entity).iri
        adj: dict[str, list[dict[str, Any]]] = {}
        for e in edges:
            adj.setdefault(e["s"], []).append(e)
            adj.setdefault(e["o"], []).append(e)
        frontier, seen = {start}, {start}
        _add_node(engine, g, start)
        for _ in range(depth):
            nxt: set[str] = set()
            for n in frontier:
                for e in adj.get(n, ()):
                    _add_edge(engine, g, e)
                    nxt |= {e["s"], e["o"]} - seen
            seen |= nxt
            frontier = nxt
        return g
    for e in edges:
        if kind is None or (kind in engine.index.entities[e["s"]].kinds and kind in engine.index.entities[e["o"]].kinds):
            _add_edge(engine, g, e)
    if kind is not None:
        for iri, ent in engine.index.entities.items():
            if kind in ent.kinds:
                _add_node(engine, g, iri)
    return g


def evidence_graph(kg: Engine | HasEngine, answer: Any) -> nx.MultiDiGraph[str]:
    """The answers and every asserted step of their evidence chains; the steps are marked ``evidence=True``.

    Example:

    >>> from spineKG import load
    >>> kg = load()
    >>> g = evidence_graph(kg, kg.find("tumors", causes="myelopathy", region="neck"))
    >>> sorted(d["label"] for _, d in g.nodes(data=True) if d.get("answer"))
    ['astrocytoma', 'ependymoma', 'hemangioblastoma', 'intramedullary spinal cord metastasis', 'intramedullary tumor']
    >>> sorted({d["relation"] for *_, d in g.edges(data=True)}), all(d["evidence"] for *_, d in g.edges(data=True))
    (['causes', 'is a kind of', 'located in'], True)
    """
    engine = engine_of(kg)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(kinds=",".join(engine.index.kind_order))
    results = getattr(answer, "results", None) or getattr(answer, "items", None) or answer
    for r in results:
        assert isinstance(r, Result)
        _add_node(engine, g, r.entity.iri)
        g.nodes[r.entity.iri]["answer"] = True
        for ev in r.evidence:
            for step in ev.chain():
                _add_step(engine, g, step)
    return g


def _add_step(engine: Engine, g: nx.MultiDiGraph[str], step: Evidence) -> None:
    d = {"s": step.subject.iri, "p": step.relation_iri, "o": step.object.iri, "typicality": step.typicality,
         "derivation": step.derivation, "source": step.source.iri if step.source else "",
         "region": step.region.iri if step.region else None}
    _add_edge(engine, g, d, evidence=True)


def explain_path(kg: Engine | HasEngine, source: Any, target: Any) -> list[tuple[str, str, str]]:
    """The shortest chain of stated relations leading from one entity to another, as
    (subject label, relation, object label) steps; e.g. ependymoma → ... → myelopathy.

    Example:

    >>> from spineKG import load
    >>> for step in explain_path(load(), "ependymoma", "myelopathy"):
    ...     print(*step, sep=" | ")
    ependymoma | is a kind of | spinal ependymal tumor
    spinal ependymal tumor | is a kind of | spinal tumor
    spinal tumor | causes | spinal cord compression
    spinal cord compression | causes | myelopathy
    """
    engine = engine_of(kg)
    g = to_networkx(engine)
    a, b = engine.index.lookup(source).iri, engine.index.lookup(target).iri
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


def sharing(kg: Engine | HasEngine, findings: Iterable[Any], kind: str = "tumor") -> list[str]:
    """Entities of a kind (tumor types by default) that may cause every one of the findings.

    Example:

    >>> from spineKG import load
    >>> sharing(load(), ["painful scoliosis", "night pain"])
    ['osteoid osteoma']
    """
    engine = engine_of(kg)
    g = to_networkx(engine, derived=True)
    wanted = [engine.index.lookup(f).iri for f in findings]
    out = []
    for n, data in g.nodes(data=True):
        if data.get("kind") != kind:
            continue
        causes = {v for _, v, d in g.out_edges(n, data=True) if d["relation"] in ("causes", "has sign")}
        if all(w in causes for w in wanted):
            out.append(data["label"])
    return sorted(out)
