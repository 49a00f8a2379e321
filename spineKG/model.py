"""Result types: frozen dataclasses, separate from storage.

>>> from spineKG.model import Entity
>>> Entity(iri="https://w3id.org/spinekg/Ependymoma", label="ependymoma").curie
'skg:Ependymoma'
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .render import NOT_A_MEDICAL_DEVICE
from .terms import TYPICALITY
from .vocab import SKG

TYPICALITY_RANK = TYPICALITY   # typicality of an assertion -> rank, higher is stronger (from the schema)


@dataclass(frozen=True)
class Entity:
    """A class of the ontology: a tumor type, a symptom, a test, a treatment...

    >>> from spineKG import load
    >>> e = load().lookup("epidural")
    >>> e
    Entity(skg:Extradural 'extradural', location)
    >>> e.curie, e.id, e.synonyms[0], e.xrefs
    ('skg:Extradural', 'Extradural', 'epidural', ('UBERON:0003691',))
    """

    iri: str
    label: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""
    kind: str = ""
    kinds: tuple[str, ...] = ()
    source: str = ""
    xrefs: tuple[str, ...] = ()

    @property
    def curie(self) -> str:
        return "skg:" + self.iri[len(str(SKG)):] if self.iri.startswith(str(SKG)) else self.iri

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Entity({self.curie} {self.label!r}{', ' + self.kind if self.kind else ''})"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "synonyms": list(self.synonyms), "iri": self.iri, "kind": self.kind,
                "definition": self.definition, "xrefs": list(self.xrefs)}

    def _repr_html_(self) -> str:
        from .display import card_html

        return card_html(self.label, {"id": self.curie, "kind": self.kind, "definition": self.definition,
                                      "synonyms": ", ".join(self.synonyms), "codes": ", ".join(self.xrefs)})

    def to_df(self) -> Any:
        """A one-row pandas DataFrame (needs ``pip install 'spineKG[pandas]'``)."""
        from .display import frame

        d = self.to_dict()
        return frame([{**d, "curie": self.curie, "synonyms": "; ".join(self.synonyms), "xrefs": "; ".join(self.xrefs)}])


@dataclass(frozen=True)
class Source:
    iri: str
    title: str
    kind: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """One statement of the graph and how it is known: asserted with a source, or derived from premises.

    >>> from spineKG import load
    >>> ev = load().tumors(causes="myelopathy", region="cervical")[0].evidence[0]
    >>> ev.text, ev.derivation, ev.typicality
    ('astrocytoma causes myelopathy [may]', 'chain', 'may')
    >>> [step.text for step in ev.chain()][-2:]
    ['spinal tumor causes spinal cord compression [may]', 'spinal cord compression causes myelopathy [may]']
    >>> len(ev.sources())
    3
    """

    subject: Entity
    relation: str            # the relation's label, e.g. "may: causes" or "subclass of"
    relation_iri: str
    object: Entity
    typicality: str = "always"
    derivation: str = "asserted"    # asserted | definition | reasoner | inherited | chain | generalised
    source: Source | None = None
    rank: str | None = None
    share: float | None = None
    region: Entity | None = None
    note: str | None = None
    premises: tuple[Evidence, ...] = ()
    kind: str = "strict"            # strict (every member) | member (hedged, about members) | population
    inherited_from: Entity | None = None   # for an inherited statement: the class it is inherited from

    @property
    def text(self) -> str:
        rel = self.relation.removeprefix("may: ")
        qual = "" if self.typicality == "always" else f" [{self.typicality.replace('_', ' ')}]"
        extra = f" (about {self.share:g}%)" if self.share is not None else ""
        where = f" in the {self.region.label}" if self.region else ""
        about = " (of the group as a whole)" if self.kind == "population" else ""
        origin = f" (inherited from {self.inherited_from.label})" if self.inherited_from else ""
        return f"{self.subject.label} {rel} {self.object.label}{where}{extra}{qual}{about}{origin}"

    def __repr__(self) -> str:
        return f"<Evidence {self.text!r} ({self.derivation}{', ' + self.source.title if self.source else ''})>"

    def chain(self) -> list[Evidence]:
        """The asserted statements this one rests on, in order (itself if it is asserted)."""
        if not self.premises:
            return [self]
        out: list[Evidence] = []
        for p in self.premises:
            out.extend(p.chain())
        return out

    def sources(self) -> list[Source]:
        seen: dict[str, Source] = {}
        for step in self.chain():
            if step.source is not None:
                seen.setdefault(step.source.iri, step.source)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.text,
            "subject": self.subject.iri, "relation": self.relation_iri, "object": self.object.iri,
            "typicality": self.typicality, "derivation": self.derivation, "kind": self.kind,
            "inherited_from": self.inherited_from.iri if self.inherited_from else None,
            "rank": self.rank, "share": self.share, "region": self.region.iri if self.region else None,
            "source": self.source.to_dict() if self.source else None,
            "chain": [{"statement": s.text, "typicality": s.typicality, "derivation": s.derivation,
                       "source": s.source.title if s.source else None} for s in self.chain()],
        }


@dataclass(frozen=True)
class Result:
    """An entity that answers a query, with the evidence for each constraint it meets.

    >>> from spineKG import load
    >>> r = load().tumors(causes="myelopathy", region="cervical")[0]
    >>> r
    <Result 'astrocytoma' (skg:Astrocytoma, may; 2 evidence)>
    >>> r.label, r.entity.curie, r.typicality
    ('astrocytoma', 'skg:Astrocytoma', 'may')
    >>> r.evidence[1].text
    'astrocytoma located in cervical spine [most often] (inherited from intramedullary tumor)'
    """

    entity: Entity
    evidence: tuple[Evidence, ...] = ()
    value: str | None = None     # for answers that are values (a share such as "20%")

    @property
    def label(self) -> str:
        return self.value or self.entity.label

    @property
    def typicality(self) -> str:
        if not self.evidence:
            return "always"
        return min((e.typicality for e in self.evidence), key=TYPICALITY_RANK.__getitem__)

    def __repr__(self) -> str:
        n = len(self.evidence)
        return f"<Result {self.label!r} ({self.entity.curie}, {self.typicality}; {n} evidence)>"

    def _repr_html_(self) -> str:
        from .display import results_html

        return results_html([self])

    def to_df(self) -> Any:
        """Its evidence, one statement of the chain a row (needs ``pip install 'spineKG[pandas]'``)."""
        from .display import frame

        return frame([{"answer": self.label, "statement": s.text, "typicality": s.typicality, "derivation": s.derivation,
                       "source": s.source.title if s.source else None} for e in self.evidence for s in e.chain()],
                     ["answer", "statement", "typicality", "derivation", "source"])

    def to_dict(self) -> dict[str, Any]:
        d = self.entity.to_dict()
        if self.value:
            d.update(label=self.value, synonyms=[], kind="value", of=self.entity.label)
        d["typicality"] = self.typicality
        d["evidence"] = [e.to_dict() for e in self.evidence]
        d["sources"] = sorted({s.title for e in self.evidence for s in e.sources()})
        return d


@dataclass(frozen=True)
class Results:
    """The answers of a typed query, in a stable order; iterable like a list.

    >>> from spineKG import load
    >>> res = load().tumors(causes="myelopathy", region="cervical")
    >>> res
    <Results 5: astrocytoma, ependymoma, intramedullary spinal cord metastasis, … (+2)>
    >>> len(res), res.labels[:2], res[1].label
    (5, ['astrocytoma', 'ependymoma'], 'ependymoma')
    >>> [r.entity.curie for r in res][:2]
    ['skg:Astrocytoma', 'skg:Ependymoma']
    >>> res.sparql.startswith("SELECT")
    True
    """

    items: tuple[Result, ...] = ()
    query: Any = None
    sparql: str = ""

    def __iter__(self) -> Iterator[Result]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Result:
        return self.items[i]

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.items]

    def __repr__(self) -> str:
        from .display import short_list

        return f"<Results {len(self.items)}: {short_list(self.labels)}>"

    def _repr_html_(self) -> str:
        from .display import results_html

        return results_html(self.items, caption=getattr(self.query, "kind", "") or "")

    def to_df(self) -> Any:
        """One row per answer: label, kind, typicality, CURIE, IRI, evidence and sources
        (needs ``pip install 'spineKG[pandas]'``).

        >>> from spineKG import load
        >>> list(load().tumors(compartment="intramedullary", rank="most_common").to_df()["label"])
        ['astrocytoma', 'ependymoma']
        """
        from .display import frame, result_records

        return frame(result_records(self.items), ["label", "kind", "typicality", "curie", "iri", "evidence", "sources"])

    def to_dict(self) -> dict[str, Any]:
        return {"answers": [r.to_dict() for r in self.items], "sparql": self.sparql}


@dataclass(frozen=True)
class Constraint:
    """The answers must (or, negated, must not) be related to one of `targets`."""

    targets: tuple[str, ...]            # entity IRIs (any of them)
    relations: tuple[str, ...] = ()     # relation-graph property IRIs; empty = any relation
    negate: bool = False
    role: str = "related"               # the keyword it came from, for display
    context: bool = False               # may be met by an edge's region qualifier (regions)
    up: bool = False                    # may be met through a superclass of the answer (treated_by)


@dataclass(frozen=True)
class Query:
    """A typed query: entities under `head` that meet every constraint."""

    head: str
    constraints: tuple[Constraint, ...] = ()
    direct: bool = False
    min_typicality: str | None = None
    rank: str | None = None
    kind: str = ""


@dataclass(frozen=True)
class Reading:
    """One constraint of an interpretation, as the question named it."""

    text: str                       # the words of the question it came from
    targets: tuple[str, ...]        # labels of the entities it names
    relation: str                   # the relation's name, read from the answer ("causes", "treated by")
    negated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "targets": list(self.targets), "relation": self.relation, "not": self.negated}


@dataclass(frozen=True)
class Interpretation:
    """How a question was read: the canonical sentence of the typed query it became, its parts, and how sure."""

    canonical: str                                  # the question in spineKG's own words
    shape: str                                      # list | yesno | value | choice | share | triage
    answer_kind: str                                # label of the kind of answer
    confidence: float                               # calibrated probability that this reading is the right one
    constraints: tuple[Reading, ...] = ()
    rank: str | None = None
    mentions: tuple[str, ...] = ()                  # the words linked to entities
    not_used: tuple[str, ...] = ()                  # entities named but not used as a constraint, and why
    alternatives: tuple[str, ...] = ()              # the next readings, best first
    sparql: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"canonical": self.canonical, "shape": self.shape, "answer_kind": self.answer_kind,
                "confidence": round(self.confidence, 3), "constraints": [c.to_dict() for c in self.constraints],
                "rank": self.rank, "mentions": list(self.mentions), "not_used": list(self.not_used),
                "alternatives": list(self.alternatives), "sparql": self.sparql}


@dataclass(frozen=True)
class Answer:
    """The answer to a question: results (entities, or values such as "yes", "slow-growing", "20%"), the
    interpretation that produced them, and, for a patient's story, the triage of it."""

    question: str
    results: tuple[Result, ...]
    interpretation: Interpretation
    triage: TriageResult | None = None
    query: Query | None = None

    @property
    def answers(self) -> tuple[Result, ...]:
        return self.results

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.results]

    @property
    def confidence(self) -> float:
        return self.interpretation.confidence

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"question": self.question, "answers": [r.to_dict() for r in self.results],
                             "interpretation": self.interpretation.to_dict()}
        if self.triage is not None:
            d["triage"] = self.triage.to_dict()
        return d

    def __str__(self) -> str:
        from .render import answer_text

        return answer_text(self)


@dataclass(frozen=True)
class Tier:
    """A triage tier: how soon to be seen, what to do, and what would change the advice."""

    entity: Entity
    key: str            # emergency | urgent | soon | self_care
    order: int          # higher is more urgent
    advice: str
    safety_net: str
    level: Entity       # the article's level this tier carries out (immediate evaluation, doctor visit, self-care)
    source: Source | None = None


@dataclass(frozen=True)
class TriageRule:
    """A rule of when to see a doctor, as data in the graph."""

    iri: str
    label: str
    definition: str
    tier: Tier
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    cancer: bool = False
    pain: tuple[str, ...] = ()
    older_than: int | None = None
    younger_than: int | None = None
    min_pain_days: int | None = None
    specialists: tuple[Entity, ...] = ()
    source: Source | None = None
    also: Source | None = None
    question: str = ""
    if_age_unknown: bool = False   # an age condition holds (as only possible) when the age is not told

    @property
    def default(self) -> bool:
        return not (self.any or self.all or self.cancer or self.pain or self.older_than is not None
                    or self.younger_than is not None or self.min_pain_days is not None)

    def to_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "definition": self.definition, "tier": self.tier.key,
                "source": self.source.title if self.source else None, "also": self.also.title if self.also else None}


@dataclass(frozen=True)
class Finding:
    """Something a patient description names, and how: present, negated, someone else's, hypothetical, past, or
    only possible (a loose or corrected match)."""

    entity: Entity
    words: str
    status: str = "present"    # present | possible | negated | family | hypothetical | past

    def to_dict(self) -> dict[str, Any]:
        return {"finding": self.entity.label, "words": self.words, "status": self.status}


@dataclass(frozen=True)
class TriageResult:
    """How soon to be seen and by whom, the rules that decided it, and how the description was read."""

    tier: Tier
    rule: TriageRule                          # the deciding rule (the highest tier; the first of its rules)
    fired: tuple[TriageRule, ...]             # every rule that applies
    findings: tuple[Finding, ...] = ()
    specialists: tuple[Entity, ...] = ()
    questions: tuple[str, ...] = ()           # what to ask to settle a possible red flag
    inputs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)   # the reading (age, days ...)
    ignored: tuple[str, ...] = ()

    @property
    def urgency(self) -> str:
        """The article's three levels: immediate, see_doctor or self_care."""
        return {"ImmediateEvaluation": "immediate", "DoctorVisit": "see_doctor"}.get(self.tier.level.id, "self_care")

    @property
    def level(self) -> Entity:
        return self.tier.entity

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier.key, "tier_label": self.tier.entity.label, "urgency": self.urgency,
            "level": self.tier.level.label, "advice": self.tier.advice, "safety_net": self.tier.safety_net,
            "specialists": [s.label for s in self.specialists],
            "rule": self.rule.to_dict(), "rules": [r.to_dict() for r in self.fired],
            "findings": [f.to_dict() for f in self.findings], "questions": list(self.questions),
            "reading": {k: v for k, v in self.inputs.items() if v not in (None, [], ())},
            "ignored": list(self.ignored), "disclaimer": NOT_A_MEDICAL_DEVICE,
        }

    def __str__(self) -> str:
        from .render import triage_text

        return triage_text(self)
