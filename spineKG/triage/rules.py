"""The triage tiers and rules, read from the graph (``ontology/src/rules.yaml`` after the build).

>>> from spineKG import load
>>> tiers, rules = read_rules(load().engine)
>>> [t.key for t in tiers]
['emergency', 'urgent', 'soon', 'self_care']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Tier, TriageRule

if TYPE_CHECKING:
    from ..query import Engine

__all__ = ["compositions", "read_rules", "rules"]


def read_rules(engine: Engine) -> tuple[list[Tier], list[TriageRule]]:
    """The tiers (most urgent first) and the rules of the graph, in their order.

    Example:

    >>> from spineKG import load
    >>> tiers, all_rules = read_rules(load().engine)
    >>> tiers[0].key, tiers[0].entity.label
    ('emergency', 'emergency care now')
    >>> all_rules[0].tier.key, all_rules[0].label
    ('emergency', 'back pain with a sign of cauda equina syndrome')
    >>> all_rules[-1].default, all_rules[-1].tier.key
    (True, 'self_care')
    """
    idx = engine.index
    tiers: dict[str, Tier] = {}
    for t, key, order, advice, net in engine.store.select("""
        SELECT ?t ?key ?order ?advice ?net WHERE { ?t skg:tierKey ?key ; skg:tierOrder ?order ; skg:advice ?advice ;
                                                   skg:safetyNet ?net }"""):
        if t is None or t not in idx.entities or key is None or order is None:
            continue
        level = next((p for p in [t, *sorted(idx.ancestors[t])] if idx.parents.get(p) and
                      any(not idx.parents.get(pp) for pp in idx.parents[p])), t)
        ent = idx.entities[t]
        tiers[t] = Tier(ent, key, int(order), advice or "", net or "", idx.entities[level],
                        idx.sources.get(ent.source))
    specs: dict[str, dict[str, Any]] = {}
    for r, label, definition, order, tier, src, p, v in engine.store.select("""
        SELECT ?r ?label ?def ?order ?tier ?src ?p ?v WHERE {
          ?r a skg:TriageRule ; rdfs:label ?label ; obo:IAO_0000115 ?def ; skg:ruleOrder ?order ; skg:tier ?tier .
          OPTIONAL { ?r dcterms:source ?src }
          OPTIONAL { VALUES ?p { skg:requiresAny skg:requiresAll skg:recommendsSpecialist skg:requiresCancer
                                 skg:painCondition skg:olderThan skg:youngerThan skg:minPainDays skg:settlingQuestion skg:alsoSource
                                 skg:holdsIfAgeUnknown }
                     ?r ?p ?v } }"""):
        if r is None or tier not in tiers:
            continue
        d = specs.setdefault(r, {"label": label, "def": definition, "order": int(order or 0), "tier": tier,
                                 "src": src, "any": set(), "all": set(), "spec": set(), "cancer": False, "pain": set(),
                                 "older": None, "younger": None, "days": None, "question": "", "also": None,
                                 "unknown_age": False})
        key = (p or "").rsplit("/", 1)[-1]
        if key == "requiresAny":
            d["any"].add(v)
        elif key == "requiresAll":
            d["all"].add(v)
        elif key == "recommendsSpecialist":
            d["spec"].add(v)
        elif key == "requiresCancer":
            d["cancer"] = v == "true"
        elif key == "painCondition":
            d["pain"].add(v)
        elif key == "olderThan" and v is not None:
            d["older"] = int(v)
        elif key == "youngerThan" and v is not None:
            d["younger"] = int(v)
        elif key == "minPainDays" and v is not None:
            d["days"] = int(v)
        elif key == "settlingQuestion":
            d["question"] = v or ""
        elif key == "alsoSource":
            d["also"] = v
        elif key == "holdsIfAgeUnknown":
            d["unknown_age"] = v == "true"
    out = [TriageRule(iri, d["label"] or "", d["def"] or "", tiers[d["tier"]], tuple(sorted(d["any"])),
                      tuple(sorted(d["all"])), d["cancer"], tuple(sorted(d["pain"])), d["older"], d["younger"], d["days"],
                      tuple(idx.entities[s] for s in sorted(d["spec"]) if s in idx.entities),
                      idx.sources.get(d["src"] or ""), idx.sources.get(d["also"] or ""), d["question"],
                      d["unknown_age"])
           for iri, d in sorted(specs.items(), key=lambda kv: kv[1]["order"])]
    return sorted(tiers.values(), key=lambda t: -t.order), out


def rules(engine: Engine) -> tuple[list[Tier], list[TriageRule]]:
    """The tiers and rules of an engine's store, read once.

    Example:

    >>> from spineKG import load
    >>> engine = load().engine
    >>> rules(engine) is rules(engine)
    True
    >>> [(r.label, [s.label for s in r.specialists]) for r in rules(engine)[1] if r.specialists]
    [('unexplained back pain persisting about two weeks despite rest', ['neurosurgeon', 'orthopedic spine surgeon'])]
    """
    return engine.memo("triage rules", read_rules)


def compositions(engine: Engine) -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """The findings people tell as a sensation and a place (``rules.yaml`` ``compositions``), read once:
    (finding, the findings it is told with, the body areas).

    Example:

    >>> from spineKG import load
    >>> engine = load().engine
    >>> label = {iri: e.label for iri, e in engine.index.entities.items()}
    >>> [(label[f], sorted(label[o] for o in of), sorted(label[p] for p in places))
    ...  for f, of, places in compositions(engine)][1]
    ('saddle numbness', ['numbness', 'tingling'], ['saddle region'])
    """
    def read(e: Engine) -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
        parts: dict[str, tuple[set[str], set[str]]] = {}
        for f, p, v in e.store.select("""
            SELECT ?f ?p ?v WHERE { ?c a skg:FindingComposition ; skg:composes ?f ; ?p ?v .
                                    VALUES ?p { skg:ofFinding skg:inPlace } }"""):
            if f is None or v is None:
                continue
            of, places = parts.setdefault(f, (set(), set()))
            (of if (p or "").endswith("ofFinding") else places).add(v)
        return tuple((f, frozenset(of), frozenset(places)) for f, (of, places) in sorted(parts.items()))
    return engine.memo("finding compositions", read)
