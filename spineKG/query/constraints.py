"""Constraint keywords and entity names → typed :class:`~spineKG.model.Query`: the one builder that
``KnowledgeGraph.find()`` and the question interpreter share.

A keyword names the relations a constraint is met by (``causes`` → causes or has-sign edges); its value
is a label, synonym, CURIE, IRI or :class:`~spineKG.model.Entity`. A value naming several things at
once ("metastatic extradural tumor") stands for the tumors that are all of them.

>>> from spineKG import load
>>> kg = load()
>>> q = kg.engine.constraints.query("tumors", causes="myelopathy", region="neck")
>>> [c.role for c in q.constraints]
['causes', 'region']
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import BudgetError, UnknownTermError, suggest
from ..linking import tokenize
from ..model import Constraint, Entity, Query
from ..terms import CONSTRAINTS
from ..terms import RANKS as TERM_RANKS
from ..vocab import RDFS_SUBCLASS, SKG

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["KEYWORDS", "MAX_CONSTRAINTS", "RANKS", "ConstraintBuilder"]

KEYWORDS = CONSTRAINTS   # keyword -> (relations, options), from the schema
RANKS = (*TERM_RANKS, "typical")
MAX_CONSTRAINTS = 200   # constraints a typed query may hold: the work is linear in them (about 1 ms each), bounded here


class ConstraintBuilder:
    """Builds constraints and queries for one engine (its index supplies names and hierarchy).

    >>> from spineKG import load
    >>> engine = load().engine
    >>> builder = engine.constraints
    >>> builder.head("tumors")
    'https://w3id.org/spinekg/SpinalTumor'
    >>> q = builder.query("tumors", compartment="intramedullary")
    >>> sorted(r.label for r in engine.run(q))[:3]
    ['astrocytoma', 'ependymoma', 'hemangioblastoma']
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.index = engine.index

    def head(self, kind: str) -> str:
        """The top class of a kind of entity ('tumors', 'tumor', 'treatments' ...)."""
        key = kind.removesuffix("s") if kind not in self.index.roots else kind
        for k in (kind, key, kind.replace("ies", "y")):
            if k in self.index.roots:
                return self.index.roots[k]
        raise UnknownTermError(kind, suggest(kind, sorted(self.index.roots)), "kind")

    def query(self, kind: str = "tumors", *, under: str | Entity | None = None, direct: bool = False,
              typical: bool = False, rank: str | None = None, not_: Mapping[str, Any] | None = None,
              **constraints: Any) -> Query:
        """The typed query of ``KnowledgeGraph.find`` (see there for the keywords)."""
        head = self.index.lookup(under).iri if under is not None else self.head(kind)
        if rank is not None and rank not in RANKS:
            raise UnknownTermError(rank, suggest(rank, RANKS), "rank")
        cons = [c for key, value in constraints.items() for c in self.keyword(key, value)]
        for key, value in (not_ or {}).items():
            cons += [Constraint(c.targets, c.relations, True, c.role) for c in self.keyword(key, value)]
        if len(cons) > MAX_CONSTRAINTS:
            raise BudgetError(f"a query of {len(cons)} constraints is over the limit of {MAX_CONSTRAINTS} (its work grows "
                              f"with each, about 1 ms apiece); split it into smaller queries")
        return Query(head=head, constraints=tuple(cons), direct=direct,
                     min_typicality="commonly" if typical else None, rank=rank, kind=kind)

    def keyword(self, key: str, value: Any) -> list[Constraint]:
        """The constraints a keyword and its value (or list of values) stand for."""
        if key not in KEYWORDS:
            raise UnknownTermError(key, suggest(key, sorted(KEYWORDS)), "constraint")
        rels, opts = KEYWORDS[key]
        values = value if isinstance(value, (list, tuple, set)) else [value]
        out = []
        for v in values:
            targets = self.targets(v)
            targets = targets | {d for t in targets for d in self.index.defined_by.get(t, ())}
            if "object_inherits" in opts:   # what treats some of a tumor's kinds (the build passes what treats it down to them)
                targets = targets | {d for t in targets for d in self.index.descendants(t)}
            props = tuple(RDFS_SUBCLASS if r == "subClassOf" else self.index.strict_to_weak[str(SKG[r])] for r in rels)
            out.append(Constraint(tuple(sorted(targets)), props, role=key, context="context" in opts, up="up" in opts))
        return out

    def entity(self, head: str, iris: Iterable[str], *, negate: bool = False, role: str = "",
               relations: Iterable[str] = ()) -> Constraint:
        """The constraint an entity named in a question puts on answers under ``head``: related to it, or to a
        class it defines ("benign" -> benign spinal tumor), by ``relations`` (none: any relation).

        What the relation graph means by "related" depends on the kinds: a spinal region is also met by an edge
        qualified with it (a tumor that causes myelopathy *in the neck*); a tumor asked about a treatment or test
        is met through its superclasses (what treats spinal tumors treats each of them); a treatment asked for a
        tumor treats the tumor or some of its kinds."""
        idx = self.index
        iris = set(iris)
        # the classes a named value defines ("benign" -> benign spinal tumor); not those an anatomical structure
        # defines ("the spine" would name every primary tumor)
        targets = iris | {d for i in iris if "anatomy" not in idx.entities[i].kinds for d in idx.defined_by.get(i, ())}
        rels = set(relations)
        defined = [i for i in iris if i in idx.definitions and idx.is_a(i, head)]
        if defined and len(defined) == len(iris) and not rels:   # "malignant tumors": the class or its definition
            rels = {RDFS_SUBCLASS}
            for i in defined:
                for prop, filler in idx.definitions[i]:
                    targets.add(filler)
                    rels.add(idx.strict_to_weak.get(prop, prop))
        head_kinds = set(idx.entities[head].kinds) if head in idx.entities else set()
        kinds = {k for i in iris for k in idx.entities[i].kinds}
        region = str(SKG.SpinalRegion)
        context = bool(iris) and all(idx.is_a(i, region) for i in iris)
        up = "tumor" in head_kinds and bool(kinds) and kinds <= {"treatment", "diagnostic"}
        if "treatment" in head_kinds and "tumor" in kinds:   # what treats some of its kinds (the build passes
            targets |= {d for t in list(targets) for d in idx.descendants(t)}   # what treats it down to them)
            rels = rels or {idx.strict_to_weak[str(SKG.treats)]}
        return Constraint(tuple(sorted(targets)), tuple(sorted(rels)), negate, role=role, context=context, up=up)

    def targets(self, value: Any) -> set[str]:
        """The entities a constraint value names."""
        if isinstance(value, Entity):
            return {value.iri}
        text = str(value).replace("_", " ")
        try:
            return {self.index.lookup(text).iri}
        except UnknownTermError as exc:
            mentions = self.engine.linker.link(tokenize(text), text)
            if not mentions:
                raise exc from None
            # a phrase naming several entities ("metastatic extradural tumor"): the tumors that are all of them
            tumors = [m for m in mentions if any("tumor" in self.index.entities[i].kinds for i in m.iris)]
            if len(mentions) > 1 and tumors:
                parts = [self.index.entities[min(m.iris)] for m in mentions]
                found = self.engine.run(self.query("tumors", related=parts))
                return {r.entity.iri for r in found} | {min(m.iris) for m in tumors}
            raise exc from None
