"""Result types: frozen dataclasses, separate from storage.

>>> from spineKG.model import Entity
>>> Entity(iri="https://w3id.org/spinekg/Ependymoma", label="ependymoma").curie
'skg:Ependymoma'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

from .terms import TYPICALITY
from .vocab import SKG

TYPICALITY_RANK = TYPICALITY   # typicality of an assertion -> rank, higher is stronger (from the schema)


@dataclass(frozen=True)
class Entity:
    """A class of the ontology: a tumor type, a symptom, a test, a treatment..."""

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
    """One statement of the graph and how it is known: asserted with a source, or derived from premises."""

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
    premises: tuple["Evidence", ...] = ()
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

    def chain(self) -> list["Evidence"]:
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
    """An entity that answers a query, with the evidence for each constraint it meets."""

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
    """The answers of a typed query, in a stable order; iterable like a list."""

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
    min_typicality: str | None = None
    rank: str | None = None
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
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> dict[str, Any]:
        return {
            "ask": self.kind or self.head.rsplit("/", 1)[-1], "under": self.head, "direct_members_only": self.direct,
            "where": [{"role": c.role, "targets": list(c.targets), "relations": list(c.relations), "not": c.negate,
                       "min_typicality": c.min_typicality, "rank": c.rank} for c in self.constraints],
            "min_typicality": self.min_typicality, "rank": self.rank,
        }
