"""The KnowledgeGraph: the typed query API over one store.

>>> import spineKG
>>> kg = spineKG.load()
>>> [t.label for t in kg.tumors(causes="myelopathy", region="cervical")][:3]
['astrocytoma', 'ependymoma', 'intramedullary tumor']
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .index import Index, UnknownTermError
from .linking import Mention, link, tokenize
from .model import Constraint, Entity, Query, Results
from .query import KIND_HEADS, RDFS_SUBCLASS, Engine
from .store import Store
from .vocab import SKG

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

    from .ask import Answer
    from .sparql import Rows
    from .triage import TriageResult
    from .views.draw import Drawing

# keyword -> (relations (base property ids; "subClassOf" for the hierarchy; empty = any), options)
KEYWORDS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "malignancy": (("hasBehaviour",), {}),
    "behaviour": (("hasBehaviour",), {}),
    "origin": (("subClassOf",), {}),
    "category": (("subClassOf",), {}),
    "compartment": (("locatedIn", "subClassOf"), {}),
    "region": (("locatedIn",), {"context": True}),
    "location": (("locatedIn",), {"context": True}),
    "causes": (("causes", "hasSign"), {}),
    "caused_by": (("causes", "hasSign", "radiatesTo"), {}),
    "sign_of": (("hasSign",), {}),
    "mechanism": (("causes",), {}),
    "arises_from": (("arisesFrom", "originatesIn"), {}),
    "originates_in": (("originatesIn",), {}),
    "growth": (("hasGrowthRate",), {}),
    "demographic": (("moreCommonIn",), {}),
    "risk_factor": (("hasRiskFactor",), {}),
    "purpose": (("hasPurpose",), {}),
    "uses": (("usesAgent",), {}),
    "shows": (("shows",), {}),
    "indication": (("indicatedFor",), {}),
    "applies_to": (("treats",), {"object_inherits": True}),
    "for_": (("treats",), {"object_inherits": True}),
    "treated_by": (("treats",), {"up": True}),
    "goal": (("hasGoal",), {}),
    "treatment": ((), {}),
    "part_of": (("partOf",), {}),
    "removes": (("removes",), {}),
    "removed_by": (("removes",), {}),
    "spreads_to": (("spreadsTo",), {}),
    "spreads_from": (("spreadsFrom",), {}),
    "radiates_to": (("radiatesTo",), {}),
    "tumor": ((), {}),
    "related": ((), {}),
}
VALUE_ALIASES = {"primary": "primary spinal tumor", "secondary": "metastatic spinal tumor",
                 "metastatic": "metastatic spinal tumor", "intradural_extramedullary": "intradural-extramedullary",
                 "fast": "fast-growing", "slow": "slow-growing"}


class KnowledgeGraph:
    """The spine-tumor knowledge graph on a store, with typed queries, SPARQL, questions and triage."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = Index.from_store(store)
        self.engine = Engine(store, self.index)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {len(self.index.entities)} entities on {self.store.name}>"

    # ------------------------------------------------------------------ data access
    @property
    def graph(self) -> "rdflib.Graph":
        """The rdflib Graph holding the release (the OWL ontology and its relation graph)."""
        return self.store.graph

    def sparql(self, query: str, **bindings: Any) -> "Rows":
        """Run a SPARQL query (the project's prefixes are bound) and return its rows."""
        from .sparql import run_sparql

        return run_sparql(self.store, query, bindings)

    def lookup(self, name: str | Entity, kind: str | None = None) -> Entity:
        """The entity a label, synonym, CURIE or IRI names.

        Raises :class:`UnknownTermError` naming the closest matches.
        """
        return self.index.lookup(name, kind)

    def entities(self, kind: str | None = None) -> list[Entity]:
        return sorted((e for e in self.index.entities.values() if kind is None or kind in e.kinds), key=lambda e: e.label)

    def link(self, text: str) -> list[Mention]:
        return link(self.index, tokenize(text), text)

    # ------------------------------------------------------------------ typed queries
    def find(self, kind: str = "tumors", *, under: str | Entity | None = None, direct: bool = False,
             typical: bool = False, rank: str | None = None, not_: Mapping[str, Any] | None = None,
             **constraints: Any) -> Results:
        """Entities of a kind (or under a class) that meet every constraint.

        Constraint keywords: malignancy, origin, category, compartment, region, causes, caused_by,
        mechanism, arises_from, growth, demographic, risk_factor, purpose, uses, shows, indication,
        applies_to / for_, treated_by, goal, treatment, part_of, removes, removed_by, tumor, related.
        Values are labels or synonyms ("neck", "epidural", "cancerous"); ``not_`` holds constraints the
        answers must not meet. ``typical=True`` keeps only what holds usually or always; ``rank`` is
        most_common, common, main or first_line.
        """
        if under is not None:
            head = self.lookup(under).iri
        elif kind in KIND_HEADS:
            head = str(SKG[KIND_HEADS[kind]])
        else:
            raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KIND_HEADS)}")
        cons = [c for key, value in constraints.items() for c in self._constraints(key, value)]
        for key, value in (not_ or {}).items():
            cons += [Constraint(c.targets, c.relations, True, c.role) for c in self._constraints(key, value)]
        q = Query(head=head, constraints=tuple(cons), direct=direct,
                  min_typicality="commonly" if typical else None, rank=rank, kind=kind)
        return self.engine.run(q)

    def _constraints(self, key: str, value: Any) -> list[Constraint]:
        if key not in KEYWORDS:
            raise TypeError(f"unknown constraint {key!r}; use one of {', '.join(sorted(KEYWORDS))}")
        rels, opts = KEYWORDS[key]
        values = value if isinstance(value, (list, tuple, set)) else [value]
        out = []
        for v in values:
            targets = self._targets(v)
            targets = targets | {d for t in targets for d in self.index.defined_by.get(t, ())}
            if opts.get("object_inherits"):   # what treats a tumor treats its kinds, and some of its kinds
                targets = targets | {a for t in targets for a in self.index.ancestors.get(t, ()) | self.index.descendants(t)}
            props = tuple(RDFS_SUBCLASS if r == "subClassOf" else self.index.strict_to_weak[str(SKG[r])] for r in rels)
            out.append(Constraint(tuple(sorted(targets)), props, role=key, context=bool(opts.get("context")),
                                  up=bool(opts.get("up"))))
        return out

    def _targets(self, value: Any) -> set[str]:
        if isinstance(value, Entity):
            return {value.iri}
        text = VALUE_ALIASES.get(str(value), str(value).replace("_", " "))
        try:
            return {self.lookup(text).iri}
        except UnknownTermError as exc:
            mentions = self.link(text)
            if not mentions:
                raise exc from None
            # a phrase naming several entities ("metastatic extradural tumor"): the tumors that are all of them
            tumors = [m for m in mentions if any("tumor" in self.index.entities[i].kinds for i in m.iris)]
            if len(mentions) > 1 and tumors:
                parts = {f"related{n}": self.index.entities[min(m.iris)] for n, m in enumerate(mentions)}
                found = self.find("tumors", **{"related": list(parts.values())})
                return {r.entity.iri for r in found} | {min(m.iris) for m in tumors}
            raise exc from None

    def tumors(self, **constraints: Any) -> Results:
        """Tumor types and categories, e.g. ``kg.tumors(causes="myelopathy", region="cervical")``."""
        return self.find("tumors", **constraints)

    def treatments(self, **constraints: Any) -> Results:
        """Treatments, e.g. ``kg.treatments(for_="metastatic extradural tumor")``."""
        return self.find("treatments", **constraints)

    def symptoms(self, **constraints: Any) -> Results:
        """Symptoms, signs and deficits, e.g. ``kg.symptoms(caused_by="cauda equina syndrome")``."""
        return self.find("symptoms", **constraints)

    def mechanisms(self, **constraints: Any) -> Results:
        return self.find("mechanisms", **constraints)

    def diagnostics(self, **constraints: Any) -> Results:
        return self.find("diagnostics", **constraints)

    def locations(self, **constraints: Any) -> Results:
        return self.find("locations", **constraints)

    def risk_factors(self, **constraints: Any) -> Results:
        return self.find("risk_factors", **constraints)

    def primary_sites(self, **constraints: Any) -> Results:
        return self.find("primary_sites", **constraints)

    def goals(self, **constraints: Any) -> Results:
        return self.find("goals", **constraints)

    def specialists(self, **constraints: Any) -> Results:
        return self.find("specialists", **constraints)

    # ------------------------------------------------------------------ views
    def to_networkx(self, **parts: Any) -> "nx.MultiDiGraph":
        """The graph as a networkx MultiDiGraph: whole, ``entity=`` neighbourhood (``depth=``), one ``kind=``,
        or an ``answer=``'s evidence; see :func:`spineKG.views.graph.to_networkx`."""
        from .views.graph import to_networkx

        return to_networkx(self, **parts)

    def show(self, title: str = "", **parts: Any) -> "Drawing":
        """An interactive pyvis drawing of the part of the graph ``to_networkx(**parts)`` selects;
        displays inline in Jupyter, ``.save(path)`` writes a standalone page."""
        from .views.draw import draw

        if not title and parts.get("entity") is not None:
            title = f"{self.lookup(parts['entity']).label} and its neighbours"
        return draw(self.to_networkx(**parts), title=title)

    # ------------------------------------------------------------------ questions and triage
    def ask(self, question: str) -> "Answer":
        """Answer a question in plain English; see :mod:`spineKG.ask`."""
        from .ask import ask

        return ask(self, question)

    def triage(self, **inputs: Any) -> "TriageResult":
        """Apply the when-to-see-a-doctor rules (data in the graph) to a patient description."""
        from .triage import triage

        return triage(self, **inputs)


def connect(query_url: str, update_url: str | None = None, graph: str | None = None) -> KnowledgeGraph:
    """The knowledge graph in a SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...) that
    holds the release; the typed API, SPARQL and questions work unchanged.

    Example: ``connect("http://127.0.0.1:7878/query")`` after ``spinekg upload http://127.0.0.1:7878/store``.
    """
    from .store import RemoteStore

    return KnowledgeGraph(RemoteStore(query_url, update_url, graph))


def load(*data: str | Path, directory: str | Path | None = None, progress: bool = False) -> KnowledgeGraph:
    """The bundled knowledge graph in the embedded Oxigraph store, with any RDF data files added to it
    (for instance patients linked to the ontology; a progress bar with ``progress=True``).

    ``directory`` keeps the store on disk there (RocksDB) instead of in memory: much less memory for
    large data, slower queries; a directory that already holds the release is reopened as it is.

    >>> load().lookup("epidural").label
    'extradural'
    """
    from .store import EmbeddedStore

    store = EmbeddedStore(directory=directory)
    for path in data:
        store.load(path, progress=progress)
    return KnowledgeGraph(store)
