"""Clinical instruments of spine oncology, computed from their tables in the graph.

SINS (Fisher 2010), the revised Tokuhashi score (2005), the Tomita score (2001), the Bilsky ESCC scale
(2010) and the NOMS framework (Laufer 2013) are data in the ontology (components, options, points,
cut-offs, decision rules, sources); these functions read them with SPARQL, so the tables live in one
place. Keyword arguments are the components, with snake_case option names.

>>> from spineKG import scores
>>> r = scores.sins(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="normal",
...                 collapse="none", posterolateral="none")
>>> r.total, r.category
(8, 'indeterminate (possibly impending) instability')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import InvalidOptionError, ScoreInputError
from .model import Entity
from .query import Engine, HasEngine, engine_of
from .vocab import SKG

__all__ = ["INSTRUMENT_OF", "InvalidOptionError", "NomsResult", "ScoreInputError", "ScoreResult", "instrument", "noms", "sins",
           "tokuhashi", "tomita"]


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    points: int


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    min: int
    max: int
    interpretation: str


@dataclass(frozen=True)
class Instrument:
    iri: str
    label: str
    definition: str
    citation: str
    components: tuple[Component, ...] = ()
    categories: tuple[Category, ...] = ()
    grades: tuple[dict[str, str], ...] = ()
    decisions: tuple[dict[str, Any], ...] = ()

    def component(self, key: str) -> Component:
        for c in self.components:
            if c.key == key:
                return c
        raise InvalidOptionError(self.label, "component", key, [c.key for c in self.components])

    def category_for(self, total: int) -> Category:
        for c in self.categories:
            if c.min <= total <= c.max:
                return c
        raise ValueError(f"{self.label}: total {total} is outside every band")


@dataclass(frozen=True)
class ScoreResult:
    """A computed score: total, category, the points of each component, interpretation and citation.

    >>> r = tomita(primary_growth="slow", visceral_mets="none", bone_mets="solitary")
    >>> r
    <ScoreResult Tomita score: 2, long-term local control>
    >>> print(str(r).splitlines()[1])
      points: primary_growth 1, visceral_mets 0, bone_mets 1
    >>> r.to_dict()["interpretation"]
    'Wide or marginal excision (e.g. total en bloc spondylectomy).'
    """

    instrument: str
    total: int
    category: str
    interpretation: str
    points: dict[str, int] = field(default_factory=dict)
    citation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "total": self.total, "category": self.category,
                "interpretation": self.interpretation, "points": dict(self.points), "citation": self.citation}

    def __repr__(self) -> str:
        return f"<ScoreResult {self.instrument}: {self.total}, {self.category}>"

    def _repr_html_(self) -> str:
        from .display import card_html

        return card_html(f"{self.instrument}: {self.total}", {"category": self.category, "interpretation": self.interpretation},
                         (("component", "points"), list(self.points.items())), self.citation)

    def to_df(self) -> Any:
        """The points of each component, one a row (needs ``pip install 'spineKG[pandas]'``)."""
        from .display import frame

        return frame([{"component": k, "points": v} for k, v in self.points.items()], ["component", "points"])

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.points.items())
        return f"{self.instrument}: {self.total} ({self.category}). {self.interpretation}\n  points: {parts}\n  source: {self.citation}"


@dataclass(frozen=True)
class NomsResult:
    """NOMS: the recommended treatments (ontology classes), with the rules that gave them.

    >>> r = noms(escc="3", radiosensitivity="radioresistant", sins=14)
    >>> r
    <NomsResult separation surgery followed by stereotactic radiosurgery; surgical stabilization>
    >>> [e.curie for e in r.recommendations], r.escc_group, r.stability
    (['skg:SeparationSurgery', 'skg:SurgicalStabilization'], 'high', 'unstable')
    """

    recommendations: tuple[Entity, ...]
    rationale: tuple[str, ...]
    radiosensitivity: str
    escc: str
    escc_group: str
    stability: str
    can_tolerate_surgery: bool
    citation: str = ""
    mechanical_pain: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": "NOMS framework", "recommendations": [e.label for e in self.recommendations],
                "recommendation_iris": [e.iri for e in self.recommendations], "rationale": list(self.rationale),
                "radiosensitivity": self.radiosensitivity, "escc": self.escc, "escc_group": self.escc_group,
                "stability": self.stability, "mechanical_pain": self.mechanical_pain,
                "can_tolerate_surgery": self.can_tolerate_surgery, "citation": self.citation}

    def __repr__(self) -> str:
        return f"<NomsResult {'; '.join(e.label for e in self.recommendations)}>"

    def _repr_html_(self) -> str:
        from .display import card_html

        return card_html("NOMS: " + "; ".join(e.label for e in self.recommendations),
                         {"radiosensitivity": self.radiosensitivity, "ESCC grade": f"{self.escc} ({self.escc_group})",
                          "stability": self.stability, "can tolerate surgery": "yes" if self.can_tolerate_surgery else "no"},
                         (("why",), [(r,) for r in self.rationale]), self.citation)

    def to_df(self) -> Any:
        """The recommended treatments, one a row (needs ``pip install 'spineKG[pandas]'``)."""
        from .display import frame

        return frame([{"treatment": e.label, "curie": e.curie, "iri": e.iri} for e in self.recommendations],
                     ["treatment", "curie", "iri"])

    def __str__(self) -> str:
        return ("NOMS: " + "; ".join(e.label for e in self.recommendations) + "\n" +
                "\n".join(f"  - {r}" for r in self.rationale) + f"\n  source: {self.citation}")


@lru_cache(maxsize=1)
def _default_engine() -> Engine:
    from .kg import load

    return load().engine


def _engine(kg: Engine | HasEngine | None) -> Engine:
    """The engine scores are read from: the given graph's, or without one the bundled release's (loaded once)."""
    return _default_engine() if kg is None else engine_of(kg)


def _int(value: str | None) -> int:
    """A whole number an instrument's definition requires (its query binds it, so it is never unbound)."""
    assert value is not None
    return int(value)


def instrument(name: str, kg: Engine | HasEngine | None = None) -> Instrument:
    """An instrument's tables as read from the graph (name: its id, label or synonym, e.g. 'SINS').

    >>> t = instrument("TomitaScore")
    >>> t.label, [c.key for c in t.components], [o.key for o in t.component("bone_mets").options]
    ('Tomita score', ['primary_growth', 'visceral_mets', 'bone_mets'], ['solitary', 'multiple'])
    >>> [(c.label, c.min, c.max) for c in t.categories][:2]
    [('long-term local control', 2, 3), ('middle-term local control', 4, 5)]
    """
    engine = _engine(kg)
    cache: dict[str, Instrument] = engine.memo("instruments", lambda e: {})
    if name in cache:
        return cache[name]
    rows = engine.store.select("""
        SELECT ?i ?label ?syn WHERE { ?i a skg:ClinicalInstrument ; rdfs:label ?label . OPTIONAL { ?i oio:hasExactSynonym ?syn } }""")
    names: dict[str, str] = {}
    for i, label, syn in rows:
        for n in (str(label), str(syn) if syn else None, str(i).rsplit("/", 1)[-1]):
            if n:
                names[n.lower()] = str(i)
    iri = names.get(name.lower())
    if iri is None:
        import difflib

        close = difflib.get_close_matches(name.lower(), list(names), n=3)
        raise InvalidOptionError("spineKG", "instrument", name, close or sorted({v.rsplit("/", 1)[-1] for v in names.values()}))
    head = engine.store.select(f"""
        SELECT ?label ?def ?cite WHERE {{ <{iri}> rdfs:label ?label ; obo:IAO_0000115 ?def ; dcterms:source ?s .
                                          ?s rdfs:label ?cite }}""")[0]
    comps: dict[str, dict[str, Any]] = {}
    for c, ckey, clabel, corder, okey, olabel, points, oorder in engine.store.select(f"""
        SELECT ?c ?ckey ?clabel ?corder ?okey ?olabel ?points ?oorder WHERE {{
          <{iri}> skg:hasComponent ?c . ?c skg:key ?ckey ; rdfs:label ?clabel ; skg:order ?corder ; skg:hasOption ?o .
          ?o skg:key ?okey ; rdfs:label ?olabel ; skg:points ?points ; skg:order ?oorder }}"""):
        d = comps.setdefault(str(c), {"key": str(ckey), "label": str(clabel), "order": _int(corder), "options": []})
        d["options"].append((_int(oorder), Option(str(okey), str(olabel), _int(points))))
    components = tuple(Component(d["key"], d["label"], tuple(o for _, o in sorted(d["options"], key=lambda x: x[0])))
                       for d in sorted(comps.values(), key=lambda d: d["order"]))
    categories = tuple(sorted((Category(str(k), str(name), _int(lo), _int(hi), str(interp))
                               for k, name, lo, hi, interp in engine.store.select(f"""
        SELECT ?key ?label ?min ?max ?interp WHERE {{ <{iri}> skg:hasCategory ?k . ?k skg:key ?key ; rdfs:label ?label ;
          skg:minScore ?min ; skg:maxScore ?max ; skg:interpretation ?interp }}""")), key=lambda c: c.min))
    grades = tuple({"key": str(k), "label": str(name), "definition": str(d), "group": str(gr)}
                   for k, name, d, gr, _ in sorted(engine.store.select(f"""
        SELECT ?key ?label ?def ?group ?order WHERE {{ <{iri}> skg:hasGrade ?g . ?g skg:key ?key ; rdfs:label ?label ;
          obo:IAO_0000115 ?def ; skg:gradeGroup ?group ; skg:order ?order }}"""), key=lambda r: _int(r[4])))
    decisions: dict[str, dict[str, Any]] = {}
    for k, key, order, rationale, strength, rs, group, stab, tol, mech, rec in engine.store.select(f"""
        SELECT ?d ?key ?order ?rationale ?strength ?rs ?group ?stab ?tol ?mech ?rec WHERE {{
          <{iri}> skg:hasDecision ?d . ?d skg:key ?key ; skg:order ?order ; skg:rationale ?rationale ; skg:strength ?strength ;
             skg:recommendsTreatment ?rec .
          OPTIONAL {{ ?d skg:whenRadiosensitivity ?rs }} OPTIONAL {{ ?d skg:whenEsccGroup ?group }}
          OPTIONAL {{ ?d skg:whenStability ?stab }} OPTIONAL {{ ?d skg:whenCanTolerateSurgery ?tol }}
          OPTIONAL {{ ?d skg:whenMechanicalPain ?mech }} }}"""):
        d = decisions.setdefault(str(k), {"key": str(key), "order": _int(order), "rationale": str(rationale),
                                          "strength": str(strength), "radiosensitivity": str(rs) if rs else None,
                                          "escc_group": str(group) if group else None, "stability": [],
                                          "can_tolerate_surgery": tol == "true" if tol is not None else None,
                                          "mechanical_pain": mech == "true" if mech is not None else None, "recommends": []})
        if stab is not None and str(stab) not in d["stability"]:
            d["stability"].append(str(stab))
        if str(rec) not in d["recommends"]:
            d["recommends"].append(str(rec))
    inst = Instrument(iri, str(head[0]), str(head[1]), str(head[2]), components, categories, grades,
                      tuple(sorted(decisions.values(), key=lambda d: d["order"])))
    cache[name] = inst
    return inst


def _score(name: str, kg: Engine | HasEngine | None, chosen: dict[str, Any]) -> ScoreResult:
    inst = instrument(name, kg)
    expected = [c.key for c in inst.components]
    unknown = [k for k in chosen if k not in expected]
    if unknown:
        raise InvalidOptionError(inst.label, "component", unknown[0], expected)
    missing = [k for k in expected if k not in chosen]
    if missing:
        raise ScoreInputError(f"{inst.label}: missing component(s) {', '.join(missing)}")
    points: dict[str, int] = {}
    for comp in inst.components:
        value = str(chosen[comp.key])
        match = next((o for o in comp.options if o.key == value), None)
        if match is None:
            raise InvalidOptionError(inst.label, comp.key, chosen[comp.key], [o.key for o in comp.options])
        points[comp.key] = match.points
    total = sum(points.values())
    cat = inst.category_for(total)
    return ScoreResult(inst.label, total, cat.label, cat.interpretation, points, inst.citation)


def sins(*, location: str, pain: str, bone_lesion: str, alignment: str, collapse: str, posterolateral: str,
         kg: Engine | HasEngine | None = None) -> ScoreResult:
    """Spinal Instability Neoplastic Score: 0-6 stable, 7-12 indeterminate, 13-18 unstable.

    >>> r = sins(location="junctional", pain="mechanical", bone_lesion="lytic", alignment="subluxation_translation",
    ...          collapse="gt50", posterolateral="bilateral")
    >>> r.total, r.category, r.interpretation
    (18, 'unstable', 'Unstable spine; a surgical consultation is warranted.')
    """
    return _score(INSTRUMENT_OF["sins"], kg, dict(location=location, pain=pain, bone_lesion=bone_lesion, alignment=alignment,
                                   collapse=collapse, posterolateral=posterolateral))


def tokuhashi(*, general_condition_kps: str, extraspinal_bone_mets: str | int, vertebral_body_mets: str | int,
              major_organ_mets: str, primary_site: str, palsy_frankel: str, kg: Engine | HasEngine | None = None) -> ScoreResult:
    """Revised Tokuhashi score: 0-8 under 6 months, 9-11 six months or more, 12-15 a year or more.

    >>> r = tokuhashi(general_condition_kps="moderate_50_70", extraspinal_bone_mets="1_2", vertebral_body_mets="ge3",
    ...               major_organ_mets="removable", primary_site="kidney_uterus", palsy_frankel="C_D")
    >>> r.total, r.category, r.points["primary_site"]
    (7, 'predicted survival under 6 months', 3)
    """
    return _score(INSTRUMENT_OF["tokuhashi"], kg, dict(
        general_condition_kps=general_condition_kps, extraspinal_bone_mets=extraspinal_bone_mets,
        vertebral_body_mets=vertebral_body_mets, major_organ_mets=major_organ_mets, primary_site=primary_site,
        palsy_frankel=palsy_frankel))


def tomita(*, primary_growth: str, visceral_mets: str, bone_mets: str, kg: Engine | HasEngine | None = None) -> ScoreResult:
    """Tomita score: 2-3 long-term control, 4-5 middle-term, 6-7 short-term palliation, 8-10 terminal care.

    >>> r = tomita(primary_growth="rapid", visceral_mets="treatable", bone_mets="multiple")
    >>> r.total, r.category
    (8, 'terminal care')
    """
    return _score(INSTRUMENT_OF["tomita"], kg, dict(primary_growth=primary_growth, visceral_mets=visceral_mets, bone_mets=bone_mets))


# the scoring functions and the instruments (in the graph) they compute
INSTRUMENT_OF = {"sins": "SINS", "tokuhashi": "RevisedTokuhashiScore", "tomita": "TomitaScore"}
STABILITY = ("stable", "potentially_unstable", "unstable")
RADIOSENSITIVITY = ("radiosensitive", "radioresistant")


def noms(*, escc: str, histology: str | None = None, radiosensitivity: str | None = None, stability: str | None = None,
         sins: int | None = None, mechanical_pain: bool = False, can_tolerate_surgery: bool = True,
         kg: Engine | HasEngine | None = None) -> NomsResult:
    """The NOMS framework's recommendation (Laufer 2013).

    ``histology`` (a tumor or primary cancer named in the graph, whose radiosensitivity the graph states) or
    ``radiosensitivity`` (radiosensitive | radioresistant); ``escc`` a Bilsky grade (0, 1a, 1b, 1c, 2, 3);
    the mechanical assessment, required: ``stability`` (stable | potentially_unstable | unstable) or ``sins``
    (a SINS total); ``mechanical_pain`` (axial load pain from a pathological fracture) adds the mechanical
    branch's cement augmentation where there is no gross instability.

    >>> r = noms(escc="2", histology="breast cancer", stability="stable")
    >>> [e.label for e in r.recommendations], r.radiosensitivity
    (['external beam radiation therapy'], 'radiosensitive')
    >>> noms(escc="1a", histology="kidney cancer")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spineKG.errors.ScoreInputError: NOMS needs the mechanical assessment: give stability= (stable, ...) or sins= (a SINS total)
    """
    engine = _engine(kg)
    framework, scale = instrument("NOMSFramework", engine), instrument("BilskyESCC", engine)
    grades = {g["key"]: g for g in scale.grades}
    if str(escc) not in grades:
        raise InvalidOptionError(scale.label, "escc", escc, list(grades))
    group = grades[str(escc)]["group"]
    why: list[str] = []
    if radiosensitivity is None:
        if histology is None:
            raise ScoreInputError("NOMS needs histology or radiosensitivity")
        radiosensitivity, hedge = _radiosensitivity_of(engine, histology)
        if hedge:
            why.append(hedge)
    if radiosensitivity not in RADIOSENSITIVITY:
        raise InvalidOptionError(framework.label, "radiosensitivity", radiosensitivity, list(RADIOSENSITIVITY))
    if stability is None:
        if sins is None:
            raise ScoreInputError(f"NOMS needs the mechanical assessment: give stability= ({', '.join(STABILITY)}) "
                                  "or sins= (a SINS total)")
        cat = instrument("SINS", kg).category_for(int(sins)).key
        stability = {"stable": "stable", "indeterminate": "potentially_unstable", "unstable": "unstable"}[cat]
    if stability not in STABILITY:
        raise InvalidOptionError(framework.label, "stability", stability, list(STABILITY))
    rs_iri = str(SKG[radiosensitivity.capitalize()])
    recs: list[str] = []
    for d in framework.decisions:
        if d["can_tolerate_surgery"] is not None:
            continue
        if d["radiosensitivity"] and d["radiosensitivity"] != rs_iri:
            continue
        if d["escc_group"] and d["escc_group"] != group:
            continue
        if d["stability"] and stability not in d["stability"]:
            continue
        if d["mechanical_pain"] is not None and d["mechanical_pain"] != mechanical_pain:
            continue
        recs += [r for r in d["recommends"] if r not in recs]
        why.append(d["rationale"])
    if not can_tolerate_surgery:
        surgery = str(SKG.Surgery)
        recs = [r for r in recs if not engine.index.is_a(r, surgery)]
        for d in framework.decisions:
            if d["can_tolerate_surgery"] is False:
                recs += [r for r in d["recommends"] if r not in recs]
                why.append(d["rationale"])
    return NomsResult(tuple(engine.index.entities[r] for r in recs), tuple(why), radiosensitivity, str(escc), group,
                      stability, can_tolerate_surgery, framework.citation, mechanical_pain)


def _radiosensitivity_of(engine: Engine, histology: str) -> tuple[str, str]:
    """The radiosensitivity the graph states for a tumor or primary cancer, and a note when it is hedged."""
    e = engine.index.lookup(histology)
    rows = engine.edges_between([e.iri], [str(SKG.Radiosensitive), str(SKG.Radioresistant)],
                                [engine.index.strict_to_weak[str(SKG.hasRadiosensitivity)]])
    values = {r["o"].rsplit("/", 1)[-1].lower(): r for r in rows}
    if len(values) != 1:
        raise ScoreInputError(
            f"the graph states conflicting radiosensitivity for {e.label!r}" if values else
            f"no published source in the graph gives a radiosensitivity class for {e.label!r}; give radiosensitivity= instead")
    value, edge = values.popitem()
    hedge = ""
    if edge["typicality"] != "always":
        hedge = (f"Radiosensitivity of {e.label}: {value} ({edge['typicality'].replace('_', ' ')}"
                 f"{'; ' + edge['note'] if edge.get('note') else ''}); give radiosensitivity= if the histology differs.")
    return value, hedge
