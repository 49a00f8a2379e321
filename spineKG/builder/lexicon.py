"""The lexicon (``ontology/src/lexicon.yaml``): how people talk about what the graph holds.

Lay words, abbreviations and shorthand become typed OBO synonyms (``oio:hasExactSynonym`` and its
narrow, broad and related siblings) with an ``oio:hasSynonymType`` (OMO's abbreviation or layperson
synonym, or spineKG's clinical shorthand) and a source; relation phrasings become ``skg:word`` on both
variants of a property; answer-kind cues ``skg:cue`` on a class; context cues (negation, hypothesis,
someone else's experience, history) literals on one individual per category.

>>> from spineKG.builder.source import load_source
>>> lex = load_source().lexicon
>>> "causes" in lex.relations
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from ..errors import SourceError, suggest
from .axioms import annotate
from .namespaces import DEFINITION, OBO, OIO, SKG, SOURCE
from .yamlio import read_yaml

if TYPE_CHECKING:
    from .source import OntologySource

SCOPES = {"exact": OIO.hasExactSynonym, "narrow": OIO.hasNarrowSynonym, "broad": OIO.hasBroadSynonym,
          "related": OIO.hasRelatedSynonym}
REGISTERS = {"lay": OBO.OMO_0003003, "abbreviation": OBO.OMO_0003000, "shorthand": SKG.ClinicalShorthand}
CONTEXTS = {"negated": SKG.NegatedContext, "hypothetical": SKG.HypotheticalContext, "family": SKG.FamilyContext,
            "historical": SKG.HistoricalContext, "excluded": SKG.ExcludedContext, "possible": SKG.PossibleContext,
            "relative": SKG.RelativeContext, "improvement": SKG.ImprovementContext,
            "shared": SKG.SharedContext, "intended": SKG.IntendedContext, "dictated": SKG.DictatedContext,
            "brief": SKG.BriefContext, "pattern": SKG.PatternContext, "denied_list": SKG.DeniedListContext}
DIRECTIONS = {"preceding": SKG.precedingCue, "following": SKG.followingCue, "pseudo": SKG.pseudoCue,
              "termination": SKG.terminationCue}
FORMS = {"request": SKG.RequestForm, "share": SKG.ShareForm}
DEFAULT_SOURCE = "spinekg-lexicon"
EXTRA_RANKS = ("least_common", "typical", "always")   # read by the interpreter: the reverse order, "usually" (a
# typicality), and "all" / "always" (a yes-no question about every member: only what always holds answers yes)


@dataclass(frozen=True)
class Name:
    entity: str
    text: str
    scope: str = "exact"
    register: str = "lay"
    source: str = DEFAULT_SOURCE
    line: int = 0


@dataclass
class Lexicon:
    names: list[Name] = field(default_factory=list)
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    inverse: dict[str, tuple[str, ...]] = field(default_factory=dict)
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ranks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    context: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    fillers: tuple[str, ...] = ()


def read(path: Path, src: OntologySource) -> Lexicon:
    """Read and check the lexicon against the entities, properties and sources of the source."""
    lex = Lexicon()
    if not path.exists():
        return lex
    data = read_yaml(path) or {}
    line = data.get("__line__")

    def known(ref: str, pool: Any, what: str, at: int | None) -> None:
        if ref not in pool:
            hint = suggest(ref, list(pool))
            raise SourceError(path, at, f"unknown {what} '{ref}'" + (f" (did you mean {', '.join(hint)}?)" if hint else ""))

    for eid, items in (data.get("names") or {}).items():
        if eid == "__line__":
            continue
        known(eid, src.entities, "entity", line)
        for item in items or ():
            spec = {"text": item} if isinstance(item, str) else item
            at = spec.get("__line__", line) if isinstance(spec, dict) else line
            if not isinstance(spec, dict) or not isinstance(spec.get("text"), str) or not spec["text"].strip():
                raise SourceError(path, at, f"{eid}: a name needs a text")
            scope, register = spec.get("type", "exact"), spec.get("register", "lay")
            source = spec.get("source", DEFAULT_SOURCE)
            known(scope, SCOPES, "synonym type", at)
            known(register, REGISTERS, "register", at)
            known(source, src.sources, "source", at)
            lex.names.append(Name(eid, spec["text"].strip(), scope, register, source, at or 0))
    for pid, phrases in (data.get("relations") or {}).items():
        if pid != "__line__":
            known(pid, src.properties, "property", line)
            lex.relations[pid] = tuple(str(p) for p in phrases or ())
    for pid, phrases in (data.get("inverse_relations") or {}).items():
        if pid != "__line__":
            known(pid, src.properties, "property", line)
            lex.inverse[pid] = tuple(str(p) for p in phrases or ())
    for form, phrases in (data.get("forms") or {}).items():
        if form != "__line__":
            known(form, FORMS, "form", line)
            lex.forms[form] = tuple(str(p) for p in phrases or ())
    for cid, phrases in (data.get("cues") or {}).items():
        if cid != "__line__":
            known(cid, src.entities, "entity", line)
            lex.cues[cid] = tuple(str(p) for p in phrases or ())
    for rank, phrases in (data.get("ranks") or {}).items():
        if rank != "__line__":
            known(rank, [*src.ranks, *EXTRA_RANKS], "rank", line)
            lex.ranks[rank] = tuple(str(p) for p in phrases or ())
    for cat, dirs in (data.get("context") or {}).items():
        if cat == "__line__":
            continue
        known(cat, CONTEXTS, "context category", line)
        lex.context[cat] = {}
        for d, phrases in (dirs or {}).items():
            if d != "__line__":
                known(d, DIRECTIONS, "context direction", dirs.get("__line__"))
                lex.context[cat][d] = tuple(str(p) for p in phrases or ())
    fillers = data.get("fillers") or []
    if not isinstance(fillers, list) or not all(isinstance(f, str) and f.strip() for f in fillers):
        raise SourceError(path, line, "fillers: a list of words")
    lex.fillers = tuple(dict.fromkeys(f.strip() for f in fillers))
    return lex


def _described(g: Graph, node: URIRef, kind: URIRef, label: str, definition: str) -> None:
    """A modelling node of the lexicon (a class or an individual), with its label, definition and source."""
    g.add((node, RDF.type, kind))
    g.add((node, RDFS.label, Literal(label, lang="en")))
    g.add((node, DEFINITION, Literal(definition, lang="en")))
    g.add((node, URIRef("http://purl.org/dc/terms/source"), SOURCE[DEFAULT_SOURCE]))


def emit(g: Graph, src: OntologySource) -> None:
    """Write the lexicon into the OWL graph."""
    lex = src.lexicon
    for ap, label in ((SKG.ClinicalShorthand, "clinical shorthand"),):
        g.add((ap, RDF.type, OWL.AnnotationProperty))
        g.add((ap, RDFS.label, Literal(label, lang="en")))
    for omo, label in ((OBO.OMO_0003000, "abbreviation"), (OBO.OMO_0003003, "layperson synonym")):
        g.add((omo, RDF.type, OWL.AnnotationProperty))
        g.add((omo, RDFS.label, Literal(label, lang="en")))
    for prop in (*SCOPES.values(), OIO.hasSynonymType):
        g.add((prop, RDF.type, OWL.AnnotationProperty))
    for n in lex.names:
        lit = Literal(n.text, lang="en")
        g.add((SKG[n.entity], SCOPES[n.scope], lit))
        annotate(g, SKG[n.entity], SCOPES[n.scope], lit, {OIO.hasSynonymType: REGISTERS[n.register],
                                                          SKG.synonymSource: SOURCE[n.source]},
                 ("lexicon", n.entity, n.scope, n.text))
    for pid, phrases in lex.relations.items():
        relation = src.properties[pid]
        for iri in (SKG[relation.id], SKG[relation.weak]):
            for w in phrases:
                g.add((iri, SKG.word, Literal(w)))
    for pid, phrases in lex.inverse.items():
        relation = src.properties[pid]
        for iri in (SKG[relation.id], SKG[relation.weak]):
            for i, w in enumerate(phrases):
                g.add((iri, SKG.inverseWord, Literal(w)))
                if i == 0:
                    g.add((iri, SKG.inverseLabel, Literal(w, lang="en")))
    _described(g, SKG.QuestionForm, OWL.Class, "question form",
        "A way of asking that is not a kind of answer: a request for a list, or a question about a share in percent; "
        "its skg:cue values are the words that mark it.")
    for form, phrases in lex.forms.items():
        node = FORMS[form]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, SKG.QuestionForm))
        g.add((node, RDFS.label, Literal(form)))
        for p in phrases:
            g.add((node, SKG.cue, Literal(p)))
    for cid, phrases in lex.cues.items():
        for cue in phrases:
            g.add((SKG[cid], SKG.cue, Literal(cue)))
    _described(g, SKG.RankCue, OWL.Class, "rank cue",
        "Words that, in a question, ask for the answers of a rank (the most common, the first-line) or of a typicality "
        "(what usually holds); skg:rankKey names the rank.")
    for rank, phrases in lex.ranks.items():
        node = SKG["rank_" + rank]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, SKG.RankCue))
        g.add((node, SKG.rankKey, Literal(rank)))
        for p in phrases:
            g.add((node, SKG.cue, Literal(p)))
    _described(g, SKG.FillerWords, OWL.NamedIndividual, "filler words",
        "Words that say nothing of what a phrase names ('have gone', 'seem to', 'really'), skipped on both sides when a "
        "name is matched in a text; its skg:cue values are the words.")
    for f in lex.fillers:
        g.add((SKG.FillerWords, SKG.cue, Literal(f)))
    _described(g, SKG.ContextCategory, OWL.Class, "context category",
        "A way a finding named in a text may not be a present fact about the patient: negated, hypothetical, "
        "experienced by someone else, or in the past; its cues are the words that mark it.")
    for cat, dirs in lex.context.items():
        node = CONTEXTS[cat]
        g.add((node, RDF.type, OWL.NamedIndividual))
        g.add((node, RDF.type, SKG.ContextCategory))
        g.add((node, RDFS.label, Literal(cat)))
        for d, phrases in dirs.items():
            for p in phrases:
                g.add((node, DIRECTIONS[d], Literal(p)))
