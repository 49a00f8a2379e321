"""Questions in plain English, answered from the graph.

A question is linked to the ontology's labels and synonyms; its answer kind comes from the
category it names ("which imaging tests", "what cancers") or from the cue words the graph attaches to
categories ("how soon", "how fast", "where", "who"); every other entity it names becomes a
constraint, negated after "not"/"don't"/"without"; "most common", "one of the most common" and
"first" become rank filters. The result is a typed :class:`~spineKG.model.Query`, run as SPARQL.
Questions about a patient ("how urgently should I see a doctor") go through the triage rules.

>>> from spineKG import load
>>> [a.label for a in load().ask("Which tumors cause myelopathy in the neck?").answers][:2]
['astrocytoma', 'ependymoma']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import UnknownTermError
from .text import norm
from .linking import Mention, Token, link, tokenize
from .model import Constraint, Entity, Query, Result, Results
from .query import to_sparql
from .vocab import RDFS_SUBCLASS, SKG

if TYPE_CHECKING:
    from .kg import KnowledgeGraph
    from .triage import TriageResult

MAX_CHARS = 1000
NEGATIONS = {"not", "dont", "doesnt", "don", "doesn", "isn", "aren", "t", "without", "never", "except", "non", "isnt",
             "arent", "no", "nt", "cannot", "other than"}
WH = {"which", "what", "where", "who", "how", "whom", "when", "why", "whose", "list", "name", "show", "give", "tell", "outline",
      "describe", "explain"}
# wh-words after which a named category is the kind of answer ("which tumors", "what treatments")
WH_CATEGORY = {"which", "what", "list", "name", "give", "tell", "describe", "explain", "outline"}
STOP = {"the", "a", "an", "of", "in", "on", "to", "for", "is", "are", "do", "doe", "does", "can", "could", "be", "been",
        "with", "and", "or", "that", "this", "there", "it", "its", "my", "i", "me", "what", "which", "who", "how", "where",
        "when", "why", "should", "would", "will", "may", "might", "from", "by", "at", "as", "have", "ha", "has", "had",
        "get", "some", "any", "most", "common", "usually", "typically", "often", "type", "kind", "one", "two", "main",
        "used", "use", "if", "than", "more", "le", "about", "into", "up", "so", "very", "also", "all", "after",
        "before", "typical", "generally", "mostly", "likely", "part", "help", "plan", "found", "see", "seen", "now"}
EXAMPLES = (
    "Which tumors cause myelopathy in the cervical spine?",
    "What treatments apply to metastatic extradural tumors?",
    "Which imaging tests don't use a radioactive tracer?",
    "What percentage of spinal tumors are in the lumbar spine?",
    "How soon should back pain with weight loss be checked by a doctor?",
)
KINDS_ANSWERED = ("tumor types and categories", "cancers that spread to the spine", "locations (regions, compartments, "
                  "body areas)", "tissues of origin", "symptoms and signs", "mechanisms", "risk factors", "diagnostic "
                  "tests", "treatments", "goals of treatment", "growth rate and behaviour", "shares of tumors by region",
                  "urgency and specialists for back pain")


class QuestionError(errors.QuestionError):
    """A question that could not be interpreted; the message says which part and what can be asked."""

    def __init__(self, reason: str, unknown: list[str] | None = None) -> None:
        super().__init__(f"{reason}\nspineKG answers questions about: {', '.join(KINDS_ANSWERED)}.\n"
                         "For example:\n" + "\n".join(f"  {e}" for e in EXAMPLES), unknown=unknown or [])
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """The answers to a question, with their evidence and the interpretation that produced them."""

    question: str
    results: tuple[Result, ...]
    interpretation: dict[str, Any] = field(default_factory=dict)
    triage: "TriageResult | None" = None
    query: Query | None = None   # the typed query the question became (None for shares and triage)

    @property
    def answers(self) -> tuple[Result, ...]:
        return self.results

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.results]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"question": self.question, "answers": [r.to_dict() for r in self.results],
                             "interpretation": self.interpretation}
        if self.triage is not None:
            d["triage"] = self.triage.to_dict()
        return d

    def __str__(self) -> str:
        return render_text(self)

    def show(self, kg: "KnowledgeGraph") -> Any:
        """Draw the answers and their evidence chains (highlighted) with pyvis."""
        from .views.draw import draw
        from .views.graph import evidence_graph

        return draw(evidence_graph(kg, self), title=self.question)


@dataclass
class _Parse:
    text: str
    tokens: list[Token]
    mentions: list[Mention]
    head: str | None = None
    head_mention: Mention | None = None
    direct: bool = False
    rank: str | None = None
    typical: bool = False
    share: bool = False
    dropped: list[str] = field(default_factory=list)
    cue_spans: list[tuple[int, int]] = field(default_factory=list)
    options: list[Mention] = field(default_factory=list)
    defined_head: str | None = None

    @cached_property
    def first(self) -> int:
        """Token index where the question's last sentence (or asking clause) starts."""
        return _last_sentence_start(self)

    @cached_property
    def first_person(self) -> bool:
        return bool(FIRST_PERSON & {t.raw for t in self.tokens})


def ask(kg: "KnowledgeGraph", question: str) -> Answer:
    text = _check_text(question)
    tokens = tokenize(text)
    mentions = link(kg.index, tokens, text)
    p = _Parse(text, tokens, mentions)
    _find_head(kg, p)
    _modifiers(p)
    _direct(p)
    _defined_head(kg, p)
    if p.head is None and not mentions:
        raise QuestionError(f"Could not understand {question.strip()[:80]!r}: it names nothing spineKG knows"
                            + _unknown_words(tokens, mentions), _unknown_list(tokens, mentions))
    head_ent = kg.index.entities.get(p.head) if p.head else None
    if head_ent is not None and head_ent.kinds and head_ent.kinds[0] in ("urgency", "specialist") or (
            head_ent is not None and "urgency" in head_ent.kinds):
        return _patient_question(kg, text, p)
    if p.share:
        return _share_question(kg, text, p)
    if p.head is None:
        raise QuestionError(f"Could not tell what kind of answer {question.strip()[:80]!r} asks for "
                            "(which tumors, treatments, tests, symptoms, ...?)" + _unknown_words(tokens, mentions),
                            _unknown_list(tokens, mentions))
    cons = _constraints(kg, p)
    query = Query(head=p.head, constraints=tuple(cons), direct=p.direct, rank=p.rank, kind=head_ent.label if head_ent else "")
    results = kg.engine.run(query)
    if not results.items and any(not c.negate for c in cons):
        # some constraint may be mere context: when all are met by some answer, none is (so only check now)
        kept = _drop_unrelated(kg, p, cons)
        if len(kept) != len(cons):
            query = Query(head=p.head, constraints=tuple(kept), direct=p.direct, rank=p.rank, kind=query.kind)
            results = kg.engine.run(query)
    if not results.items and any(_reference_structure(kg, c) for c in query.constraints):
        # "... in relation to the dural sac and the cord": structures named as points of reference
        kept = [c for c in query.constraints if not _reference_structure(kg, c)]
        relaxed = kg.engine.run(Query(head=query.head, constraints=tuple(kept), direct=query.direct, rank=query.rank,
                                      kind=query.kind)) if kept else None
        if relaxed is not None and relaxed.items:
            p.dropped += [f"{c.role} (a point of reference)" for c in query.constraints if c not in kept]
            query, results = relaxed.query, relaxed
    if not results.items and query.rank:   # "most likely to develop": no ranking in the graph for this
        unranked = kg.engine.run(Query(head=query.head, constraints=query.constraints, direct=query.direct, kind=query.kind))
        if unranked.items:
            p.dropped.append(f"rank '{query.rank}' (the graph ranks none of these answers)")
            query, results = unranked.query, unranked
    items = list(results.items)
    if p.options:   # a choice question: answer among the alternatives it offers
        offered = {i for m in p.options for i in m.iris}
        items = [r for r in items if any(kg.index.is_a(r.entity.iri, o) for o in offered)]
    if p.typical:
        items.sort(key=lambda r: -min((_trank(e.typicality) for e in r.evidence), default=5))
    return Answer(text, tuple(items), _interpretation(kg, p, query, results), query=query)


# ---------------------------------------------------------------------- parsing steps
def _check_text(question: Any) -> str:
    if not isinstance(question, str):
        raise QuestionError(f"A question must be text, not {type(question).__name__}.")
    text = " ".join(question.split())
    if not text:
        raise QuestionError("The question is empty.")
    if len(text) > MAX_CHARS:
        raise QuestionError(f"The question is {len(text):,} characters long; spineKG reads questions of up to "
                            f"{MAX_CHARS:,} characters. Ask one short question at a time.")
    letters = [c for c in text if c.isalpha()]
    words = set(re.findall(r"\w+", text.lower()))
    foreign = bool(words & _FOREIGN) or any(not c.isascii() for c in letters)
    if letters and (sum(c.isascii() for c in letters) / len(letters) < 0.8 or (foreign and not words & _ENGLISH)):
        raise QuestionError("The question does not look like English; spineKG understands questions in English.")
    return text


_ENGLISH = {"the", "which", "what", "how", "who", "where", "is", "are", "do", "does", "can", "of", "in", "to", "for",
            "with", "and", "my", "i", "a", "an", "should", "when", "why", "tumor", "tumors", "spine", "pain"}
_FOREIGN = {"el", "la", "los", "las", "en", "de", "que", "qué", "der", "die", "das", "und", "le", "les", "des", "est",
            "une", "il", "di", "che", "um", "não", "por", "con", "welche", "quels", "quelles", "quali"}


def _is_category(kg: "KnowledgeGraph", iri: str) -> bool:
    return any(iri in kg.index.parents.get(e, ()) for e in kg.index.entities)


def _find_head(kg: "KnowledgeGraph", p: _Parse) -> None:
    """The answer kind, by the first rule that applies:

    1. the category named right after a wh-word ("which tumors", "what two basic groups");
    2. a cue phrase of a category, those opening with a wh-word first ("how soon", "where", "what helps");
    3. a choice between alternatives ("... in the neck, the upper back or the lower back?"): their category;
    4. otherwise the kind of the first thing the question names ("what topics does a patient history cover").
    A more specific cue refines a cue-given head ("where ... radiate" asks for body areas).
    """
    words = [t.word for t in p.tokens]
    # in "Why would a surgeon operate? What are the aims?" the last question asks for the answer kind
    first = p.first
    # imperatives ("name", "list", "describe") ask only at the start of the sentence; "explain how" asks how
    is_wh = [w in WH and i >= first and (w not in IMPERATIVES or i == first) for i, w in enumerate(words)]
    candidates: list[tuple[int, str, Mention | None]] = []
    wh_pos = [i for i, w in enumerate(words) if w in WH_CATEGORY and is_wh[i]
              and not (i + 1 < len(words) and words[i + 1] in ("how", "why", "when", "where", "who"))]
    for m in p.mentions:
        iri = _pick_head(kg, p, m)
        if not _is_category(kg, iri):
            continue
        # "which X", "what are the (two general) types of X", "for which X"
        if any(0 <= m.start - w <= 8 and not any(words[k] in ("cause", "causes", "caused") for k in range(w, m.start))
               for w in wh_pos):
            gap = [words[k] for k in range(max(wh_pos[0], 0), m.start)]
            if not any(g in ("do", "doe", "does", "can", "should", "did") for g in gap[1:]) or m.start - wh_pos[0] <= 1:
                # "the ways a tumor can be treated": the means, named by the verb's cue, are asked for
                if not any(g in ("way", "means", "method", "option") for g in gap):
                    candidates.append((m.start, iri, m))
    for w in [i for i, x in enumerate(words) if x in WH_CATEGORY and is_wh[i]]:
        # "of the tumors that ..., which ones are cancer?": the category named before the pronoun
        after = words[w + 1:w + 3]
        if after[:1] == ["one"] or after in (["of", "them"], ["of", "these"], ["of", "those"]) or (
                after in (["are", "they"], ["are", "these"], ["are", "those"]) and w + 3 == len(words)) or (
                after[:1] in (["type"], ["kind"]) and w + 2 == len(words)):   # "epidural spine tumours: which types?"
            prior = [m for m in p.mentions if m.end <= w and _is_category(kg, _pick_head(kg, p, m))]
            prior = [m for m in prior if "tumor" in kg.index.entities[_pick_head(kg, p, m)].kinds] or prior
            if prior:
                candidates.append((-2000, _pick_head(kg, p, prior[-1]), prior[-1]))
    auxiliary = {"are", "is", "do", "doe", "does", "can", "could", "should", "would", "will", "did", "ha", "has", "have"}
    keyword = bool(words) and not any(is_wh) and words[0] not in auxiliary \
        and not p.first_person
    if keyword:
        # a keyword query ("malignant spine tumors", "imaging for suspected spinal tumor"): the head noun is the
        # last category before the first preposition, unless a participle follows a category
        # ("spinal tumors treated with chemotherapy")
        cats = [m for m in p.mentions if _is_category(kg, _pick_head(kg, p, m)) and not _negated(p, m)]
        prep = next((i for i, w in enumerate(words) if w in PREPOSITIONS and any(m.end <= i for m in cats)), len(words))
        participle = [m for m in cats if m.end < len(words) and len(p.tokens[m.end].raw) > 4 and p.tokens[m.end].raw.endswith("ed")]
        before = [m for m in cats if m.end <= prep]
        # "neurological deficits spine tumour", "risk factors cancerous spinal growth": in a knowledge graph of
        # spinal tumors a tumor named next to another category is the topic, the other category is asked for
        other = [m for m in cats if not all("tumor" in kg.index.entities[i].kinds for i in m.iris)]
        if other and len(other) < len(cats):
            before = [m for m in other if m.end <= prep] or other[:1]
        chosen = participle[0] if participle else (before[-1] if before else (cats[-1] if cats else None))
        if chosen is not None:
            candidates.append((-500, _pick_head(kg, p, chosen), chosen))
    cue_candidates: list[tuple[int, str, Mention | None]] = []
    spans: dict[str, tuple[int, int]] = {}
    # "which warning signs ...": a category right after the wh-word is the answer kind, whatever cue follows
    adjacent = any(m is not None and any(0 < m.start - w <= 1 for w in wh_pos) for _, _, m in candidates)
    # cue phrases are matched with object pronouns left out ("ask me about" is "ask about")
    kept = [k for k, w in enumerate(words) if w not in OBJECT_PRONOUNS]
    for j, n in enumerate(kept):
        for length in range(8, 0, -1):
            if j + length > len(kept):
                continue
            phrase = " ".join(words[k] for k in kept[j:j + length])
            if phrase in kg.index.cues:
                end = kept[j + length - 1] + 1
                for iri in sorted(kg.index.cues[phrase]):
                    # cues that open with, or closely follow, a wh-word ("how soon", "what is the cell of origin")
                    # outrank verbs ("treated"); in a keyword query a cue at either end is its head ("... is it
                    # urgent", "mechanisms by which ..."), and so is a cue of three or more words ending a question
                    # ("... trying to achieve"), or of two where no category follows the wh-word ("what does it feel like")
                    lead = [k for k in range(max(first, n - 3), n + 1) if is_wh[k]]
                    after_wh = bool(lead) and all(words[k] in FILLERS for k in range(lead[-1] + 1, n))
                    at_end = (keyword or (not adjacent and (length >= 3 or (length == 2 and not candidates)))) \
                        and end == len(words) or (keyword and n == 0)
                    earlier = n < first   # a cue in an earlier sentence of the question ranks last
                    cue_candidates.append((n - (1000 if after_wh else 0) - (1500 if at_end else 0) + (5000 if earlier else 0), iri, None))
                    spans[iri] = (n, end)
                break
    _prefer_connected_cues(kg, p, cue_candidates, spans)
    candidates.sort(key=lambda c: c[0])
    cue_candidates.sort(key=lambda c: c[0])
    ordered = sorted(candidates + cue_candidates, key=lambda c: c[0]) if any(c[0] < 0 for c in candidates + cue_candidates) \
        else candidates + cue_candidates
    if not ordered:
        _choice_or_first(kg, p)
        return
    pos, head, mention = ordered[0]
    if mention is None:
        p.cue_spans.append(spans[head])
        for _, iri, m in cue_candidates:
            if kg.index.is_a(iri, head) and iri != head:
                head = iri
                p.cue_spans.append(spans[iri])
    p.head, p.head_mention = head, mention
    _options(kg, p)


def _prefer_connected_cues(kg: "KnowledgeGraph", p: _Parse, cues: list[tuple[int, str, Mention | None]],
                           spans: dict[str, tuple[int, int]]) -> None:
    """Of cues naming different kinds ("how fast": growth or urgency), those whose kind the graph relates to
    something else the question names rank first ("how fast ... with loss of bladder control": urgency)."""
    kinds = {iri for _, iri, _ in cues}
    if len(kinds) < 2:
        return
    others = [m for m in p.mentions if not any(a <= m.start and m.end <= b for a, b in spans.values())]
    linked = {iri for iri in kinds if any(_connected(kg, iri, Constraint(tuple(sorted(m.iris)), ())) for m in others)}
    if linked and linked != kinds:
        cues[:] = [(pos + (0 if iri in linked else 3000), iri, m) for pos, iri, m in cues]


def _options(kg: "KnowledgeGraph", p: _Parse) -> None:
    """'(cervical, thoracic or lumbar)': alternatives of the asked kind offered in the question."""
    if p.options or p.head is None or "or" not in [t.word for t in p.tokens]:
        return
    offered = [m for m in p.mentions if m is not p.head_mention
               and all(kg.index.is_a(i, p.head) and i != p.head for i in m.iris)]
    if len(offered) >= 2:
        p.options = offered


FIRST_PERSON = {"i", "my", "me", "we", "our", "ive", "im"}
PRONOUNS = {"it", "they", "them", "this", "these", "that", "those", "its", "their", "he", "she", "his", "her", "one"}
OBJECT_PRONOUNS = {"me", "him", "her", "them", "u", "us", "you", "my", "his", "their", "your", "our"}
IMPERATIVES = {"list", "name", "show", "give", "tell", "describe", "explain", "outline"}
PREPOSITIONS = {"for", "of", "in", "with", "from", "after", "to", "on", "by", "at", "about", "during"}
FILLERS = {"is", "are", "the", "a", "an", "was", "were", "do", "doe", "does", "of", "kind", "type", "sort", "would", "can",
           "they", "we", "you", "it", "i", "he", "she"}


def _last_sentence_start(p: _Parse) -> int:
    """Token index where the question's last sentence starts (0 for a single sentence)."""
    text = p.text.rstrip(" ?!.")
    cut = max(text.rfind("?"), text.rfind(". "), text.rfind("! "))
    clause = max(text.rfind(" - "), text.rfind("; "), text.rfind(" – "))
    start = next((i for i, t in enumerate(p.tokens) if t.start > cut), 0) if cut >= 0 else 0
    if clause > cut:   # "... - what are they trying to achieve?": a clause that asks
        at = next((i for i, t in enumerate(p.tokens) if t.start > clause), start)
        if any(t.word in WH for t in p.tokens[at:]):
            start = at
    return start


def _pick_head(kg: "KnowledgeGraph", p: _Parse, m: Mention) -> str:
    """For a name of several categories ("purpose"), the one the rest of the question relates to."""
    if len(m.iris) == 1:
        return next(iter(m.iris))
    others = [o for o in p.mentions if o is not m]
    scored = []
    for iri in m.iris:
        score = sum(_connected(kg, iri, Constraint(tuple(sorted(o.iris)), ())) for o in others) if _is_category(kg, iri) else -1
        scored.append((-score, kg.index.best({iri} | set(m.iris), m.text) != iri, iri))
    return min(scored)[2]


def _choice_or_first(kg: "KnowledgeGraph", p: _Parse) -> None:
    """No category named or cued: a choice among alternatives, or the kind of the first entity named."""
    words = [t.word for t in p.tokens]
    if "or" in words:
        orpos = max(i for i, w in enumerate(words) if w == "or")
        last = next((m for m in p.mentions if m.start > orpos), None)
        if last is not None:
            kind_root = _category_of(kg, _pick(kg, last))
            options = [m for m in p.mentions if _category_of(kg, _pick(kg, m)) == kind_root]
            if kind_root and len(options) >= 2:
                p.head = kind_root
                p.options = options
                return
    if p.first_person and any(kg.index.is_a(i, str(SKG.ClinicalFinding)) for m in p.mentions for i in m.iris):
        p.head = str(SKG.UrgencyLevel)   # a patient describing symptoms: how soon, and whom, to see
        return
    for m in p.mentions:
        e = kg.index.entities[_pick(kg, m)]
        kind = {"goal": "treatment", "indication": "treatment", "purpose": "diagnostic", "agent": "diagnostic"}.get(e.kind, e.kind)
        if e.kinds and kind not in ("specialist", "urgency"):
            root = kg.index.roots.get(kind)
            if root:
                p.head = root
                return


def _category_of(kg: "KnowledgeGraph", iri: str) -> str | None:
    """The closest category above an entity that is not a top class (regions, compartments, growth rates)."""
    for a in kg.index.ancestors.get(iri, ()):
        if any(not kg.index.parents.get(r) for r in kg.index.parents.get(a, ())) and kg.index.parents.get(a):
            return a
    return None


def _direct(p: _Parse) -> None:
    """'types of X' / 'the general types' ask for the direct subtypes, unless a rank picks among all."""
    mention = p.head_mention
    if mention is not None and not p.rank:
        words = [t.word for t in p.tokens]
        before = words[max(0, mention.start - 4):mention.start]
        broad = ("general", "basic", "broad", "main", "two", "three")
        p.direct = any(w in broad for w in before) or any(w in broad for w in mention.text.lower().split())


def _defined_head(kg: "KnowledgeGraph", p: _Parse) -> None:
    """'which extradural tumors': a class the ontology defines by a relation (a spinal tumor located in the
    extradural space) is asked for as its definition, the top class of its kind meeting that relation, so
    that tumors stated to be there only usually or sometimes are found too, not only its subclasses."""
    if p.head in kg.index.definitions and not p.direct and p.head_mention is not None:
        genus = kg.index.roots.get(kg.index.entities[p.head].kind)
        if genus and genus != p.head:
            p.defined_head, p.head = p.head, genus


def _expand_defined(kg: "KnowledgeGraph", iris: set[str], head: str) -> tuple[set[str], tuple[str, ...]]:
    """Targets and relations for entities named: with the classes they define; a class of the asked kind
    defined by a relation ("malignant tumor") is met by its subclasses or by that relation to its filler."""
    out = set(iris)
    for i in iris:
        out |= kg.index.defined_by.get(i, set())
    defined = [i for i in iris if i in kg.index.definitions and kg.index.is_a(i, head)]
    if not defined or len(defined) != len(iris):
        return out, ()
    props = {RDFS_SUBCLASS}
    for i in defined:
        for prop, filler in kg.index.definitions[i]:
            out.add(filler)
            props.add(kg.index.strict_to_weak.get(prop, prop))
    return out, tuple(sorted(props))


def _modifiers(p: _Parse) -> None:
    text = " ".join(t.word for t in p.tokens)
    if re.search(r"\b(one of the most|among the most) (common|frequent)", text):
        p.rank = "common"
    elif re.search(r"\b(most (common|commonly|often|frequent|frequently)|the most|commonest|highest)\b", text) or \
            re.search(r"\bmore (often|common|commonly|frequent|frequently) than (any|all) other", text):
        p.rank = "most_common"
    elif re.search(r"\b(first line|first-line|used first|first choice|initial)\b", text):
        p.rank = "first_line"
    p.typical = bool(re.search(r"\b(usually|typically|typical|generally|tend to|mostly|normally)\b", text))
    p.share = bool(re.search(r"\b(percentage|percent|proportion|share|fraction|how many)\b", text) or "%" in text)


def _pick(kg: "KnowledgeGraph", m: Mention) -> str:
    """One entity for a mention: the one whose label is the mention, else the most general."""
    return kg.index.best(m.iris, m.text)


def _negated(p: _Parse, m: Mention) -> bool:
    """A negation among the three words before a mention, not inside another mention ('non-resectable')."""
    covered = {i for o in p.mentions for i in range(o.start, o.end)}
    window = [t.raw for n, t in enumerate(p.tokens[:m.start]) if n >= m.start - 3 and n not in covered]
    return any(w in NEGATIONS for w in window)


SPATIAL = {"inside": "insideOf", "within": "insideOf", "under": "insideOf", "beneath": "insideOf",
           "outside": "outsideOf", "beyond": "outsideOf"}


def _constraints(kg: "KnowledgeGraph", p: _Parse) -> list[Constraint]:
    head = p.head
    assert head is not None
    head_ent = kg.index.entities[head]
    out: list[Constraint] = []
    if p.defined_head and p.head_mention is not None:
        targets, relations = _expand_defined(kg, {p.defined_head}, head)
        out.append(Constraint(tuple(sorted(targets)), relations, role=p.head_mention.text))
    groups = _group_tumor_phrases(kg, p)
    first = p.first
    # an earlier sentence about the asker ("I've had back pain for weeks.") is context, unless the question
    # refers back to it ("I have a meningioma. How fast does it grow?")
    about_asker = any(t.raw in FIRST_PERSON for t in p.tokens[:first])
    refers_back = not about_asker or any(t.word in PRONOUNS for t in p.tokens[first:])
    for group in groups:
        iris: set[str] = set()
        for m in group:
            iris |= set(m.iris)
        # the question's own category ("which tumors", "increased risk") is not a constraint on itself
        if any(kg.index.is_a(head, i) for i in iris):
            continue
        if any(m in p.options for m in group) or any(a <= group[0].start and group[-1].end <= b for a, b in p.cue_spans):
            continue
        if _vacuous_place(kg, p, group[0], head_ent):
            continue
        if group[0].start < first and not refers_back:   # "I've had back pain for weeks. What does ... feel like?"
            p.dropped.append(" ".join(m.text for m in group) + " (context)")
            continue
        text = " ".join(m.text for m in group)
        iris = _spatial(kg, p, group[0], iris)
        targets, relations = _expand_defined(kg, iris, head)
        negate = _negated(p, group[0]) or _other_than(kg, p, iris)
        kinds = {k for i in iris for k in kg.index.entities[i].kinds}
        context = bool(kinds & {"location"}) and all(
            kg.index.is_a(i, str(SKG.SpinalRegion)) for i in iris)
        up = "tumor" in head_ent.kinds and bool(kinds & {"treatment", "diagnostic"})
        if len(group) > 1 and "treatment" not in head_ent.kinds:
            targets, relations = _tumor_set(kg, group), ()
        elif "treatment" in head_ent.kinds and _tumorish(kg, group[0]):
            # what treats a tumor treats its kinds, and some of its kinds
            targets = _tumor_set(kg, group)
            targets |= {a for t in targets for a in kg.index.ancestors.get(t, ()) | kg.index.descendants(t)}
        elif "treatment" in kinds and _after(p, group[0]):
            targets = _situations_after(kg, group[0]) or targets
        if "treatment" in head_ent.kinds and _tumorish(kg, group[0]):
            relations = (kg.index.strict_to_weak[str(SKG.treats)],)   # what treats the tumors described
        c = Constraint(tuple(sorted(targets)), relations, negate, role=text, context=context, up=up)
        verbs = _verbs(kg, p, group[0], head, c) if not c.context else set()
        if verbs:   # "originate in the spine": only that relation
            c = Constraint(c.targets, tuple(sorted(verbs | {RDFS_SUBCLASS})), c.negate, c.role, context=c.context, up=c.up)
        out.append(c)
    return out


def _reference_structure(kg: "KnowledgeGraph", c: Constraint) -> bool:
    """A positive constraint naming only anatomical structures (the dura, the cord)."""
    root = kg.index.roots.get("anatomy")
    return not c.negate and bool(root) and all(kg.index.is_a(t, root) for t in c.targets)


def _drop_unrelated(kg: "KnowledgeGraph", p: _Parse, cons: list[Constraint]) -> list[Constraint]:
    """Constraints naming something with no relation at all to the kind of answer asked for are context
    ('red flags *with back pain*'), not filters: they are dropped and reported."""
    kept = []
    for c in cons:
        if not c.negate and not _connected(kg, p.head or "", c):
            p.dropped.append(c.role)
        else:
            kept.append(c)
    return kept


def _other_than(kg: "KnowledgeGraph", p: _Parse, iris: set[str]) -> bool:
    """'which *other* symptoms': entities of the asked kind named elsewhere are excluded, not required."""
    m = p.head_mention
    if m is None or m.start == 0 or p.tokens[m.start - 1].word not in ("other", "else", "additional"):
        return False
    return any(kg.index.is_a(i, p.head) for i in iris if p.head)


def _after(p: _Parse, m: Mention) -> bool:
    """'after surgery', 'following an operation'."""
    before = [t.word for t in p.tokens[max(0, m.start - 3):m.start] if t.word not in ("a", "an", "the", "my", "their", "her", "his")]
    return bool(before) and before[-1] in ("after", "following", "post")


def _situations_after(kg: "KnowledgeGraph", m: Mention) -> set[str]:
    """'after an operation': the clinical situations named as coming after that treatment."""
    words = {w for i in m.iris for w in norm(kg.index.entities[i].label).split()} | set(norm(m.text).split())
    root = kg.index.roots.get("indication")
    return {i for name, iris in kg.index.names.items() if "after" in name.split() and words & set(name.split())
            for i in iris if root and kg.index.is_a(i, root)}


def _relation_words(kg: "KnowledgeGraph", p: _Parse, m: Mention) -> set[str]:
    """Relations named by a verb just before a mention ("start in", "arise from", "spread to"); adverbs are
    skipped ("arise primarily in"), and the longest phrase wins ("arise in", not "arise" and "in")."""
    covered = {i for o in p.mentions for i in range(o.start, o.end)}
    words = [t.word for n, t in enumerate(p.tokens) if max(0, m.start - 4) <= n < m.start and n not in covered
             and not (len(t.word) > 4 and t.word.endswith("ly"))][-3:]
    found: set[str] = set()
    n = 0
    while n < len(words):
        for length in (3, 2, 1):
            phrase = " ".join(words[n:n + length])
            if len(words[n:n + length]) == length and phrase not in STOP and phrase in kg.index.relation_words:
                found |= kg.index.relation_words[phrase]
                n += length
                break
        else:
            n += 1
    return found


def _verbs(kg: "KnowledgeGraph", p: _Parse, m: Mention, head: str, c: Constraint) -> set[str]:
    """The relations named by a verb before a mention that the graph has between the asked kind and what
    the mention names ("originate in the spine" for tumors; not "show up in the spine", as tumors show nothing)."""
    verbs = _relation_words(kg, p, m)
    if verbs and (c.negate or _connected(kg, head, Constraint(c.targets, tuple(sorted(verbs)), up=c.up))):
        return verbs
    return set()


def _spatial(kg: "KnowledgeGraph", p: _Parse, m: Mention, iris: set[str]) -> set[str]:
    """'outside the cord', 'within the dura': the compartments defined by that relation to the structure."""
    before = [t.word for t in p.tokens[max(0, m.start - 2):m.start]]
    prep = next((SPATIAL[w] for w in reversed(before) if w in SPATIAL), None)
    if prep is None or not all("anatomy" in kg.index.entities[i].kinds for i in iris):
        return iris
    prop = kg.index.strict_to_weak[str(SKG[prep])]
    rows = kg.store.select(f"SELECT DISTINCT ?c WHERE {{ VALUES ?a {{ {' '.join(f'<{i}>' for i in iris)} }} ?c <{prop}> ?a }}")
    found = {str(r[0]) for r in rows}
    return found or iris


def _vacuous_place(kg: "KnowledgeGraph", p: _Parse, m: Mention, head: Entity) -> bool:
    """'a tumor in the spine': every spinal tumor is in the spine, so the phrase qualifies nothing."""
    if str(SKG.SpinalColumn) not in m.iris:
        return False
    before = [t.word for t in p.tokens[max(0, m.start - 3):m.start]]
    if _verbs(kg, p, m, head.iri, Constraint(tuple(_expand_defined(kg, set(m.iris), head.iri)[0]), ())):
        return False
    after_tumor = any("tumor" in kg.index.entities[i].kinds for o in p.mentions if o.end <= m.start and o.end >= m.start - 3
                      for i in o.iris)
    return bool(before) and before[-1] in ("in", "of", "on", "the") and (after_tumor or "tumor" in head.kinds)


def _group_tumor_phrases(kg: "KnowledgeGraph", p: _Parse) -> list[list[Mention]]:
    """Mentions grouped into constraints. When treatments are asked for, everything the question says
    about the tumor ("cancer that has spread to the spine and sits outside the dura") is one group:
    the treatments of the tumors that fit all of it."""
    head_kinds = kg.index.entities[p.head].kinds if p.head else ()
    groups: list[list[Mention]] = []
    tumor_group: list[Mention] | None = None
    for m in p.mentions:
        if m is p.head_mention:
            continue
        if "treatment" in head_kinds and _tumorish(kg, m) and not _negated(p, m):
            if tumor_group is None:
                tumor_group = [m]
                groups.append(tumor_group)
            else:
                tumor_group.append(m)
        elif (not {"tumor", "location", "property"} & set(head_kinds) and groups and m not in p.options
              and groups[-1][-1] not in p.options and _tumorish(kg, m) and _tumorish(kg, groups[-1][-1])
              and not _negated(p, m) and _joined(p, groups[-1][-1], m)):
            groups[-1].append(m)   # "malignant spine tumour": one kind of tumor
        else:
            groups.append([m])
    return groups


def _joined(p: _Parse, a: Mention, b: Mention) -> bool:
    """Adjacent, or linked by a short participle phrase ('tumours growing inside the cord')."""
    gap = [t.word for t in p.tokens[a.end:b.start]]
    return len(gap) <= 2 and all(w not in ("and", "or", "but") for w in gap)


def _tumorish(kg: "KnowledgeGraph", m: Mention) -> bool:
    return any("tumor" in kg.index.entities[i].kinds or kg.index.is_a(i, str(SKG.Behaviour))
               or kg.index.is_a(i, str(SKG.SpinalCompartment)) for i in m.iris)


def _tumor_set(kg: "KnowledgeGraph", group: list[Mention]) -> set[str]:
    """The tumor classes meeting every part of a tumor phrase, with the phrase's own tumor classes."""
    key = tuple(m.iris for m in group)
    cache: dict[tuple, set[str]] = kg.engine.__dict__.setdefault("_tumor_sets", {})
    if key not in cache:
        cache[key] = _compute_tumor_set(kg, group)
    return set(cache[key])


def _compute_tumor_set(kg: "KnowledgeGraph", group: list[Mention]) -> set[str]:
    if len(group) == 1 and all("tumor" in kg.index.entities[i].kinds for i in group[0].iris):
        return set(group[0].iris)
    cons = []
    own: set[str] = set()
    for m in group:
        iris, relations = _expand_defined(kg, set(m.iris), str(SKG.SpinalTumor))
        own |= {i for i in m.iris if "tumor" in kg.index.entities[i].kinds}
        cons.append(Constraint(tuple(sorted(iris)), relations))
    found = {r.entity.iri for r in kg.engine.run(Query(head=str(SKG.SpinalTumor), constraints=tuple(cons)), evidence=False)}
    minimal = {o for o in own if not any(x != o and kg.index.is_a(x, o) for x in own)}
    return found | minimal if (len(minimal) == 1 or not found) else found


def _connected(kg: "KnowledgeGraph", head: str, c: Constraint) -> bool:
    """Whether any member of the head category has any relation to the constraint's targets at all.

    A named entity with no relation to the kind of answer asked for is context ("red flags *with back
    pain*"), not a filter; it is reported in the interpretation as not used."""
    if c.context:
        return True
    key = (head, c.targets, c.relations, c.up)
    cache: dict[tuple, bool] = kg.engine.__dict__.setdefault("_connected", {})
    if key not in cache:
        probe = Query(head=head, constraints=(c,))
        cache[key] = bool(kg.store.select(to_sparql(probe, kg.index) + " LIMIT 1"))
    return cache[key]


def _trank(t: str) -> int:
    from .model import TYPICALITY_RANK

    return TYPICALITY_RANK[t]


def _unknown_list(tokens: list[Token], mentions: list[Mention]) -> list[str]:
    covered = {i for m in mentions for i in range(m.start, m.end)}
    return [t.raw for i, t in enumerate(tokens) if i not in covered and t.word not in STOP and t.raw not in STOP and len(t.raw) > 2]


def _unknown_words(tokens: list[Token], mentions: list[Mention]) -> str:
    unknown = _unknown_list(tokens, mentions)
    return f" (not recognised: {', '.join(unknown[:8])})." if unknown else "."


def _interpretation(kg: "KnowledgeGraph", p: _Parse, query: Query, results: Results) -> dict[str, Any]:
    return {
        "answer_kind": kg.index.entities[query.head].label,
        "mentions": [{"text": m.text, "entities": sorted(kg.index.entities[i].label for i in m.iris)} for m in p.mentions],
        "not_used": p.dropped,
        "typical": p.typical,
        "query": query.describe(),
        "sparql": results.sparql,
    }


# ---------------------------------------------------------------------- shares and patients
def _share_question(kg: "KnowledgeGraph", text: str, p: _Parse) -> Answer:
    iris = [_pick(kg, m) for m in p.mentions]
    subjects = [i for i in iris if "tumor" in kg.index.entities[i].kinds] or [str(SKG.SpinalTumor)]
    objects = [i for i in iris if i not in subjects]
    if not objects:
        raise QuestionError("A question about a share must name where or what the share is of (a region, say).")
    edges = [e for e in kg.engine.edges_between(subjects, objects) if e.get("share") is not None]
    results = []
    for e in sorted(edges, key=lambda e: -e["share"]):
        ev = kg.engine.evidence(e["axiom"])
        results.append(Result(kg.engine.entity(e["o"]), (ev,), value=f"{e['share']:g}%"))
    query = Query(head=str(SKG.Location), kind="share")
    return Answer(text, tuple(results), {"answer_kind": "share of spinal tumors", "subjects": subjects, "objects": objects,
                                         "mentions": [m.text for m in p.mentions], "query": query.describe(), "sparql": ""})


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "couple": 2, "few": 3, "several": 3}
_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}


def patient_inputs(kg: "KnowledgeGraph", text: str, p: _Parse | None = None) -> dict[str, Any]:
    """Triage inputs read from a patient's own description of their back pain."""
    if p is None:
        tokens = tokenize(text)
        p = _Parse(text, tokens, link(kg.index, tokens, text))
    words = [t.word for t in p.tokens]
    inputs: dict[str, Any] = {"pain_new": True, "red_flags": [], "neuro_signs": [], "cancer_history": "none"}
    joined = " ".join(words)
    for m in p.mentions:
        if _negated(p, m):
            continue
        for iri in m.iris:
            e = kg.index.entities[iri]
            if kg.index.is_a(iri, str(SKG.RedFlagSymptom)) and iri != str(SKG.RedFlagSymptom):
                inputs["red_flags"].append(e.label)
            elif kg.index.is_a(iri, str(SKG.NeurologicalSign)) and iri != str(SKG.NeurologicalSign):
                inputs["neuro_signs"].append(e.label)
            elif "primary_site" in e.kinds or iri == str(SKG.CancerHistory) or iri == str(SKG.MalignantSpinalTumor):
                current = re.search(r"\b(currently|current|now have|on chemotherapy|undergoing|being treated|have cancer)\b", joined)
                inputs["cancer_history"] = "current" if current else "previous"
            elif iri == str(SKG.SevereBackPain):
                inputs["severe_interferes_daily"] = True
    if re.search(r"\b(daily activitie|daily life|cannot work|can t work|unable to work|household task)", joined):
        inputs["severe_interferes_daily"] = True
    m = re.search(r"\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple|few|several|\d+)\s+(?:of\s+)?(day|week|month|year)", joined)
    if m and not re.search(rf"{re.escape(m.group(0))}\s+ago", joined):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        inputs["pain_days"] = n * _UNITS[m.group(2)]
    if re.search(r"\b(rest|self care|self-care|resting|heat|ice|painkiller)\b", joined):
        inputs["tried_rest_self_care"] = True
    if re.search(r"\b(explained|because i|after lifting|injury|injured|strain)\b", joined):
        inputs["pain_explained"] = True
    return inputs


def _patient_question(kg: "KnowledgeGraph", text: str, p: _Parse) -> Answer:
    inputs = patient_inputs(kg, text, p)
    try:
        result = kg.triage(**inputs)
    except UnknownTermError as exc:  # pragma: no cover - names come from the graph itself
        raise QuestionError(str(exc)) from None
    head = kg.index.entities[p.head] if p.head else None
    rule_ev = f"rule {result.rule.order}: {result.rule.definition}"
    if head is not None and "specialist" in head.kinds and "urgency" not in head.kinds:
        entities = result.specialists or tuple(kg.find("specialists"))  # type: ignore[arg-type]
        ents = [e.entity if isinstance(e, Result) else e for e in entities]
        results = tuple(Result(e) for e in ents)
    else:
        results = (Result(result.level),)
    return Answer(text, results, {"answer_kind": head.label if head else "urgency", "patient": inputs,
                                  "rule": rule_ev, "mentions": [m.text for m in p.mentions],
                                  "sparql": "SELECT ?rule ... WHERE { ?rule a skg:TriageRule ... } (see spineKG.triage.rules)"},
                  triage=result)


# ---------------------------------------------------------------------- text output
def render_text(answer: Answer) -> str:
    lines = [answer.question, ""]
    if not answer.results:
        lines.append("No answer in the graph for this question.")
    for r in answer.results:
        ent = r.entity
        syn = f" (also: {', '.join(ent.synonyms[:4])})" if ent.synonyms and not r.value else ""
        lines.append(f"* {r.label}{syn}  [{ent.kind}; {ent.curie}]" if not r.value else f"* {r.label} ({ent.label})")
        for ev in r.evidence:
            lines.append(f"    because: {ev.text}")
            chain = ev.chain()
            if len(chain) > 1 or chain[0] is not ev:
                for step in chain:
                    src = step.source.title if step.source else step.derivation
                    lines.append(f"      - {step.text}  <{src}>")
            elif ev.source:
                lines.append(f"      source: {ev.source.title}")
    if answer.triage is not None:
        lines += ["", f"Triage: {answer.triage}"]
    not_used = answer.interpretation.get("not_used")
    if not_used:
        lines += ["", f"(named but not used as a filter: {', '.join(not_used)})"]
    return "\n".join(lines)
