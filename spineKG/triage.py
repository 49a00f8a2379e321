"""Triage: the article's when-to-see-a-doctor rules, read from the graph and applied in order.

>>> from spineKG import load
>>> load().triage(age=61, pain_days=2, cancer_history="previous").urgency
'immediate'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from .errors import TriageInputError, UnknownTermError
from .model import Entity, Source
from .vocab import SKG

if TYPE_CHECKING:
    from .kg import KnowledgeGraph

URGENCY_CODES = {"ImmediateEvaluation": "immediate", "DoctorVisit": "see_doctor", "SelfCare": "self_care"}
CANCER_HISTORY = ("none", "previous", "current")


@dataclass(frozen=True)
class Rule:
    iri: str
    label: str
    definition: str
    order: int
    urgency: Entity
    requires_all: tuple[str, ...]
    requires_any: tuple[str, ...]
    specialists: tuple[Entity, ...]
    min_pain_days: int | None
    default: bool
    source: Source | None


@dataclass(frozen=True)
class TriageResult:
    """The urgency for a patient, the specialists to see, and the rule that decided it."""

    urgency: str                      # immediate | see_doctor | self_care
    level: Entity
    specialists: tuple[Entity, ...]
    rule: Rule
    findings: tuple[Entity, ...]      # what the patient description amounts to, as graph entities
    ignored: tuple[str, ...] = ()     # inputs no rule uses (kept for the record)

    def to_dict(self) -> dict[str, Any]:
        return {
            "urgency": self.urgency, "level": self.level.label,
            "specialists": [s.label for s in self.specialists],
            "rule": {"iri": self.rule.iri, "label": self.rule.label, "definition": self.rule.definition,
                     "order": self.rule.order, "source": self.rule.source.title if self.rule.source else None},
            "findings": [f.label for f in self.findings], "ignored": list(self.ignored),
        }

    def __str__(self) -> str:
        who = f" ({' or '.join(s.label for s in self.specialists)})" if self.specialists else ""
        src = f" [source: {self.rule.source.title}]" if self.rule.source else ""
        return f"{self.level.label}{who}: {self.rule.definition}{src}"


def rules(kg: "KnowledgeGraph") -> list[Rule]:
    """The triage rules in the graph, in the order they are applied."""
    cached = getattr(kg, "_triage_rules", None)
    if cached is not None:
        return cached
    rows = kg.store.select("""
        SELECT ?r ?label ?def ?order ?urgency ?src ?p ?v WHERE {
          ?r a skg:TriageRule ; rdfs:label ?label ; obo:IAO_0000115 ?def ; skg:ruleOrder ?order ; skg:urgency ?urgency .
          OPTIONAL { ?r dcterms:source ?src }
          OPTIONAL { VALUES ?p { skg:requiresAll skg:requiresAny skg:recommendsSpecialist skg:minPainDays skg:isDefault } ?r ?p ?v }
        }""")
    specs: dict[str, dict[str, Any]] = {}
    for r, label, definition, order, urgency, src, p, v in rows:
        d = specs.setdefault(str(r), {"label": str(label), "def": str(definition), "order": int(order),
                                      "urgency": str(urgency), "src": str(src) if src else None,
                                      "all": [], "any": [], "spec": [], "days": None, "default": False})
        key = str(p).rsplit("/", 1)[-1] if p is not None else None
        if key == "requiresAll":
            d["all"].append(str(v))
        elif key == "requiresAny":
            d["any"].append(str(v))
        elif key == "recommendsSpecialist" and str(v) not in d["spec"]:
            d["spec"].append(str(v))
        elif key == "minPainDays":
            d["days"] = int(v)
        elif key == "isDefault":
            d["default"] = v == "true"
    out = [Rule(iri, d["label"], d["def"], d["order"], kg.index.entities[d["urgency"]], tuple(sorted(set(d["all"]))),
                tuple(sorted(set(d["any"]))), tuple(kg.index.entities[s] for s in sorted(d["spec"])), d["days"],
                d["default"], kg.index.sources.get(d["src"]) if d["src"] else None)
           for iri, d in specs.items()]
    out.sort(key=lambda r: r.order)
    kg._triage_rules = out  # type: ignore[attr-defined]
    return out


def triage(kg: "KnowledgeGraph", *, age: int | None = None, pain_days: float | None = None, pain_new: bool = True,
           pain_explained: bool = False, severe_interferes_daily: bool = False,
           tried_rest_self_care: bool | None = None, red_flags: Iterable[str] = (), cancer_history: str = "none",
           neuro_signs: Iterable[str] = (), other_features: Iterable[str] = ()) -> TriageResult:
    """Apply the rules to a patient with back pain.

    ``red_flags`` and ``neuro_signs`` are names of symptoms in the graph ("weight loss", "loss of bladder
    control"); ``cancer_history`` is none, previous or current. Unknown names raise UnknownTermError
    with suggestions; ``tried_rest_self_care=None`` means not stated.
    """
    if cancer_history not in CANCER_HISTORY:
        raise TriageInputError(f"cancer_history must be one of {', '.join(CANCER_HISTORY)}, not {cancer_history!r}")
    if pain_days is not None and pain_days < 0:
        raise TriageInputError("pain_days cannot be negative")
    present: list[Entity] = []
    for name in [*red_flags, *neuro_signs]:
        present.append(kg.lookup(name, kind="symptom"))
    ignored = []
    for name in other_features:
        try:
            present.append(kg.lookup(name))
        except UnknownTermError:
            ignored.append(name)
    ent = kg.index.entities
    if cancer_history != "none":
        present.append(ent[str(SKG.CancerHistory)])
    if pain_new:
        present.append(ent[str(SKG.NewBackPain)])
    if severe_interferes_daily:
        present.append(ent[str(SKG.SevereBackPain)])
    found = {e.iri for e in present}
    for rule in rules(kg):
        persistent = str(SKG.PersistentBackPain)
        if persistent in rule.requires_all:
            lasting = pain_days is not None and pain_days >= (rule.min_pain_days or 0)
            if lasting and tried_rest_self_care is not False and not pain_explained:
                found.add(persistent)
                present.append(ent[persistent])
        fires = rule.default or (
            (rule.requires_all or rule.requires_any)
            and all(any(kg.index.is_a(f, r) for f in found) for r in rule.requires_all)
            and (not rule.requires_any or any(kg.index.is_a(f, r) for f in found for r in rule.requires_any)))
        if fires:
            code = URGENCY_CODES[rule.urgency.id]
            return TriageResult(code, rule.urgency, rule.specialists, rule, tuple(dict.fromkeys(present)), tuple(ignored))
    raise RuntimeError("no triage rule fired and the graph has no default rule")
