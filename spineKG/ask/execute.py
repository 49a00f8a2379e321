"""Running a chosen reading: a typed query for lists and choices, an edge check for yes/no, shares for percentages.

>>> from spineKG import load
>>> a = load().ask("Are meningiomas usually benign?")
>>> a.labels, a.interpretation.shape
(['yes'], 'yesno')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Entity, Evidence, Query, Result, Results, TriageResult
from ..terms import TYPICALITY
from ..triage import rules, triage_text
from ..vocab import RDFS_SUBCLASS, SKG
from .reading import Reading

if TYPE_CHECKING:
    from ..query import Engine
    from .candidates import Candidate  # (candidates calls query_of: a runtime import here would be a cycle)

__all__ = ["Outcome", "execute", "query_of"]

ENGINE_RANKS = ("most_common", "common", "main", "first_line")
_OPS = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}


def query_of(c: Candidate) -> Query:
    """The typed query of a list or choice reading.

    >>> from spineKG import load
    >>> from spineKG.ask.candidates import candidates
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> q = query_of(candidates(engine, read(engine, "Which tumors cause myelopathy in the neck?"))[0])
    >>> q.kind, [c.role for c in q.constraints]
    ('SpinalTumor', ['myelopathy', 'neck'])
    >>> sorted(engine.evaluate(q))[:2]
    ['https://w3id.org/spinekg/Astrocytoma', 'https://w3id.org/spinekg/Ependymoma']
    """
    return Query(head=c.head, constraints=tuple(s.constraint for s in c.slots), direct=c.direct,
                 rank=c.rank if c.rank in ENGINE_RANKS else None, kind=c.head.rsplit("/", 1)[-1])


@dataclass(frozen=True)
class Outcome:
    """What running a reading gave: the answers, the typed query and its SPARQL, and a triage if it asked for one.

    >>> from spineKG import load
    >>> from spineKG.ask.candidates import candidates
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> r = read(engine, "Which tumors are benign?")
    >>> o = execute(engine, r, candidates(engine, r)[0])
    >>> type(o).__name__, len(o.results), o.query.kind, o.sparql.split()[:2], o.triage
    ('Outcome', 15, 'SpinalTumor', ['SELECT', 'DISTINCT'], None)
    """

    results: tuple[Result, ...]
    query: Query | None = None
    sparql: str = ""
    triage: TriageResult | None = None


def execute(engine: Engine, r: Reading, c: Candidate) -> Outcome:
    """The answers of a reading.

    >>> from spineKG import load
    >>> from spineKG.ask.candidates import candidates
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> r = read(engine, "Which tumors cause myelopathy in the neck?")
    >>> [x.label for x in execute(engine, r, candidates(engine, r)[0]).results][:2]
    ['astrocytoma', 'ependymoma']
    >>> r = read(engine, "Is a hemangioma a primary tumour?")
    >>> [x.value for x in execute(engine, r, candidates(engine, r)[0]).results]   # a yes/no reading: an edge check
    ['yes']
    """
    if c.shape == "yesno":
        return Outcome(_yesno(engine, r, c))
    if c.shape == "share":
        return Outcome(_shares(engine, r, c))
    if c.shape == "triage":   # how soon, and whom, to see: the triage rules decide
        t = triage_text(engine, r.text)
        if engine.index.is_a(c.head, str(SKG.Specialist)):
            # whom the story's rules recommend; with no story, every specialist a rule recommends
            found = t.specialists or tuple({s.iri: s for r in rules(engine)[1] for s in r.specialists}.values())
            return Outcome(tuple(Result(s) for s in found), triage=t if t.specialists else None)
        return Outcome((Result(t.tier.entity), Result(t.tier.level)), triage=t)
    q = query_of(c)
    res: Results = engine.run(q)
    items = list(res.items)
    if c.shape == "choice":
        offered = {i for n in c.options for i in r.parts[n].iris}
        items = [x for x in items if any(engine.index.is_a(x.entity.iri, o) for o in offered)]
    if c.rank == "typical":
        items.sort(key=lambda x: -min((TYPICALITY[e.typicality] for e in x.evidence), default=5))
    return Outcome(tuple(items), q, res.sparql)


def _value(entity: Entity, value: str, evidence: tuple[Evidence, ...] = ()) -> Result:
    return Result(entity, evidence, value=value)


def _yesno(engine: Engine, r: Reading, c: Candidate) -> tuple[Result, ...]:
    idx = engine.index
    assert c.subject is not None and c.target is not None
    subj, obj = r.parts[c.subject], r.parts[c.target]
    subject = engine.entity(min(subj.iris, key=lambda i: len(idx.ancestors.get(i, ()))))
    objects = set(obj.iris) | {d for i in obj.iris for d in idx.defined_by.get(i, ())}
    rels = [x for x in c.relations if x != RDFS_SUBCLASS]
    for s in sorted(subj.iris):
        if RDFS_SUBCLASS in c.relations and any(idx.is_a(s, o) for o in objects):
            edges = engine.edges_between([s], [o for o in objects if idx.is_a(s, o) and o != s], [RDFS_SUBCLASS])
            ev = tuple(engine.evidence(e["axiom"]) for e in edges[:1])
            return (_value(subject, "yes", ev),)
    if rels:
        wanted = objects | {d for o in objects for d in idx.descendants(o)}
        edges = engine.edges_between(sorted(subj.iris | {a for s in subj.iris for a in idx.ancestors.get(s, ())}),
                                     sorted(wanted), rels)
        # a statement about a group as a whole (an ancestor's "commonly of type ...") says nothing of each member
        found = [(e, engine.evidence(e["axiom"])) for e in edges]
        found = [(e, ev) for e, ev in found if e["s"] in subj.iris or ev.kind != "population"]
        if found and any(ph.value == "always" for ph in r.ranks):
            # "do all spinal tumors cause symptoms?": yes only if it always holds; else no, with what does hold
            strong = [(e, ev) for e, ev in found if e["typicality"] == "always"]
            if not strong:
                found.sort(key=lambda x: (-TYPICALITY.get(x[0]["typicality"], 0), x[0]["axiom"]))
                return (_value(subject, "no", (found[0][1],)),)
            found = strong
        if found:
            found.sort(key=lambda x: (-TYPICALITY.get(x[0]["typicality"], 0), x[0]["axiom"]))
            return (_value(subject, "yes", (found[0][1],)),)
        single = [x for x in rels if x in idx.single_valued]
        if single:   # the graph gives another value: that is the reason for "no"
            others = [e for e in engine.edges_between(sorted(subj.iris), sorted(idx.entities), single)]
            ev = tuple(engine.evidence(e["axiom"]) for e in others[:2])
            return (_value(subject, "no", ev),)
    return (_value(subject, "no"),)


def _shares(engine: Engine, r: Reading, c: Candidate) -> tuple[Result, ...]:
    idx = engine.index
    tumors = [i for p in r.focus_parts for i in p.iris if "tumor" in idx.entities[i].kinds] or [str(SKG.SpinalTumor)]
    regions = {i for n in c.options for i in r.parts[n].iris}
    edges = [e for e in engine.edges(derived=True) if e["s"] in tumors and e["share"]
             and (not regions or e["o"] in regions)]
    if c.comparison is not None:
        op, value = c.comparison
        edges = [e for e in edges if _OPS[op](float(e["share"]), value)]
    edges.sort(key=lambda e: -float(e["share"]))
    if c.rank in ("most_common", "least_common") and edges:
        edges = [edges[0] if c.rank == "most_common" else edges[-1]]
    as_values = any(f.value == "share" for f in r.forms)
    out = []
    for e in edges:
        ev = (engine.evidence_of(e["axiom"]),)
        out.append(_value(engine.entity(e["o"]), f"{float(e['share']):g}%", ev) if as_values else Result(engine.entity(e["o"]), ev))
    return tuple(out)
