"""The triage source (``ontology/src/rules.yaml``): graded tiers and the rules that lead to them.

Tiers annotate their classes (key, order, what to do, safety-net advice, source); each rule becomes a
``skg:TriageRule`` individual whose conditions point at classes, so the rules are data a SPARQL query lists
(``spinekg sparql triage_rules``). A rule's single conditions are also class-level ``callsFor`` edges to
its tier, so "what calls for emergency care?" is an ordinary question over the relation graph.

>>> from spineKG.builder.source import load_source
>>> src = load_source()
>>> [t.key for t in src.triage.tiers]
['emergency', 'urgent', 'soon', 'self_care']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from ..errors import SourceError, suggest
from .namespaces import DEFINITION, SKG, SOURCE
from .yamlio import read_yaml

if TYPE_CHECKING:
    from .source import OntologySource

DCTERMS_SOURCE = URIRef("http://purl.org/dc/terms/source")
PAIN = ("new", "worsening")


@dataclass(frozen=True)
class Tier:
    id: str
    key: str
    order: int
    advice: str
    safety_net: str
    source: str


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    tier: str
    source: str
    definition: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    cancer: bool = False
    pain: tuple[str, ...] = ()
    older_than: int | None = None
    younger_than: int | None = None
    min_pain_days: int | None = None
    if_age_unknown: bool = False
    specialists: tuple[str, ...] = ()
    also: str | None = None
    question: str = ""
    line: int = 0

    @property
    def default(self) -> bool:
        return not (self.any or self.all or self.cancer or self.pain or self.older_than is not None
                    or self.younger_than is not None or self.min_pain_days is not None)


@dataclass(frozen=True)
class Composition:
    """A finding told as a sensation and a place: one of ``of`` named with one of ``in_`` in a sentence."""
    finding: str
    of: tuple[str, ...]
    in_: tuple[str, ...]
    source: str


@dataclass
class Triage:
    tiers: list[Tier] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    compositions: list[Composition] = field(default_factory=list)


def read(path: Path, src: OntologySource) -> Triage:
    """Read and check the tiers and rules against the entities and sources of the source."""
    out = Triage()
    if not path.exists():
        return out
    data = read_yaml(path) or {}

    def check(ref: str, pool: Any, what: str, line: int | None) -> None:
        if ref not in pool:
            close = suggest(ref, list(pool))
            raise SourceError(path, line, f"unknown {what} '{ref}'" + (f" (did you mean {', '.join(close)}?)" if close else ""))

    for tid, spec in (data.get("tiers") or {}).items():
        if tid == "__line__":
            continue
        line = spec.get("__line__")
        check(tid, src.entities, "tier class", line)
        check(spec.get("source", ""), src.sources, "source", line)
        for key in ("key", "order", "advice", "safety_net"):
            if spec.get(key) in (None, ""):
                raise SourceError(path, line, f"tier {tid}: missing '{key}'")
        out.tiers.append(Tier(tid, str(spec["key"]), int(spec["order"]), str(spec["advice"]), str(spec["safety_net"]),
                              str(spec["source"])))
    out.tiers.sort(key=lambda t: -t.order)
    tiers = {t.id for t in out.tiers}
    for item in data.get("rules") or []:
        line = item.get("__line__")
        for key in ("id", "label", "tier", "source", "definition"):
            if item.get(key) in (None, ""):
                raise SourceError(path, line, f"rule: missing '{key}'")
        check(item["tier"], tiers, "tier", line)
        check(item["source"], src.sources, "source", line)
        if item.get("also"):
            check(item["also"], src.sources, "source", line)
        for ref in [*(item.get("any") or []), *(item.get("all") or []), *(item.get("specialists") or [])]:
            check(ref, src.entities, "entity", line)
        for p in item.get("pain") or []:
            check(p, PAIN, "pain condition", line)
        out.rules.append(Rule(
            id=item["id"], label=item["label"], tier=item["tier"], source=item["source"], definition=item["definition"],
            any=tuple(item.get("any") or ()), all=tuple(item.get("all") or ()), cancer=bool(item.get("cancer")),
            pain=tuple(item.get("pain") or ()), older_than=item.get("older_than"), younger_than=item.get("younger_than"),
            min_pain_days=item.get("min_pain_days"), if_age_unknown=bool(item.get("if_age_unknown")),
            specialists=tuple(item.get("specialists") or ()), also=item.get("also"), question=item.get("question", ""),
            line=line or 0))
    for item in data.get("compositions") or []:
        line = item.get("__line__")
        for key in ("finding", "of", "in", "source"):
            if not item.get(key):
                raise SourceError(path, line, f"composition: missing '{key}'")
        check(item["source"], src.sources, "source", line)
        for ref in [item["finding"], *item["of"], *item["in"]]:
            check(ref, src.entities, "entity", line)
        out.compositions.append(Composition(item["finding"], tuple(item["of"]), tuple(item["in"]), item["source"]))
    if sum(r.default for r in out.rules) != 1 and out.rules:
        raise SourceError(path, None, "the rules need exactly one default rule (a rule with no condition)")
    return out


def edges(src: OntologySource) -> list[tuple[str, str, str, str]]:
    """(finding, callsFor, tier, source) for each single condition of a rule, as class-level assertions."""
    out = []
    for r in src.triage.rules:
        singles = list(r.any) + (list(r.all) if len(r.all) == 1 else [])
        for x in singles:
            out.append((x, "callsFor", r.tier, r.source))
    return out


def emit(g: Graph, src: OntologySource) -> None:
    """Write the tiers' annotations and the rules into the OWL graph."""
    for ap, label in ((SKG.tierKey, "triage tier key"), (SKG.tierOrder, "triage tier order"),
                      (SKG.advice, "what to do"), (SKG.safetyNet, "safety-net advice"),
                      (SKG.settlingQuestion, "the question that settles whether a rule applies"),
                      (SKG.alsoSource, "a further source of a rule")):
        g.add((ap, RDF.type, OWL.AnnotationProperty))
        g.add((ap, RDFS.label, Literal(label, lang="en")))
    for t in src.triage.tiers:
        c = SKG[t.id]
        g.add((c, SKG.tierKey, Literal(t.key)))
        g.add((c, SKG.tierOrder, Literal(t.order)))
        g.add((c, SKG.advice, Literal(t.advice, lang="en")))
        g.add((c, SKG.safetyNet, Literal(t.safety_net, lang="en")))
    _declare(g, SKG.TriageRule, "triage rule",
             "A rule of how soon, and whom, to see for back pain: when its conditions hold it calls for its tier; the "
             "highest tier among the rules that hold decides.")
    for n, r in enumerate(src.triage.rules, start=1):
        i = SKG[r.id]
        g.add((i, RDF.type, OWL.NamedIndividual))
        g.add((i, RDF.type, SKG.TriageRule))
        g.add((i, RDFS.label, Literal(r.label, lang="en")))
        g.add((i, DEFINITION, Literal(r.definition, lang="en")))
        g.add((i, DCTERMS_SOURCE, SOURCE[r.source]))
        if r.also:
            g.add((i, SKG.alsoSource, SOURCE[r.also]))
        g.add((i, SKG.ruleOrder, Literal(n)))
        g.add((i, SKG.tier, SKG[r.tier]))
        for x in r.any:
            g.add((i, SKG.requiresAny, SKG[x]))
        for x in r.all:
            g.add((i, SKG.requiresAll, SKG[x]))
        for x in r.specialists:
            g.add((i, SKG.recommendsSpecialist, SKG[x]))
        if r.cancer:
            g.add((i, SKG.requiresCancer, Literal(True)))
        for p in r.pain:
            g.add((i, SKG.painCondition, Literal(p)))
        if r.older_than is not None:
            g.add((i, SKG.olderThan, Literal(r.older_than, datatype=XSD.integer)))
        if r.younger_than is not None:
            g.add((i, SKG.youngerThan, Literal(r.younger_than, datatype=XSD.integer)))
        if r.if_age_unknown:
            g.add((i, SKG.holdsIfAgeUnknown, Literal(True)))
        if r.min_pain_days is not None:
            g.add((i, SKG.minPainDays, Literal(r.min_pain_days, datatype=XSD.integer)))
        if r.question:
            g.add((i, SKG.settlingQuestion, Literal(r.question, lang="en")))
        if r.default:
            g.add((i, SKG.isDefault, Literal(True)))
    _declare(g, SKG.FindingComposition, "finding composition",
             "A finding that people tell as a sensation and a place rather than by its name: when a finding of "
             "skg:ofFinding and a body area of skg:inPlace are named in one sentence, the text names skg:composes.")
    for comp in src.triage.compositions:
        i = SKG[f"composition_{comp.finding}"]
        g.add((i, RDF.type, OWL.NamedIndividual))
        g.add((i, RDF.type, SKG.FindingComposition))
        g.add((i, RDFS.label, Literal(f"{comp.finding} told as a sensation and a place")))
        g.add((i, SKG.composes, SKG[comp.finding]))
        g.add((i, DCTERMS_SOURCE, SOURCE[comp.source]))
        for x in comp.of:
            g.add((i, SKG.ofFinding, SKG[x]))
        for x in comp.in_:
            g.add((i, SKG.inPlace, SKG[x]))


def _declare(g: Graph, cls: URIRef, label: str, definition: str) -> None:
    """A modelling class of the triage source, with its label, definition and source."""
    g.add((cls, RDF.type, OWL.Class))
    g.add((cls, RDFS.label, Literal(label, lang="en")))
    g.add((cls, DEFINITION, Literal(definition, lang="en")))
    g.add((cls, DCTERMS_SOURCE, SOURCE["spinekg-modelling"]))
