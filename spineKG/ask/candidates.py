"""The interpretations a question may have, generated from the graph's own schema.

For the things a question names, the candidates are the typed queries the graph can answer: an answer kind
(a category the question names, one its cues ask for, or one related to what it names) × a relation to each
thing named (those the relation graph actually has between members of that kind and it) × polarity × rank,
and the yes/no, choice and share forms. Each is stated as a canonical English sentence made from the
ontology's own labels and relation names, so a new relation or tumor type brings its questions with it.

>>> from spineKG import load
>>> from spineKG.ask.reading import read
>>> engine = load().engine
>>> best = candidates(engine, read(engine, "Which tumors cause myelopathy in the neck?"))[0]
>>> best.canonical
'Which spinal tumors cause myelopathy and are in cervical spine?'
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..model import Constraint, Query
from ..text import plural
from ..vocab import RDFS_SUBCLASS, SKG
from ..words import FUNCTION, PREPOSITIONS, REFERRING, WH, WH_CATEGORY
from .reading import Part, Reading

if TYPE_CHECKING:
    from ..query import Engine

__all__ = ["Candidate", "Slot", "candidates"]

# how strongly the question says what kind of answer it wants (a category right after the wh-word is the
# clearest sign); these are weights of the ranking, fitted in spineKG/ask/ranking.py
HEAD_SOURCES = ("wh_category", "wh_cue", "keyword_where", "keyword_last", "keyword_head", "cue", "category", "inferred",
                "yesno", "share")


@dataclass(frozen=True)
class Slot:
    """One constraint of a candidate: a part of the question, the relations it is met by, and how it reads.

    >>> from spineKG import load
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> best = candidates(engine, read(engine, "Which tumors cause myelopathy in the neck?"))[0]
    >>> [(s.phrase, s.labels, s.worded) for s in best.slots]
    [('cause', 'myelopathy', True), ('are in', 'cervical spine', False)]
    >>> best.slots[0].constraint.relations
    ('https://w3id.org/spinekg/mayCause',)
    """

    part: int
    constraint: Constraint
    phrase: str           # the relation as the canonical sentence says it ("cause", "are treated by")
    worded: bool          # the question's own words name this relation
    labels: str = ""      # what the slot is about, as the canonical sentence says it


@dataclass
class Candidate:
    """One reading of a question, as a typed query and a canonical sentence, with its ranking features.

    >>> from spineKG import load
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> c = candidates(engine, read(engine, "Which tumors cause myelopathy in the neck?"))[0]
    >>> c.shape, c.head, c.head_source, c.answers
    ('list', 'https://w3id.org/spinekg/SpinalTumor', 'wh_category', 5)
    >>> c.frame, c.features["coverage"]
    ('spinal tumor cause are in', 1.0)
    """

    shape: str                               # list | yesno | choice | share
    head: str                                # iri of the answer's category
    head_source: str
    head_part: int | None = None
    slots: list[Slot] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)     # parts of the focus not used
    absorbed: list[int] = field(default_factory=list)    # parts that name the asked kind itself ("spinal tumors")
    rank: str | None = None
    direct: bool = False
    options: list[int] = field(default_factory=list)      # choice: the parts offered
    subject: int | None = None                             # yes/no: what the question asks about ...
    target: int | None = None                              # ... and what it asks whether it relates to
    relations: tuple[str, ...] = ()                        # yes/no: the relations meant
    comparison: tuple[str, float] | None = None
    canonical: str = ""
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    answers: int = -1                                      # how many answers it has (in memory), -1 unknown
    frame: str = ""                                        # the canonical sentence without the names it is about


def candidates(engine: Engine, r: Reading) -> list[Candidate]:
    """Every reading of the question the graph could answer, best first by the default weights.

    >>> from spineKG import load
    >>> from spineKG.ask.reading import read
    >>> engine = load().engine
    >>> cands = candidates(engine, read(engine, "Is a hemangioma a primary tumour?"))
    >>> [c.shape for c in cands[:2]], cands[0].canonical
    (['yesno', 'list'], 'Does hemangioma — is a kind of — primary spinal tumor?')
    """
    from .ranking import score

    gen = _Generator(engine, r)
    out = gen.all()
    for c in out:
        c.canonical = gen.canonical(c)
        c.frame = gen.frame(c)
        c.features = gen.features(c)
        c.answers = gen.answers(c)
        c.features["empty"] = float(c.answers == 0)
        c.features["many"] = float(c.answers > 12)
        c.features["everything"] = float(c.answers > 0 and c.answers >= gen.members(c))
    _similarities(r, out)
    scored = sorted(out, key=lambda c: -score(c))
    seen: set[str] = set()
    unique = []
    for c in scored:
        if c.canonical not in seen:
            seen.add(c.canonical)
            unique.append(c)
    return unique


def _similarities(r: Reading, cands: list[Candidate]) -> None:
    """How close each canonical sentence is to the question under the shipped sentence encoder: whole, and as a
    frame (the question without the names it links, the sentence without the names it constrains on)."""
    if not cands:
        return
    from ..encoder import load

    enc = load()
    a, b = r.focus
    focus = r.text[r.tokens[a].start:r.tokens[b - 1].end] if b > a else r.text
    named = {i for p in r.parts if p.in_focus for i in range(p.mention.start, p.mention.end)}
    frame = " ".join(t.raw for i, t in enumerate(r.tokens[a:b], start=a) if i not in named)
    frames = [c.canonical.split(" ", 1)[0] + " " + c.frame for c in cands]
    vecs = enc.encode([focus, frame, *[c.canonical for c in cands], *frames])
    n = len(cands)
    whole, bare = vecs[2:2 + n] @ vecs[0], vecs[2 + n:] @ vecs[1]
    for c, x, y in zip(cands, whole, bare):
        c.features["similarity"] = float(x)
        c.features["frame_similarity"] = float(y)


class _Generator:
    def __init__(self, engine: Engine, r: Reading) -> None:
        self.engine, self.r, self.idx = engine, r, engine.index
        self.focus = [n for n, p in enumerate(r.parts) if p.in_focus]
        self.cue_length: dict[str, int] = {}
        self.alternatives: dict[int, list[int]] = {}   # part -> the parts it stands for with "or" (itself first)

    # ------------------------------------------------------------------ heads
    def heads(self) -> list[tuple[str, str, int | None]]:
        """(category iri, source, part index) of every answer kind the question may ask for."""
        r, idx = self.r, self.idx
        a, b = r.focus
        out: dict[str, tuple[str, int | None]] = {}

        def put(iri: str, source: str, part: int | None) -> None:
            if iri not in out or HEAD_SOURCES.index(source) < HEAD_SOURCES.index(out[iri][0]):
                out[iri] = (source, part)

        ends = {p.mention.end for p in r.parts if a <= p.mention.start < b}   # within the asking sentence
        # a wh-word right after a category is a relative pronoun ("the tumors which grow ..."), not a question
        askers = [i for i in range(a, b) if r.tokens[i].raw in WH_CATEGORY and i not in ends] + [
            f.end - 1 for f in r.forms if f.value == "request"]
        wh_any = [i for i in range(a, b) if r.tokens[i].raw in WH and i not in ends] + askers
        # "which ones", "which of them": the asked kind is the category named before
        for w in [w for w in askers if w + 1 < len(r.tokens) and r.tokens[w + 1].raw in REFERRING]:
            askers.remove(w)
            prior = [n for n, p in enumerate(r.parts) if p.mention.end <= w and not p.excluded
                     and any(idx.is_category(i) for i in p.iris)]
            tumorish = [n for n in prior if any("tumor" in idx.entities[i].kinds for i in r.parts[n].iris)]
            if prior:
                n = (tumorish or prior)[-1]
                for iri in r.parts[n].iris:
                    if idx.is_category(iri):
                        put(iri, "wh_category", n)
        first_category = True
        cat_parts = [n for n in self.focus if not r.parts[n].excluded
                     and any(idx.is_category(i) or i in idx.roots.values() for i in r.parts[n].iris)]
        # in a keyword query the head noun is the last category before the first preposition of the last
        # segment ("Resection of spinal tumour: 3 surgical goals"), or, in "tumors WHERE compartment = ...",
        # the category before the relative wh-word
        cuts = [i for i in range(a + 1, b) if set(r.text[r.tokens[i - 1].end:r.tokens[i].start]) & set(":|.-–—;")]
        seg = max([a, *cuts])
        prep = next((i for i in range(seg, b) if r.tokens[i].raw in PREPOSITIONS
                     and any(seg <= r.parts[n].mention.start and r.parts[n].mention.end <= i for n in cat_parts)), b)
        in_seg = [n for n in cat_parts if seg <= r.parts[n].mention.start and r.parts[n].mention.end <= prep]
        last = in_seg[-1] if in_seg else (cat_parts[-1] if cat_parts else None)
        where = next((n for n in cat_parts if r.parts[n].mention.end < b and r.tokens[r.parts[n].mention.end].raw in WH
                      and r.parts[n].mention.end in ends), None) if r.form == "keyword" else None
        # "compartment = intramedullary", "goal: tumor shrinkage": a category naming the value after it is an
        # attribute of the answers, not the kind asked for
        valued = {n for n in cat_parts for m in self.focus if m != n and self._names_value(r.parts[n], r.parts[m])
                  and set(r.text[r.tokens[r.parts[n].mention.end - 1].end:r.tokens[r.parts[m].mention.start].start]) & set("=:")}
        for n in cat_parts:
            p = r.parts[n]
            if n in valued and len(cat_parts) > 1:
                continue
            possessive = r.text[r.tokens[p.mention.end - 1].end:r.tokens[p.mention.end - 1].end + 2] in ("'s", "’s")
            for iri in (i for i in p.iris if idx.is_category(i) or i in idx.roots.values()):
                if self._follows(askers, p.mention.start) and not possessive:
                    put(iri, "wh_category", n)
                elif n == where:
                    put(iri, "keyword_where", n)
                elif r.form in ("keyword", "request") and n == last:
                    put(iri, "keyword_last", n)
                elif r.form in ("keyword", "request") and first_category:
                    put(iri, "keyword_head", n)
                else:
                    put(iri, "category", n)
            first_category = False
        valued_spans = [(r.parts[n].mention.start, r.parts[n].mention.end) for n in valued]
        for cue in r.cues:
            if len(cat_parts) > 1 and any(a0 <= cue.start and cue.end <= b0 for a0, b0 in valued_spans):
                continue   # the cue word is the attribute's name ("compartment = ...")
            if cue.start in ends or cue.start - 1 in ends and cue.end - cue.start == 1 and r.tokens[cue.start].raw in WH:
                continue   # "tumors WHERE compartment = ...": a relative wh-word after a category asks nothing
            near = self._follows(wh_any, cue.start, gap=3) or any(cue.start <= w < cue.end for w in wh_any)
            put(cue.value, "wh_cue" if near else "cue", None)
            self.cue_length[cue.value] = max(self.cue_length.get(cue.value, 0), cue.end - cue.start)
        for n in self.focus:
            if r.parts[n].iris:
                for root in idx.roots.values():
                    if root not in out and self.engine.relations_between(root, self.constraint(root, r.parts[n])):
                        put(root, "inferred", None)
        return [(iri, src, part) for iri, (src, part) in out.items()]

    def _follows(self, askers: list[int], start: int, gap: int = 5) -> bool:
        """Whether a wh-word or request comes shortly before ``start`` with only function words between."""
        toks = self.r.tokens
        return any(0 <= start - w <= gap and all(toks[k].raw in FUNCTION or toks[k].raw in WH for k in range(w + 1, start))
                   for w in askers)

    # ------------------------------------------------------------------ candidates
    def all(self) -> list[Candidate]:
        out: list[Candidate] = []
        r = self.r
        rank = next((ph.value for ph in r.ranks if ph.value != "always"), None)   # "always" is for yes/no only
        share = any(f.value == "share" for f in r.forms) or r.comparison is not None
        for head, source, part in self.heads():
            cand = self.listing(head, source, part, rank)
            if cand is None:
                continue
            if self.idx.is_a(head, str(SKG.UrgencyLevel)) or self.idx.is_a(head, str(SKG.Specialist)):
                cand.shape = "triage"   # how soon and whom: the triage rules answer, from the whole story
                cand.rank = None
                out.append(cand)
                continue
            out.append(cand)
            if rank is not None:   # the same without the rank (the graph may rank none of these)
                out.append(replace(cand, rank=None, slots=list(cand.slots), features={}))
            if r.has_or:
                choice = self.choice(cand)
                if choice is not None:
                    out.append(choice)
        if r.form == "yesno" or (r.form != "wh" and r.has_or):
            out.extend(self.yesno())
        if share:
            out.extend(self.shares(rank))
        return out

    def constraint(self, head: str, p: Part, relations: tuple[str, ...] = (), n: int | None = None) -> Constraint:
        """The constraint a part puts on answers under ``head`` (with its "or" alternatives, if part ``n``)."""
        iris: frozenset[str] = self.spatial(p) or p.iris
        for m in self.alternatives.get(n, [])[1:] if n is not None else ():
            iris = iris | (self.spatial(self.r.parts[m]) or self.r.parts[m].iris)
        return self.engine.constraints.entity(head, iris, negate=p.excluded, role=p.mention.text, relations=relations)

    def spatial(self, p: Part) -> frozenset[str] | None:
        """'outside the cord', 'beneath the dura': the compartments the graph defines by that relation to the
        structure named (the words for inside-of and outside-of are the relations' own words)."""
        idx = self.idx
        if not all("anatomy" in idx.entities[i].kinds for i in p.iris):
            return None
        before = [t.word for t in self.r.tokens[max(0, p.mention.start - 3):p.mention.start]]
        spatial = {w: props for w, props in idx.relation_words.items()
                   if any(x.endswith(("InsideOf", "OutsideOf")) for x in props)}
        props = next((spatial[w] for w in reversed(before) if w in spatial), None)
        if not props:
            return None
        found = {other for i in p.iris for prop, other, outgoing in self.engine.adjacency.get(i, ())
                 if not outgoing and prop in props}
        return frozenset(found) or None

    def listing(self, head: str, source: str, head_part: int | None, rank: str | None) -> Candidate | None:
        """A list of entities under ``head`` meeting a constraint for every other thing the focus names."""
        idx, r = self.idx, self.r
        cand = Candidate("list", head, source, head_part, rank=rank, comparison=r.comparison,
                         direct=head in idx.direct_heads)
        if head in idx.definitions and head_part is not None and not cand.direct:
            # "which extradural tumors": the class a relation defines is asked for as its definition, so that
            # tumors only usually or sometimes there are found too
            genus = idx.root_of(head)
            if genus != head:
                c = self.engine.constraints.entity(genus, {head}, role=r.parts[head_part].mention.text)
                cand.head = genus
                cand.slots.append(Slot(head_part, c, self._phrase(genus, c), False))
        spans = [(cue.start, cue.end) for cue in r.cues if cue.value == head]
        inside = {n for n in self.focus if any(a <= r.parts[n].mention.start and r.parts[n].mention.end <= b
                                                for a, b in spans)}
        cand.absorbed.extend(sorted(inside))
        rest = [n for n in self.focus if n != head_part and n not in inside]
        # "compartment = intramedullary", "goal: tumor shrinkage": a category naming the value after it
        named = {n for n in rest for m in rest if m != n and self._names_value(r.parts[n], r.parts[m])}
        cand.absorbed.extend(sorted(named))
        rest = [n for n in rest if n not in named]
        for group in self._groups(cand.head, rest):
            n = group[0]
            p = r.parts[n]
            if len(group) == 1 and any(idx.is_a(cand.head, i) or idx.is_a(head, i) for i in p.iris):
                cand.absorbed.append(n)   # names the asked kind itself
                continue
            slot = self.slot(cand.head, n, cand.direct, group)
            if slot is not None and not slot.constraint.negate and self._vacuous(cand.head, slot.constraint):
                cand.absorbed.extend(group)   # "a tumor in the spine": every spinal tumor is in the spine
                continue
            if slot is None and len(group) == 1 and all(i in idx.roots.values() for i in p.iris):
                cand.absorbed.append(n)   # a whole kind ("symptoms", "treatments") that relates to nothing asked
            elif slot is None:
                cand.dropped.extend(group)
            else:
                cand.slots.append(slot)
                cand.absorbed.extend(group[1:])
        return cand

    def _disjunctions(self, parts: list[int]) -> list[int]:
        """Merge alternatives of one kind joined by "or" (or a list ending in "or") into their first part, whose
        targets become all of them (kept in ``self.alternatives``)."""
        r, idx = self.r, self.idx
        out: list[int] = []
        for n in parts:
            prev = out[-1] if out else None
            if prev is not None and self._or_joined(r.parts[self.alternatives.get(prev, [prev])[-1]], r.parts[n]) and \
                    idx.root_of(min(r.parts[prev].iris)) == idx.root_of(min(r.parts[n].iris)):
                self.alternatives.setdefault(prev, [prev]).append(n)
            else:
                out.append(n)
        return out

    def _or_joined(self, a: Part, b: Part) -> bool:
        gap = [t.raw for t in self.r.tokens[a.mention.end:b.mention.start]]
        return bool(gap) and len(gap) <= 3 and "or" in gap and all(w in FUNCTION for w in gap) or (
            not gap and self.r.text[self.r.tokens[a.mention.end - 1].end:self.r.tokens[b.mention.start].start].strip() == ","
            and self.r.has_or)

    def _names_value(self, cat: Part, value: Part) -> bool:
        toks = self.r.tokens
        if not (value.mention.start >= cat.mention.end and value.mention.start - cat.mention.end <= 1):
            return False
        return any(self.idx.is_a(v, c) and v != c for c in cat.iris for v in value.iris if self.idx.is_category(c)) \
            and all(t.raw in FUNCTION for t in toks[cat.mention.end:value.mention.start])

    def _groups(self, head: str, parts: list[int]) -> list[list[int]]:
        """Parts grouped into the things they describe: alternatives of one kind joined by "or" ("in the cervical
        or thoracic spine") are one constraint; for answers that are not tumors, adjacent words about a tumor
        ("metastatic extradural tumors") describe one kind of tumor."""
        r, idx = self.r, self.idx
        parts = self._disjunctions(parts)
        if "tumor" in idx.entities[head].kinds:
            return [[n] for n in parts]
        groups: list[list[int]] = []

        def under(p: Part) -> bool:  # a value of the asked kind
            return any(idx.is_a(i, head) for i in p.iris)

        for n in parts:
            p = r.parts[n]
            prev = r.parts[groups[-1][-1]] if groups else None
            if (prev is not None and self._tumorish(p) and self._tumorish(prev) and not p.excluded
                    and not under(p) and not under(prev) and self._adjacent(prev, p)):
                groups[-1].append(n)
            else:
                groups.append([n])
        return groups

    def _vacuous(self, head: str, c: Constraint) -> bool:
        """Whether the asked kind itself meets a constraint without a hedge (every spinal tumor is located in the
        spinal column), so that it restricts nothing."""
        targets = set(c.targets)
        for node in (head, *self.idx.ancestors.get(head, ())):
            for e in self.engine.adjacency_edges.get(node, ()):
                if e["o"] in targets and e["typicality"] == "always" and (not c.relations or e["p"] in c.relations) \
                        and e["p"] != RDFS_SUBCLASS:
                    return True
        return False

    def _tumorish(self, p: Part) -> bool:
        idx = self.idx
        return any("tumor" in idx.entities[i].kinds or idx.is_a(i, str(SKG.Behaviour))
                   or idx.is_a(i, str(SKG.SpinalCompartment)) for i in p.iris)

    def _adjacent(self, a: Part, b: Part) -> bool:
        toks = self.r.tokens
        gap = [t.raw for t in toks[a.mention.end:b.mention.start]]
        between = self.r.text[toks[a.mention.end - 1].end:toks[b.mention.start].start]
        return len(gap) <= 2 and not {"and", "or", "but", "nor", "with"} & set(gap) and not set(between) & set(",;:()")

    def slot(self, head: str, n: int, direct: bool = False, group: list[int] | None = None) -> Slot | None:
        p = self.r.parts[n]
        base = self.constraint(head, p, n=n)
        if group and len(group) > 1:   # the tumors that are all of what the group says
            tumors = self._tumor_set([self.r.parts[g] for g in group])
            if not tumors:
                return None
            base = self.engine.constraints.entity(head, tumors, negate=p.excluded,
                                                  role=" ".join(self.r.parts[g].mention.text for g in group))
        found = self.engine.relations_between(head, base, direct)
        if p.excluded and all(self.idx.is_a(i, head) and i != head for i in p.iris):
            # "other than lung cancer, which cancers ...": what is left out is a kind of the answer itself
            found = {(RDFS_SUBCLASS, True)}
        if not found:
            return None
        rels = {rel for rel, _ in found}
        worded = self._worded(p, rels)
        chosen = tuple(sorted(worded or rels)) if not base.context else base.relations
        c = Constraint(base.targets, chosen, base.negate, base.role, context=base.context, up=base.up)
        outgoing = any(out for rel, out in found if rel in (worded or rels))
        spatial = self.spatial(p)
        alts = {i for m in self.alternatives.get(n, [n]) for i in self.r.parts[m].iris}
        names = sorted(spatial) if spatial else (sorted(base.targets) if group and len(group) > 1 else sorted(alts))
        labels = " or ".join(self.idx.entities[i].label for i in names[:4]) + (" ..." if len(names) > 4 else "")
        return Slot(n, c, self._phrase(head, c, outgoing), bool(worded), labels)

    def _tumor_set(self, parts: list[Part]) -> set[str]:
        idx, engine = self.idx, self.engine
        root = str(SKG.SpinalTumor)
        cons = tuple(engine.constraints.entity(root, p.iris) for p in parts)
        found = {x.entity.iri for x in engine.run(Query(head=root, constraints=cons), evidence=False)}
        own = {i for p in parts for i in p.iris if "tumor" in idx.entities[i].kinds}
        minimal = {o for o in own if not any(x != o and idx.is_a(x, o) for x in own)}
        return found | minimal if (len(minimal) == 1 or not found) else found

    def _worded(self, p: Part, rels: set[str]) -> set[str]:
        """Of the relations possible, those a phrase of the focus names (the nearest phrase before the part)."""
        before = [ph for ph in self.r.relations if ph.end <= p.mention.start and p.mention.start - ph.end <= 6]
        for ph in reversed(before):
            prop = ph.value.lstrip("~")
            if prop in rels:
                return {v.lstrip("~") for v in (x.value for x in before if x.start == ph.start) if v.lstrip("~") in rels}
        return set()

    def choice(self, cand: Candidate) -> Candidate | None:
        """'... benign or malignant?': the offered alternatives that are answers."""
        idx, r = self.idx, self.r
        offered = [n for n in self.focus if n != cand.head_part and not r.parts[n].excluded
                   and any(idx.is_a(i, cand.head) and i != cand.head for i in r.parts[n].iris)]
        if len(offered) < 2:
            return None
        slots = [s for s in cand.slots if s.part not in offered]
        return Candidate("choice", cand.head, cand.head_source, cand.head_part, slots, cand.dropped, cand.absorbed,
                         cand.rank, cand.direct, offered)

    def yesno(self) -> list[Candidate]:
        """'Is X Y?', 'Does X cause Y?': whether the graph relates what the question asks about to the other."""
        idx, r = self.idx, self.r
        out = []
        parts = list(self.focus)
        for i, s in enumerate(parts):
            for t in parts[i + 1:]:
                for subj, obj in ((s, t),):
                    ps, po = r.parts[subj], r.parts[obj]
                    rels = self._pair_relations(ps, po)
                    if not rels:
                        continue
                    worded = self._worded(po, rels)
                    chosen = tuple(sorted(worded or rels))
                    others = [n for n in parts if n not in (subj, obj)]
                    out.append(Candidate("yesno", idx.root_of(min(ps.iris)), "yesno", subj, subject=subj, target=obj,
                                         relations=chosen, dropped=others,
                                         features={"worded": float(bool(worded))}))
        return out

    def _pair_relations(self, ps: Part, po: Part) -> set[str]:
        """The relations the graph states from what a yes/no question asks about (or a class it belongs to) to
        the other thing it names; for a value ("benign"), the property whose values it is among (so that the
        graph's other value can say "no"); "is a kind of" when the other names a category."""
        idx, adj = self.idx, self.engine.adjacency_edges
        subjects = set(ps.iris)
        objects = set(po.iris) | {d for i in po.iris for d in idx.defined_by.get(i, ())}
        own = subjects | {a for x in subjects for a in idx.ancestors.get(x, ())} | {
            d for x in subjects for d in idx.descendants(x)}
        wanted = (objects | {d for o in objects for d in idx.descendants(o)}) - own
        rels: set[str] = set()
        for x in subjects:
            for node in (x, *idx.ancestors.get(x, ())):
                for e in adj.get(node, ()):
                    if e["p"] != RDFS_SUBCLASS and e["o"] in wanted:
                        rels.add(e["p"])
        for x in subjects:   # a value of a single-valued property: its property, for the "no"
            for node in (x, *idx.ancestors.get(x, ())):
                for e in adj.get(node, ()):
                    if e["p"] in idx.single_valued and any(idx.root_of(e["o"]) == idx.root_of(o) and
                                                         set(idx.parents.get(e["o"], ())) & set(idx.parents.get(o, ()))
                                                         for o in po.iris):
                        rels.add(e["p"])
        if any(idx.is_a(x, o) and x != o for x in subjects for o in objects) or (
                all(idx.root_of(x) == idx.root_of(o) for x in subjects for o in objects)
                and any(idx.is_category(o) for o in objects)):   # "is a hemangioma a primary tumour?"
            rels.add(RDFS_SUBCLASS)
        return rels

    def shares(self, rank: str | None) -> list[Candidate]:
        """'What percentage of spinal tumors are in the lumbar spine?', 'which region has less than a quarter?'"""
        region = str(SKG.SpinalRegion)
        if region not in self.idx.entities:
            return []
        asked = next((src for iri, src, _ in self.heads() if iri == region), "share")
        cand = Candidate("share", region, asked if asked in ("wh_category", "keyword_last", "keyword_head") else "share",
                         rank=rank, comparison=self.r.comparison)
        for n in self.focus:
            p = self.r.parts[n]
            if any(self.idx.is_a(i, region) for i in p.iris) and not self.idx.is_category(min(p.iris)):
                cand.options.append(n)
            elif any("tumor" in self.idx.entities[i].kinds for i in p.iris) or any(
                    self.idx.is_a(region, i) or self.idx.is_a(i, region) for i in p.iris):
                cand.absorbed.append(n)
            else:
                cand.dropped.append(n)
        return [cand]

    # ------------------------------------------------------------------ wording
    def _phrase(self, head: str, c: Constraint, outgoing: bool = True) -> str:
        if c.relations == (RDFS_SUBCLASS,) or RDFS_SUBCLASS in c.relations and len(c.relations) <= 3 and not c.context:
            return "are not" if c.negate else "are"
        if c.context:
            return "are not in" if c.negate else "are in"
        names = []
        for rel in c.relations:
            if outgoing:
                label = self.idx.relations.get(rel, rel.rsplit("/", 1)[-1]).removeprefix("may: ")
                names.append(_plural_verb(label))
            else:
                names.append(self.idx.inverse_labels.get(rel) or "are related to")
        phrase = " or ".join(dict.fromkeys(names)) if names else "are related to"
        return ("do not " + phrase if not phrase.startswith("are") else "are not" + phrase[3:]) if c.negate else phrase

    def canonical(self, c: Candidate) -> str:
        idx, r = self.idx, self.r

        def label(iri: str) -> str:
            return idx.entities[iri].label if iri in idx.entities else iri.rsplit("/", 1)[-1]

        def part_label(n: int) -> str:
            return " or ".join(sorted(label(i) for i in r.parts[n].iris))

        head = label(c.head)
        if c.shape == "yesno" and c.subject is not None and c.target is not None:
            names = sorted({self.idx.relations.get(x, "is a kind of").removeprefix("may: ") for x in c.relations})
            return f"Does {part_label(c.subject)} — {' or '.join(names)} — {part_label(c.target)}?"
        if c.shape == "share":
            where = ", ".join(part_label(n) for n in c.options) or "each spinal region"
            cmp = f" (share {c.comparison[0]} {c.comparison[1]:g}%)" if c.comparison else ""
            most = " the most" if c.rank == "most_common" else " the fewest" if c.rank == "least_common" else ""
            return f"What share of spinal tumors are in {where}{most}{cmp}?"
        rank = {"most_common": "the most common ", "common": "the common ", "least_common": "the least common ",
                "first_line": "the first-line ", "main": "the main ", "typical": "the typical "}.get(c.rank or "", "")
        kind = f"{rank}{plural(head)}" if not c.direct else f"{rank}{plural(head)} (direct types)"
        clauses = [f"{s.phrase} {s.labels or part_label(s.part)}" for s in c.slots]
        if c.shape == "choice":
            opts = " or ".join(part_label(n) for n in c.options)
            return f"Which of {opts}{(' ' + ' and '.join(clauses)) if clauses else ''}?"
        return f"Which {kind}{(' ' + ' and '.join(clauses)) if clauses else ''}?"

    def frame(self, c: Candidate) -> str:
        """The kind of answer and the relations of a reading, without the names it is about."""
        idx = self.idx
        head = idx.entities[c.head].label if c.head in idx.entities else ""
        if c.shape == "yesno":
            return " ".join(sorted({idx.relations.get(x, "kind").removeprefix("may: ") for x in c.relations}))
        if c.shape == "share":
            return "share percentage of tumors in region"
        return " ".join([head, *(s.phrase for s in c.slots)])

    # ------------------------------------------------------------------ features
    def answers(self, c: Candidate) -> int:
        """How many answers a reading has, computed in memory (lists and choices; others count as one)."""
        if c.shape not in ("list", "choice"):
            return 1
        from .execute import query_of

        found = self.engine.evaluate(query_of(c))
        if c.shape == "choice":
            offered = {i for n in c.options for i in self.r.parts[n].iris}
            found = [x for x in found if any(self.idx.is_a(x, o) for o in offered)]
        return len(found)

    def members(self, c: Candidate) -> int:
        return len(self.idx.children(c.head) if c.direct else self.idx.descendants(c.head))

    def features(self, c: Candidate) -> dict[str, float]:
        r = self.r
        focus = list(self.focus)
        used = {s.part for s in c.slots} | ({c.head_part} if c.head_part is not None else set()) | set(c.options) \
            | set(c.absorbed)
        if c.shape == "yesno":
            used |= {c.subject, c.target} - {None}  # type: ignore[arg-type]
        f = dict(c.features)
        f["source_" + c.head_source] = 1.0
        f["coverage"] = len(used & set(focus)) / max(1, len(focus))
        f["dropped"] = float(len([n for n in c.dropped if not r.parts[n].resolved]))
        f["worded"] = f.get("worded", 0.0) + sum(s.worded for s in c.slots)
        f["relation_words"] = float(len(r.relations) > 0)
        f["slots"] = float(len(c.slots))
        f["generic_head"] = float(c.head in self.idx.roots.values())
        f["head_depth"] = float(min(len(self.idx.ancestors.get(c.head, ())), 4))
        f["cue_length"] = float(self.cue_length.get(c.head, 0)) if c.head_source in ("cue", "wh_cue") else 0.0
        f["form_yesno"] = float(r.form == "yesno")
        f["shape_" + c.shape] = 1.0
        f["ranked"] = float(c.rank is not None)
        f["rank_asked"] = float(bool(r.ranks))
        f["share_asked"] = float(any(x.value == "share" for x in r.forms) or r.comparison is not None)
        f["unexplained"] = float(len(r.unexplained))
        f["story"] = float(r.first_person)
        f["yesno_or"] = f.get("shape_yesno", 0.0) * float(r.has_or)
        f["choice_or"] = f.get("shape_choice", 0.0) * float(r.has_or)
        starts = {p.mention.start for p in r.parts if p.iris & r.categories}
        f["cue_before_category"] = float(c.head_source in ("cue", "wh_cue") and any(
            cue.value == c.head and cue.end in starts for cue in r.cues))
        f["triage_x_story"] = f.get("shape_triage", 0.0) * f["story"]
        f["fuzzy"] = float(sum(r.parts[n].mention.match == "fuzzy" for n in used if n is not None))
        f["loose_names"] = float(sum(r.parts[n].mention.scope in ("broad", "related") for n in used if n is not None))
        f["resolved"] = float(any(r.parts[n].resolved for n in used if n is not None))
        return f


def _plural_verb(label: str) -> str:
    """'causes' -> 'cause', 'has sign' -> 'have sign', 'located in' -> 'are located in'."""
    first, _, rest = label.partition(" ")
    if first == "has":
        return ("have " + rest).strip()
    if first.endswith("s") and not first.endswith("ss") and len(first) > 3:
        return (first[:-1] + " " + rest).strip() if not first.endswith("ies") else (first[:-3] + "y " + rest).strip()
    return "are " + label
