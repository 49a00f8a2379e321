"""The entity index: labels, synonyms, kinds and hierarchy of every class, read once from the store.

It serves lookup by label or synonym (with suggestions for unknown names) and gives the question
parser its vocabulary, all from the graph.

>>> from spineKG import load
>>> load().lookup("neck").label
'cervical spine'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UnknownTermError, suggest
from .model import Entity, Source
from .store import Store
from .terms import KINDS
from .text import norm
from .vocab import SKG



KIND_ORDER = tuple(kind for kind, _, _ in KINDS)


@dataclass
class Index:
    entities: dict[str, Entity] = field(default_factory=dict)       # iri -> Entity
    names: dict[str, set[str]] = field(default_factory=dict)         # normalised name -> iris
    parents: dict[str, set[str]] = field(default_factory=dict)       # iri -> direct parents
    ancestors: dict[str, set[str]] = field(default_factory=dict)     # iri -> all superclasses
    cues: dict[str, set[str]] = field(default_factory=dict)          # normalised cue -> iris
    relations: dict[str, str] = field(default_factory=dict)          # weak property iri -> label
    relation_words: dict[str, set[str]] = field(default_factory=dict)  # normalised word -> property iris
    strict_to_weak: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    single_valued: set[str] = field(default_factory=set)
    defined_by: dict[str, set[str]] = field(default_factory=dict)    # filler iri -> classes defined by it
    definitions: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # defined class -> (property, filler)
    roots: dict[str, str] = field(default_factory=dict)                # kind -> its top class
    kind_order: tuple[str, ...] = KIND_ORDER
    _descendants: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)               # kind -> its top class

    @classmethod
    def from_store(cls, store: Store) -> "Index":
        idx = cls()
        ent: dict[str, dict] = {}
        rows = store.select("""
            SELECT ?c ?p ?v WHERE {
              ?c a owl:Class .
              VALUES ?p { rdfs:label oio:hasExactSynonym obo:IAO_0000115 skg:kind dcterms:source oio:hasDbXref skg:cue skg:directParent }
              ?c ?p ?v . FILTER(isIRI(?c))
            }""")
        for c, p, v in rows:
            d = ent.setdefault(str(c), {"syn": [], "kinds": [], "xrefs": [], "cues": [], "parents": set()})
            key = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            if key == "label":
                d["label"] = str(v)
            elif key == "hasExactSynonym":
                d["syn"].append(str(v))
            elif key == "IAO_0000115":
                d["definition"] = str(v)
            elif key == "kind":
                d["kinds"].append(str(v))
            elif key == "source":
                d["source"] = str(v)
            elif key == "hasDbXref":
                d["xrefs"].append(str(v))
            elif key == "cue":
                d["cues"].append(str(v))
            elif key == "directParent":
                d["parents"].add(str(v))
        for iri, d in ent.items():
            if "label" not in d or not d["kinds"]:
                continue
            kinds = tuple(sorted(d["kinds"]))
            idx.entities[iri] = Entity(iri=iri, label=d["label"], synonyms=tuple(sorted(d["syn"])),
                                       definition=d.get("definition", ""), kind=kinds[0] if len(kinds) == 1 else _main_kind(kinds),
                                       kinds=kinds, source=d.get("source", ""), xrefs=tuple(sorted(d["xrefs"])))
            idx.parents[iri] = d["parents"]
            for name in [d["label"], *d["syn"]]:
                for variant in _variants(name):
                    idx.names.setdefault(variant, set()).add(iri)
            for cue in d["cues"]:
                idx.cues.setdefault(norm(cue), set()).add(iri)
        for iri, e in idx.entities.items():
            idx.ancestors[iri] = idx._closure(iri)
            if not idx.parents[iri]:
                idx.roots[e.kind] = iri
        for c, prop, t in store.select("""
            SELECT ?c ?p ?t WHERE { ?ax skg:derivation "definition" ; owl:annotatedSource ?c ; owl:annotatedProperty ?p ;
                                        owl:annotatedTarget ?t }"""):
            idx.defined_by.setdefault(str(t), set()).add(str(c))
            idx.definitions.setdefault(str(c), set()).add((str(prop), str(t)))
        for s, title, kind, url in store.select("""
            SELECT ?s ?t ?k ?u WHERE { ?s a skg:Source ; rdfs:label ?t . OPTIONAL { ?s skg:sourceKind ?k } OPTIONAL { ?s rdfs:seeAlso ?u } }"""):
            idx.sources[str(s)] = Source(str(s), str(title), str(k) if (k := kind) else "", str(url) if url else "")
        for strict, weak, label, word, single in store.select("""
            SELECT ?strict ?weak ?label ?word ?single WHERE {
              ?strict skg:weakVariant ?weak . ?weak rdfs:label ?label .
              OPTIONAL { ?strict skg:word ?word } OPTIONAL { ?weak skg:singleValued ?single } }"""):
            idx.relations[str(weak)] = str(label)
            idx.strict_to_weak[str(strict)] = str(weak)
            if word is not None:
                idx.relation_words.setdefault(norm(str(word)), set()).add(str(weak))
            if single is not None:
                idx.single_valued.add(str(weak))
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

    # ------------------------------------------------------------------ lookup
    def is_a(self, iri: str, ancestor: str) -> bool:
        return iri == ancestor or ancestor in self.ancestors.get(iri, ())

    def descendants(self, iri: str) -> set[str]:
        if iri not in self._descendants:
            self._descendants[iri] = frozenset(e for e, anc in self.ancestors.items() if iri in anc)
        return set(self._descendants[iri])

    def children(self, iri: str) -> set[str]:
        return {e for e, ps in self.parents.items() if iri in ps}

    def find(self, name: str) -> set[str]:
        for variant in _variants(name):
            if variant in self.names:
                return set(self.names[variant])
        return set()

    def lookup(self, name: str, kind: str | None = None) -> Entity:
        """The entity a label, synonym, CURIE or IRI names; raise UnknownTermError with suggestions."""
        if isinstance(name, Entity):
            return name
        text = str(name).strip()
        if text.startswith("skg:"):
            text = str(SKG) + text[4:]
        if text in self.entities:
            return self.entities[text]
        iris = self.find(text)
        if kind:
            iris = {i for i in iris if kind in self.entities[i].kinds} or (set() if iris else iris)
        if iris:
            return self.entities[self.best(iris, text)]
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


def _main_kind(kinds: tuple[str, ...]) -> str:
    """Of an entity's kinds, the first in the schema's order."""
    return min(kinds, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER))


def _variants(name: str) -> list[str]:
    """Normalised forms of a name: as is, and without a parenthesis."""
    out = [norm(name)]
    m = re.match(r"^(.*?)\((.*?)\)(.*)$", name)
    if m:
        out.append(norm(m.group(1) + " " + m.group(3)))
    return [v for v in dict.fromkeys(out) if v]
