"""Turn the validated source into an OWL 2 DL ontology (an rdflib Graph).

Class-level assertions become existential restrictions (``C ⊑ ∃p.D``) on the strict property when
they hold without a hedge, on its weak ("may") variant otherwise; qualifiers and sources are OWL
axiom annotations (``owl:Axiom`` with ``owl:annotatedSource/Property/Target``). Blank nodes get
labels derived from their content, so the same source always serialises to the same text.
"""
from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from . import lexicon, triage
from .axioms import annotate, bnode
from .namespaces import DEFINITION, OIO, ONTOLOGY_IRI, PREFIXES, SKG, SKOS, SOURCE
from .source import Assertion, OntologySource, Xref

# where the schemes of the cross-references resolve (the expansions SSSOM's curie map also uses)
XREF_PREFIXES = {
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_", "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "HP": "http://purl.obolibrary.org/obo/HP_", "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_", "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_", "UMLS": "https://uts.nlm.nih.gov/uts/umls/concept/",
    "ICD10CM": "https://icd.codes/icd10cm/", "ICDO3": "https://w3id.org/spinekg/icdo3/",
    "ONCOTREE": "http://oncotree.mskcc.org/api/tumorTypes/search/code/",
}


def xref_iri(x: Xref) -> URIRef:
    """The IRI a cross-reference's CURIE expands to (ICD-O-3 has no resolver: a local IRI)."""
    prefix, local = x.code.split(":", 1)
    return URIRef(XREF_PREFIXES[prefix] + local)

ANNOTATION_PROPERTIES = {
    SKG.typicality: "typicality",
    SKG.rank: "frequency rank",
    SKG.share: "share of cases (percent)",
    SKG.inRegion: "holds in spinal region",
    SKG.note: "curator note",
    SKG.cue: "question cue",
    SKG.word: "relation word",
    SKG.mappingPredicate: "mapping predicate",
    SKG.mappingJustification: "mapping justification (SSSOM, semapv)",
    SKG.statementKind: "kind of statement (strict, member, population)",
    SKG.inheritedFrom: "inherited from",
    SKG.populationStatement: "states of the class as a population",
    SKG.statedRelation: "relation of a population statement",
    SKG.whenMechanicalPain: "applies when there is mechanical pain",
    SKG.sourceKind: "kind of source",
    SKG.ruleOrder: "rule order",
    SKG.requiresAll: "requires all of",
    SKG.requiresAny: "requires any of",
    SKG.urgency: "urgency",
    SKG.recommendsSpecialist: "recommends specialist",
    SKG.minPainDays: "minimum duration of pain (days)",
    SKG.isDefault: "default rule",
    SKG.composes: "composes the finding",
    SKG.ofFinding: "of a finding",
    SKG.inPlace: "in a body area",
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


def rdf_list(g: Graph, items: list[Any], *key: Any) -> BNode:
    """An RDF list with content-derived blank nodes (rdflib's Collection would use random ones)."""
    nodes = [bnode("list", n, *key) for n in range(len(items))]
    for n, (node, item) in enumerate(zip(nodes, items)):
        g.add((node, RDF.first, item))
        g.add((node, RDF.rest, nodes[n + 1] if n + 1 < len(nodes) else RDF.nil))
    return nodes[0]


def prop_iri(src: OntologySource, prop: str, typicality: str) -> URIRef:
    return SKG[prop] if typicality == "always" else SKG[src.weak(prop)]


def qualifiers(a: Assertion) -> dict[URIRef, Any]:
    return {
        DCTERMS.source: SOURCE[a.source],
        SKG.typicality: Literal(a.typicality),
        SKG.statementKind: Literal(a.kind),
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
    for ap in (DCTERMS.source, DEFINITION, *lexicon.SCOPES.values(), OIO.hasDbXref, DCTERMS.title,
               SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch):
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
        g.add((weak, DEFINITION, Literal(f"Holds when the source states that the subject may, usually or sometimes "
                                         f"{prop.label} the object; the typicality annotation says which.", lang="en")))
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
            g.add((c, lexicon.SCOPES[syn.type], Literal(syn.text, lang="en")))
        for parent in e.parents:
            g.add((c, RDFS.subClassOf, SKG[parent.id]))
            annotate(g, c, RDFS.subClassOf, SKG[parent.id], {
                DCTERMS.source: SOURCE[parent.source or e.source], SKG.typicality: Literal("always"),
                SKG.rank: Literal(parent.rank) if parent.rank else None}, ("sub", e.id, parent.id))
        if e.direct_members:
            g.add((c, SKG.directMembers, Literal(True)))
        if e.category:
            g.add((c, SKG.namesCategory, Literal(True)))
        if e.defined_as is not None:
            expr = class_expression(g, src, e.defined_as, e.id)
            g.add((c, OWL.equivalentClass, expr))
            annotate(g, c, OWL.equivalentClass, expr, {DCTERMS.source: SOURCE[e.source]}, ("eq", e.id))

    # class-level assertions: about every member (an annotated existential restriction, strict or weak property)
    # or about the class as a population: an annotation of the class (skg:populationStatement, whose axiom
    # annotation names the relation), which a reasoner does not pass to subclasses or members
    for a in src.assertions:
        p = prop_iri(src, a.p, a.typicality)
        if a.population:
            g.add((SKG[a.s], SKG.populationStatement, SKG[a.o]))
            annotate(g, SKG[a.s], SKG.populationStatement, SKG[a.o], qualifiers(a) | {SKG.statedRelation: p},
                     ("population", a.s, a.p, a.o, a.typicality, a.region))
            continue
        r = bnode("restriction", a.s, p, a.o)
        g.add((r, RDF.type, OWL.Restriction))
        g.add((r, OWL.onProperty, p))
        g.add((r, OWL.someValuesFrom, SKG[a.o]))
        g.add((SKG[a.s], RDFS.subClassOf, r))
        annotate(g, SKG[a.s], RDFS.subClassOf, r, qualifiers(a), ("assert", a.s, a.p, a.o, a.typicality, a.region))

    # disjointness: what no class can be at once (compartments, behaviours, kinds of entity)
    for classes, source in src.disjoint:
        node = bnode("disjoint", *classes)
        g.add((node, RDF.type, OWL.AllDisjointClasses))
        g.add((node, OWL.members, rdf_list(g, [SKG[c] for c in classes], "disjoint", *classes)))
        g.add((node, DCTERMS.source, SOURCE[source]))

    # cross-references: oboInOwl xref (the CURIE) and the SKOS mapping to its IRI, with predicate and justification
    for x in src.xrefs:
        lit = Literal(x.code)
        g.add((SKG[x.id], OIO.hasDbXref, lit))
        g.add((SKG[x.id], SKOS[f"{x.mapping}Match"], xref_iri(x)))
        annotate(g, SKG[x.id], OIO.hasDbXref, lit, {
            SKG.mappingPredicate: Literal(x.predicate), SKG.mappingJustification: Literal(f"semapv:{x.justification}"),
            DCTERMS.source: SOURCE[x.source], SKG.note: Literal(x.note) if x.note else None}, ("xref", x.id, x.code))

    # clinical instruments: individuals with their components, options, cut-offs and decision rules
    for inst in src.instruments:
        add_instrument(g, inst)

    lexicon.emit(g, src)

    triage.emit(g, src)
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
    g.add((SKG.InstrumentPart, DEFINITION,
           Literal("A component, option, cut-off band, grade or decision rule of a clinical instrument.", lang="en")))
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
        for stability in ([d["stability"]] if isinstance(d.get("stability"), str) else d.get("stability") or []):
            g.add((k, SKG.whenStability, Literal(stability)))
        if "mechanical_pain" in d:
            g.add((k, SKG.whenMechanicalPain, Literal(bool(d["mechanical_pain"]))))
        if "can_tolerate_surgery" in d:
            g.add((k, SKG.whenCanTolerateSurgery, Literal(bool(d["can_tolerate_surgery"]))))
        for r in d.get("recommends", []):
            g.add((k, SKG.recommendsTreatment, SKG[r]))
