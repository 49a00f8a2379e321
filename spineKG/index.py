"""The entity index: labels, names, kinds, hierarchy and the question vocabulary, read once from the store.

Everything here comes from the graph: the entities with their labels, curated synonyms (with their OBO
scope) and lexicon names (lay words, abbreviations, shorthand), the hierarchy, the relations with the
words people use for them, the answer-kind cues, rank cues and context cues (negation, hypothesis,
someone else's, history). It serves lookup (with suggestions for unknown names) and gives the linker
and the interpreter their vocabulary.

>>> from spineKG import load
>>> idx = load().index
>>> idx.lookup("neck").label
'cervical spine'
>>> idx.lookup("MONDO:0003174").label
'astrocytoma'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import AmbiguousTermError, UnknownTermError, suggest
from .model import Entity, Source
from .store import Store
from .terms import KINDS
from .text import norm
from .vocab import SKG

__all__ = ["Index", "NameRef", "KIND_ORDER"]

KIND_ORDER = tuple(kind for kind, _, _ in KINDS)
_SCOPE = {"hasExactSynonym": "exact", "hasNarrowSynonym": "narrow", "hasBroadSynonym": "broad",
          "hasRelatedSynonym": "related", "label": "label"}
_REGISTER = {"OMO_0003000": "abbreviation", "OMO_0003003": "lay", "ClinicalShorthand": "shorthand"}


@dataclass(frozen=True)
class NameRef:
    """One name of an entity as the linker sees it: its scope (label, exact, narrow, broad, related) and
    register (curated, lay, abbreviation, shorthand).

    >>> from spineKG import load
    >>> ref = load().engine.index.name_refs["feet"][0]
    >>> ref.iri, ref.scope, ref.register
    ('https://w3id.org/spinekg/Leg', 'narrow', 'lay')
    """

    iri: str
    text: str
    scope: str = "exact"
    register: str = "curated"


@dataclass
class Index:
    """Entities, names and vocabulary of one store (see the module docstring).

    >>> from spineKG import load
    >>> idx = load().engine.index
    >>> ependymoma = idx.lookup("ependymoma")
    >>> sorted(idx.entities[p].label for p in idx.parents[ependymoma.iri])
    ['intramedullary tumor', 'primary spinal tumor', 'spinal ependymal tumor']
    >>> idx.is_a(ependymoma.iri, idx.lookup("spinal tumor").iri)
    True
    """

    entities: dict[str, Entity] = field(default_factory=dict)          # iri -> Entity
    names: dict[str, set[str]] = field(default_factory=dict)            # normalised label or exact name -> iris
    name_refs: dict[str, list[NameRef]] = field(default_factory=dict)   # normalised name (any scope) -> its refs
    parents: dict[str, set[str]] = field(default_factory=dict)          # iri -> direct parents
    ancestors: dict[str, set[str]] = field(default_factory=dict)        # iri -> all superclasses
    cues: dict[str, set[str]] = field(default_factory=dict)             # normalised cue -> category iris
    relations: dict[str, str] = field(default_factory=dict)             # weak property iri -> label
    relation_words: dict[str, set[str]] = field(default_factory=dict)   # normalised phrase -> weak property iris
    inverse_words: dict[str, set[str]] = field(default_factory=dict)    # phrase for the relation read from its object
    inverse_labels: dict[str, str] = field(default_factory=dict)        # weak property iri -> its name read backwards
    forms: dict[str, str] = field(default_factory=dict)                 # normalised phrase -> request | share
    strict_to_weak: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    single_valued: set[str] = field(default_factory=set)
    defined_by: dict[str, set[str]] = field(default_factory=dict)       # filler iri -> classes defined by it
    definitions: dict[str, set[tuple[str, str]]] = field(default_factory=dict)   # defined class -> (property, filler)
    roots: dict[str, str] = field(default_factory=dict)                 # kind -> its top class
    rank_cues: dict[str, str] = field(default_factory=dict)             # normalised phrase -> rank key
    context_cues: dict[str, dict[str, list[str]]] = field(default_factory=dict)   # category -> direction -> cues
    fillers: tuple[tuple[str, ...], ...] = ()   # normalised filler words and runs of words, longest first
    xrefs: dict[str, tuple[str, ...]] = field(default_factory=dict)     # case-folded code (MONDO:...) -> its entities
    direct_heads: set[str] = field(default_factory=set)                 # groupings whose members are their children
    categories: set[str] = field(default_factory=set)   # kinds of finding whose names in a story name the kind only
    kind_order: tuple[str, ...] = KIND_ORDER
    _descendants: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _children: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_store(cls, store: Store) -> Index:
        """Read the index from a store holding the release (nine SELECT queries)."""
        idx = cls()
        ent: dict[str, dict[str, list[str] | str | set[str]]] = {}
        refs: list[NameRef] = []
        for c, p, v in store.select("""
            SELECT ?c ?p ?v WHERE {
              ?c a owl:Class .
              VALUES ?p { rdfs:label oio:hasExactSynonym oio:hasNarrowSynonym oio:hasBroadSynonym oio:hasRelatedSynonym
                          obo:IAO_0000115 skg:kind dcterms:source oio:hasDbXref skg:cue skg:directParent skg:directMembers
                          skg:namesCategory }
              ?c ?p ?v . FILTER(isIRI(?c))
            }"""):
            if c is None or p is None or v is None:
                continue
            d = ent.setdefault(c, {"syn": [], "kinds": [], "xrefs": [], "cues": [], "parents": set()})
            key = p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            if key in _SCOPE:
                if key == "label":
                    d["label"] = v
                elif key == "hasExactSynonym":
                    d["syn"].append(v)  # type: ignore[union-attr]
                refs.append(NameRef(c, v, _SCOPE[key]))
            elif key == "IAO_0000115":
                d["definition"] = v
            elif key in ("kind", "hasDbXref", "cue"):
                d[{"kind": "kinds", "hasDbXref": "xrefs", "cue": "cues"}[key]].append(v)  # type: ignore[union-attr]
            elif key == "source":
                d["source"] = v
            elif key == "directParent":
                d["parents"].add(v)  # type: ignore[union-attr]
            elif key == "directMembers":
                idx.direct_heads.add(c)
            elif key == "namesCategory":
                idx.categories.add(c)
        registers = {(s, t): _REGISTER.get((r or "").rsplit("/", 1)[-1], "curated") for s, t, r in store.select("""
            SELECT ?s ?t ?r WHERE { ?ax owl:annotatedSource ?s ; owl:annotatedTarget ?t ; oio:hasSynonymType ?r }""")}
        lexicon_exact: dict[str, set[str]] = {}
        for r in refs:
            register = registers.get((r.iri, r.text), "curated")
            if register != "curated" and r.scope == "exact":
                lexicon_exact.setdefault(r.iri, set()).add(r.text)
            idx.name_refs.setdefault(norm(r.text), []).append(NameRef(r.iri, r.text, r.scope, register))
        for iri, d in ent.items():
            if "label" not in d or not d["kinds"]:
                continue
            kinds = tuple(sorted(d["kinds"], key=_kind_rank))
            label = str(d["label"])
            curated = [s for s in d["syn"] if s not in lexicon_exact.get(iri, ())]
            idx.entities[iri] = Entity(iri=iri, label=label, synonyms=tuple(sorted(curated)),
                                       definition=str(d.get("definition", "")), kind=kinds[0], kinds=kinds,
                                       source=str(d.get("source", "")), xrefs=tuple(sorted(d["xrefs"])))
            idx.parents[iri] = set(d["parents"])
            for name in [label, *d["syn"]]:   # lookup: labels and exact names (curated or lexicon)
                for variant in _variants(str(name)):
                    idx.names.setdefault(variant, set()).add(iri)
            for cue in d["cues"]:
                idx.cues.setdefault(norm(str(cue)), set()).add(iri)
            for code in d["xrefs"]:
                idx.xrefs[str(code).casefold()] = (*idx.xrefs.get(str(code).casefold(), ()), iri)
        idx.name_refs = {k: [r for r in v if r.iri in idx.entities] for k, v in idx.name_refs.items()}
        idx.name_refs = {k: v for k, v in idx.name_refs.items() if v and k}
        for iri, e in idx.entities.items():
            idx.ancestors[iri] = idx._closure(iri)
            if not idx.parents[iri]:
                idx.roots.setdefault(e.kind, iri)
        for c, prop, t in store.select("""
            SELECT ?c ?p ?t WHERE { ?ax skg:derivation "definition" ; owl:annotatedSource ?c ; owl:annotatedProperty ?p ;
                                        owl:annotatedTarget ?t }"""):
            if c and prop and t:
                idx.defined_by.setdefault(t, set()).add(c)
                idx.definitions.setdefault(c, set()).add((prop, t))
        for s, title, kind, url in store.select("""
            SELECT ?s ?t ?k ?u WHERE { ?s a skg:Source ; rdfs:label ?t .
                                       OPTIONAL { ?s skg:sourceKind ?k } OPTIONAL { ?s rdfs:seeAlso ?u } }"""):
            if s and title:
                idx.sources[s] = Source(s, title, kind or "", url or "")
        for strict, weak, phrase, word, single in store.select("""
            SELECT ?strict ?weak ?label ?word ?single WHERE {
              ?strict skg:weakVariant ?weak . ?weak rdfs:label ?label .
              OPTIONAL { ?strict skg:word ?word } OPTIONAL { ?weak skg:singleValued ?single } }"""):
            if not (strict and weak and phrase):
                continue
            idx.relations[weak] = phrase
            idx.strict_to_weak[strict] = weak
            if word is not None:
                idx.relation_words.setdefault(norm(word), set()).add(weak)
            if single is not None:
                idx.single_valued.add(weak)
        for weak, p, value in store.select("""
            SELECT ?weak ?p ?v WHERE { ?strict skg:weakVariant ?weak . ?weak ?p ?v .
                                       VALUES ?p { skg:inverseWord skg:inverseLabel } }"""):
            if weak and p and value:
                if p.endswith("inverseLabel"):
                    idx.inverse_labels[weak] = value
                else:
                    idx.inverse_words.setdefault(norm(value), set()).add(weak)
        for form, value in store.select("SELECT ?k ?v WHERE { ?n a skg:QuestionForm ; rdfs:label ?k ; skg:cue ?v }"):
            if form and value:
                idx.forms[norm(value)] = form
        for rank_key, value in store.select("SELECT ?k ?v WHERE { ?n a skg:RankCue ; skg:rankKey ?k ; skg:cue ?v }"):
            if rank_key and value:
                idx.rank_cues[norm(value)] = rank_key
        for cat, direction, value in store.select("""
            SELECT ?k ?d ?v WHERE { ?n a skg:ContextCategory ; rdfs:label ?k ; ?d ?v .
                                    VALUES ?d { skg:precedingCue skg:followingCue skg:pseudoCue skg:terminationCue } }"""):
            if cat and direction and value:
                d_name = direction.rsplit("/", 1)[-1].removesuffix("Cue")
                idx.context_cues.setdefault(cat, {}).setdefault(d_name, []).append(value)
        fillers = {tuple(norm(v).split()) for (v,) in store.select("SELECT ?v WHERE { skg:FillerWords skg:cue ?v }") if v}
        idx.fillers = tuple(sorted((f for f in fillers if f), key=lambda f: (-len(f), f)))
        return idx

    def _closure(self, iri: str) -> set[str]:
        out: set[str] = set()
        todo = list(self.parents.get(iri, ()))
        while todo:
            x = todo.pop()
            if x not in out:
                out.add(x)
                todo.extend(self.parents.get(x, ()))
        return out

    # ------------------------------------------------------------------ hierarchy
    def is_a(self, iri: str, ancestor: str) -> bool:
        """Whether ``iri`` is ``ancestor`` or one of its subclasses."""
        return iri == ancestor or ancestor in self.ancestors.get(iri, ())

    def descendants(self, iri: str) -> set[str]:
        """Every subclass of a class (not the class itself)."""
        if iri not in self._descendants:
            self._descendants[iri] = frozenset(e for e, anc in self.ancestors.items() if iri in anc)
        return set(self._descendants[iri])

    def children(self, iri: str) -> set[str]:
        """The direct subclasses of a class."""
        if iri not in self._children:
            self._children[iri] = frozenset(e for e, ps in self.parents.items() if iri in ps)
        return set(self._children[iri])

    def is_category(self, iri: str) -> bool:
        """Whether a class has subclasses (it names a kind of answer, as "imaging tests" does)."""
        return bool(self.children(iri))

    def root_of(self, iri: str) -> str:
        """The top class of an entity's kind."""
        return self.roots.get(self.entities[iri].kind, iri)

    # ------------------------------------------------------------------ lookup
    def find(self, name: str) -> set[str]:
        """The entities a label or exact name (curated or lexicon) names exactly."""
        for variant in _variants(name):
            if variant in self.names:
                return set(self.names[variant])
        return set()

    def lookup(self, name: str | Entity, kind: str | None = None) -> Entity:
        """The entity a label, synonym, CURIE, IRI or mapped code (``MONDO:0016698``) names.

        Raises :class:`~spineKG.errors.UnknownTermError` naming the closest matches.
        """
        if isinstance(name, Entity):
            return name
        text = str(name).strip()
        if text.startswith("skg:"):
            text = str(SKG) + text[4:]
        if text in self.entities:
            return self.entities[text]
        shared = [i for i in self.xrefs.get(text.casefold(), ()) if not kind or kind in self.entities[i].kinds]
        if len(shared) == 1:
            return self.entities[shared[0]]
        if shared:
            raise AmbiguousTermError(text, sorted(self.entities[i].label for i in shared))
        iris = self.find(text)
        if kind:
            iris = {i for i in iris if kind in self.entities[i].kinds}
        if iris:
            return self.entities[self.best(iris, text)]
        # a narrower, broader or related name (a lay word, an abbreviation) names an entity if it names only one
        loose = {r.iri for v in _variants(text) for r in self.name_refs.get(v, ())
                 if not kind or kind in self.entities[r.iri].kinds}
        if len(loose) == 1:
            return self.entities[loose.pop()]
        if loose:
            raise AmbiguousTermError(text, sorted(self.entities[i].label for i in loose))
        raise UnknownTermError(str(name), self.suggest(text, kind), kind)

    def best(self, iris: set[str] | frozenset[str], text: str) -> str:
        """Of several entities a name matches, the one whose own label it is, else the most general."""
        return sorted(iris, key=lambda i: (norm(self.entities[i].label) != norm(text), len(self.ancestors[i]), i))[0]

    def suggest(self, text: str, kind: str | None = None, n: int = 3) -> list[str]:
        """Labels of the entities whose names are closest to a misspelt one."""
        pool = {name: iris for name, iris in self.names.items()
                if not kind or any(kind in self.entities[i].kinds for i in iris)}
        out: list[str] = []
        for name in suggest(norm(text), pool, n=8):
            for iri in sorted(pool[name]):
                label = self.entities[iri].label
                if label not in out:
                    out.append(label)
        return out[:n]


def _kind_rank(kind: str) -> int:
    """A kind's position in the schema's order (an entity's first kind is its main one)."""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _variants(name: str) -> list[str]:
    """Normalised forms of a name: as is, and without a parenthesis."""
    out = [norm(name)]
    m = re.match(r"^(.*?)\((.*?)\)(.*)$", name)
    if m:
        out.append(norm(m.group(1) + " " + m.group(3)))
    return [v for v in dict.fromkeys(out) if v]
