"""Turn the validated source into an OWL 2 DL ontology (an rdflib Graph).

Class-level assertions become existential restrictions (``C ⊑ ∃p.D``) on the strict property when
they hold without a hedge, on its weak ("may") variant otherwise; qualifiers and sources are OWL
axiom annotations (``owl:Axiom`` with ``owl:annotatedSource/Property/Target``). Blank nodes get
labels derived from their content, so the same source always serialises to the same text.
"""
from __future__ import annotations

import hashlib
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from .namespaces import DEFINITION, OIO, ONTOLOGY_IRI, PREFIXES, SKG, SOURCE
from . import lexicon
from .source import Assertion, OntologySource

ANNOTATION_PROPERTIES = {
    SKG.typicality: "typicality",
    SKG.rank: "frequency rank",
    SKG.share: "share of cases (percent)",
    SKG.inRegion: "holds in spinal region",
    SKG.note: "curator note",
    SKG.cue: "question cue",
    SKG.word: "relation word",
    SKG.mappingPredicate: "mapping predicate",
    SKG.sourceKind: "kind of source",
    SKG.ruleOrder: "rule order",
    SKG.requiresAll: "requires all of",
    SKG.requiresAny: "requires any of",
    SKG.urgency: "urgency",
    SKG.recommendsSpecialist: "recommends specialist",
    SKG.minPainDays: "minimum duration of pain (days)",
    SKG.isDefault: "default rule",
    SKG.weakVariant: "weak (may) variant",
    SKG.hasComponent: "has component",
    SKG.hasOption: "has option",
    SKG.hasCategory: "has category",
    SKG.hasGrade: "has grade",
    SKG.hasDecision: "has decision rule",
    SKG.key: "key (as given to spineKG.scores)",
    SKG.points: "points",
    SKG.minScore: "minimum total",
    SKG.maxScore: "maximum total",
    SKG.interpretation: "interpretation",
    SKG.order: "order",
    SKG.gradeGroup: "grade group",
    SKG.whenRadiosensitivity: "applies when the radiosensitivity is",
    SKG.whenEsccGroup: "applies when the ESCC grade group is",
    SKG.whenStability: "applies when the stability is",
    SKG.whenCanTolerateSurgery: "applies when the patient can tolerate surgery",
    SKG.recommendsTreatment: "recommends treatment",
    SKG.strength: "strength of recommendation",
    SKG.rationale: "rationale",
    SKG.singleValued: "single valued (closer assertions override inherited ones)",
}


def bnode(*parts: Any) -> BNode:
    digest = hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]
    return BNode(f"b{digest}")


def rdf_list(g: Graph, items: list[Any], *key: Any) -> BNode:
    """An RDF list with content-derived blank nodes (rdflib's Collection would use random ones)."""
    nodes = [bnode("list", n, *key) for n in range(len(items))]
    for n, (node, item) in enumerate(zip(nodes, items)):
        g.add((node, RDF.first, item))
        g.add((node, RDF.rest, nodes[n + 1] if n + 1 < len(nodes) else RDF.nil))
    return nodes[0]


def prop_iri(src: OntologySource, prop: str, typicality: str) -> URIRef:
    return SKG[prop] if typicality == "always" else SKG[src.weak(prop)]


def annotate(g: Graph, subject: URIRef | BNode, predicate: URIRef, target: Any, qualifiers: dict[URIRef, Any], key: tuple) -> BNode:
    ax = bnode("axiom", *key)
    g.add((ax, RDF.type, OWL.Axiom))
    g.add((ax, OWL.annotatedSource, subject))
    g.add((ax, OWL.annotatedProperty, predicate))
    g.add((ax, OWL.annotatedTarget, target))
    for p, v in qualifiers.items():
        if v is not None:
            g.add((ax, p, v))
    return ax


def qualifiers(a: Assertion) -> dict[URIRef, Any]:
    return {
        DCTERMS.source: SOURCE[a.source],
        SKG.typicality: Literal(a.typicality),
        SKG.rank: Literal(a.rank) if a.rank else None,
        SKG.share: Literal(a.share, datatype=XSD.decimal) if a.share is not None else None,
        SKG.inRegion: SKG[a.region] if a.region else None,
        SKG.note: Literal(a.note) if a.note else None,
    }


def class_expression(g: Graph, src: OntologySource, expr: Any, owner: str) -> URIRef | BNode:
    if isinstance(expr, str):
        return SKG[expr]
    (op, value), = expr.items()
    if op == "some":
        node = bnode("some", owner, value[0], value[1])
        g.add((node, RDF.type, OWL.Restriction))
        g.add((node, OWL.onProperty, SKG[value[0]]))
        g.add((node, OWL.someValuesFrom, class_expression(g, src, value[1], owner)))
        return node
    node = bnode(op, owner, repr(value))
    g.add((node, RDF.type, OWL.Class))
    members = [class_expression(g, src, v, owner) for v in value]
    head = rdf_list(g, members, op, owner, repr(value))
    g.add((node, OWL.intersectionOf if op == "and" else OWL.unionOf, head))
    return node


def build_owl(src: OntologySource) -> Graph:
    g = Graph()
    for p, iri in PREFIXES.items():
        g.bind(p, iri)
    onto = URIRef(ONTOLOGY_IRI)
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, OWL.versionIRI, URIRef(f"https://w3id.org/spinekg/{src.meta['version']}/spinekg.owl")))
    g.add((onto, OWL.versionInfo, Literal(src.meta["version"])))
    g.add((onto, DCTERMS.title, Literal(src.meta["title"], lang="en")))
    g.add((onto, DCTERMS.description, Literal(src.meta["description"], lang="en")))
    g.add((onto, DCTERMS.license, URIRef(src.meta["license"])))

    for ap, label in ANNOTATION_PROPERTIES.items():
        g.add((ap, RDF.type, OWL.AnnotationProperty))
        g.add((ap, RDFS.label, Literal(label, lang="en")))
    for ap in (DCTERMS.source, DEFINITION, OIO.hasExactSynonym, OIO.hasDbXref, DCTERMS.title):
        g.add((ap, RDF.type, OWL.AnnotationProperty))
    g.add((DEFINITION, RDFS.label, Literal("definition", lang="en")))

    # sources
    g.add((SKG.Source, RDF.type, OWL.Class))
    g.add((SKG.Source, RDFS.label, Literal("source", lang="en")))
    g.add((SKG.Source, DEFINITION, Literal("A publication, section or registry that an assertion of the graph rests on.", lang="en")))
    g.add((SKG.Source, DCTERMS.source, SOURCE["spinekg-modelling"]))
    for sid, spec in src.sources.items():
        s = SOURCE[sid]
        g.add((s, RDF.type, OWL.NamedIndividual))
        g.add((s, RDF.type, SKG.Source))
        g.add((s, RDFS.label, Literal(spec["title"], lang="en")))
        g.add((s, SKG.sourceKind, Literal(spec.get("kind", "literature"))))
        if spec.get("url"):
            g.add((s, RDFS.seeAlso, URIRef(spec["url"])))

    # object properties: strict ⊑ weak
    for prop in src.properties.values():
        strict, weak = SKG[prop.id], SKG[prop.weak]
        for iri, label in ((strict, prop.label), (weak, f"may: {prop.label}")):
            g.add((iri, RDF.type, OWL.ObjectProperty))
            g.add((iri, RDFS.label, Literal(label, lang="en")))
            if prop.transitive:
                g.add((iri, RDF.type, OWL.TransitiveProperty))
        g.add((strict, RDFS.subPropertyOf, weak))
        g.add((strict, SKG.weakVariant, weak))
        g.add((weak, DEFINITION, Literal(f"Holds when the source states that the subject may, usually or sometimes {prop.label} the object; the typicality annotation says which.", lang="en")))
        g.add((strict, DEFINITION, Literal(f"Every member of the subject class {prop.label} some member of the object class.", lang="en")))
        if prop.functional:
            g.add((strict, RDF.type, OWL.FunctionalProperty))
        if prop.single_valued:
            g.add((weak, SKG.singleValued, Literal(True)))
        for n, chain in enumerate(prop.chains):
            for level, target in (("strict", strict), ("weak", weak)):
                members = [SKG[c] if level == "strict" else SKG[src.weak(c)] for c in chain]
                head = rdf_list(g, members, "chain", prop.id, level, n)
                g.add((target, OWL.propertyChainAxiom, head))

    # classes
    for e in src.entities.values():
        c = SKG[e.id]
        g.add((c, RDF.type, OWL.Class))
        g.add((c, RDFS.label, Literal(e.label, lang="en")))
        g.add((c, DEFINITION, Literal(e.definition, lang="en")))
        g.add((c, DCTERMS.source, SOURCE[e.source]))
        for syn in e.synonyms:
            g.add((c, OIO.hasExactSynonym, Literal(syn, lang="en")))
        for p in e.parents:
            g.add((c, RDFS.subClassOf, SKG[p.id]))
            annotate(g, c, RDFS.subClassOf, SKG[p.id], {
                DCTERMS.source: SOURCE[p.source or e.source], SKG.typicality: Literal(p.typicality),
                SKG.rank: Literal(p.rank) if p.rank else None}, ("sub", e.id, p.id))
        if e.defined_as is not None:
            expr = class_expression(g, src, e.defined_as, e.id)
            g.add((c, OWL.equivalentClass, expr))
            annotate(g, c, OWL.equivalentClass, expr, {DCTERMS.source: SOURCE[e.source]}, ("eq", e.id))

    # class-level assertions as annotated existential restrictions
    for a in src.assertions:
        p = prop_iri(src, a.p, a.typicality)
        r = bnode("restriction", a.s, p, a.o)
        g.add((r, RDF.type, OWL.Restriction))
        g.add((r, OWL.onProperty, p))
        g.add((r, OWL.someValuesFrom, SKG[a.o]))
        g.add((SKG[a.s], RDFS.subClassOf, r))
        annotate(g, SKG[a.s], RDFS.subClassOf, r, qualifiers(a), ("assert", a.s, a.p, a.o, a.typicality, a.region))

    # cross-references
    for x in src.xrefs:
        lit = Literal(x.code)
        g.add((SKG[x.id], OIO.hasDbXref, lit))
        annotate(g, SKG[x.id], OIO.hasDbXref, lit, {
            SKG.mappingPredicate: Literal(f"skos:{x.mapping}Match"), DCTERMS.source: SOURCE[x.source],
            SKG.note: Literal(x.note) if x.note else None}, ("xref", x.id, x.code))

    # clinical instruments: individuals with their components, options, cut-offs and decision rules
    for inst in src.instruments:
        add_instrument(g, inst)

    lexicon.emit(g, src)

    # triage rules: individuals whose conditions point at classes through annotation properties
    g.add((SKG.TriageRule, RDF.type, OWL.Class))
    g.add((SKG.TriageRule, RDFS.label, Literal("triage rule", lang="en")))
    g.add((SKG.TriageRule, DEFINITION, Literal("A rule of when and whom to see for back pain, applied in order; the first that fires gives the urgency.", lang="en")))
    g.add((SKG.TriageRule, DCTERMS.source, SOURCE["spinekg-modelling"]))
    for r in src.rules:
        i = SKG[r.id]
        g.add((i, RDF.type, OWL.NamedIndividual))
        g.add((i, RDF.type, SKG.TriageRule))
        g.add((i, RDFS.label, Literal(r.label, lang="en")))
        g.add((i, DEFINITION, Literal(r.definition, lang="en")))
        g.add((i, DCTERMS.source, SOURCE[r.source]))
        g.add((i, SKG.ruleOrder, Literal(r.order)))
        g.add((i, SKG.urgency, SKG[r.urgency]))
        for x in r.requires_all:
            g.add((i, SKG.requiresAll, SKG[x]))
        for x in r.requires_any:
            g.add((i, SKG.requiresAny, SKG[x]))
        for x in r.specialists:
            g.add((i, SKG.recommendsSpecialist, SKG[x]))
        if r.min_pain_days is not None:
            g.add((i, SKG.minPainDays, Literal(r.min_pain_days)))
        if r.default:
            g.add((i, SKG.isDefault, Literal(True)))
    return g


def add_instrument(g: Graph, inst: dict[str, Any]) -> None:
    """An instrument as individuals: instrument → components → options (points); categories (cut-offs);
    grades; decision rules (conditions → recommended treatment classes)."""
    iid = inst["id"]
    i = SKG[iid]

    def individual(node: URIRef, label: str, kind: URIRef = SKG.InstrumentPart) -> None:
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, kind))
        g.add((node, RDFS.label, Literal(label, lang="en")))

    g.add((SKG.InstrumentPart, RDF.type, OWL.Class))
    g.add((SKG.InstrumentPart, RDFS.label, Literal("part of a clinical instrument", lang="en")))
    g.add((SKG.InstrumentPart, DEFINITION, Literal("A component, option, cut-off band, grade or decision rule of a clinical instrument.", lang="en")))
    g.add((SKG.InstrumentPart, DCTERMS.source, SOURCE["spinekg-modelling"]))
    individual(i, inst["label"], SKG.ClinicalInstrument)
    g.add((i, DEFINITION, Literal(inst["definition"], lang="en")))
    g.add((i, DCTERMS.source, SOURCE[inst["source"]]))
    for syn in inst.get("synonyms", []):
        g.add((i, OIO.hasExactSynonym, Literal(syn, lang="en")))
    def part(name: str, label: str, link: URIRef, key: object) -> URIRef:
        """An individual part of the instrument, linked from it, with its key."""
        node = SKG[f"{iid}_{name}"]
        individual(node, label)
        g.add((i, link, node))
        g.add((node, SKG.key, Literal(str(key))))
        return node

    for n, comp in enumerate(inst.get("components", [])):
        c = part(str(comp["key"]), comp["label"], SKG.hasComponent, comp["key"])
        g.add((c, SKG.order, Literal(n + 1)))
        for m, opt in enumerate(comp["options"]):
            o = SKG[f"{iid}_{comp['key']}_{opt['key']}"]
            individual(o, opt["label"])
            g.add((c, SKG.hasOption, o))
            g.add((o, SKG.key, Literal(str(opt["key"]))))
            g.add((o, SKG.points, Literal(int(opt["points"]))))
            g.add((o, SKG.order, Literal(m + 1)))
    for cat in inst.get("categories", []):
        k = part(f"category_{cat['key']}", cat["label"], SKG.hasCategory, cat["key"])
        g.add((k, SKG.minScore, Literal(int(cat["min"]))))
        g.add((k, SKG.maxScore, Literal(int(cat["max"]))))
        g.add((k, SKG.interpretation, Literal(cat["interpretation"], lang="en")))
    for n, grade in enumerate(inst.get("grades", [])):
        k = part(f"grade_{grade['key']}", grade["label"], SKG.hasGrade, grade["key"])
        g.add((k, SKG.order, Literal(n + 1)))
        g.add((k, DEFINITION, Literal(grade["definition"], lang="en")))
        g.add((k, SKG.gradeGroup, Literal(grade["group"])))
    for d in inst.get("decisions", []):
        k = SKG[f"{iid}_decision_{d['key']}"]
        individual(k, d["key"].replace("_", " "))
        g.add((i, SKG.hasDecision, k))
        g.add((k, SKG.key, Literal(d["key"])))
        g.add((k, SKG.order, Literal(int(d["order"]))))
        g.add((k, SKG.rationale, Literal(d["rationale"], lang="en")))
        g.add((k, SKG.strength, Literal(d.get("strength", "recommended"))))
        if d.get("radiosensitivity"):
            g.add((k, SKG.whenRadiosensitivity, SKG[d["radiosensitivity"]]))
        if d.get("escc_group"):
            g.add((k, SKG.whenEsccGroup, Literal(d["escc_group"])))
        if d.get("stability"):
            g.add((k, SKG.whenStability, Literal(d["stability"])))
        if "can_tolerate_surgery" in d:
            g.add((k, SKG.whenCanTolerateSurgery, Literal(bool(d["can_tolerate_surgery"]))))
        for r in d.get("recommends", []):
            g.add((k, SKG.recommendsTreatment, SKG[r]))
