"""Reading a question: which sentence asks, its form, and what it names (with context), cues and numbers.

A text may tell a story before it asks; the *focus* is the sentence that asks (the last question, else the
last sentence that opens like one, else the last sentence), and things named earlier count only when the
focus refers back to them ("I have a meningioma. How fast does it grow?") or names nothing itself.

>>> from spineKG import load
>>> r = read(load().engine, "I have a meningioma. How fast does it grow?")
>>> r.form, [p.mention.text for p in r.parts if p.in_focus and p.resolved]
('wh', ['meningioma'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..context import Context
from ..linking import Mention, Token, tokenize
from ..text import norm
from ..words import AUXILIARIES, COMPARATIVES, FUNCTION, NUMBERS, OBJECT_PRONOUNS, REFERRING, WH

if TYPE_CHECKING:
    from ..index import Index
    from ..query import Engine

__all__ = ["Part", "Phrase", "Reading", "read"]


@dataclass(frozen=True)
class Part:
    """An entity mention of the question with its context.

    >>> from spineKG import load
    >>> r = read(load().engine, "Apart from lung cancer, which cancers spread to the spine?")
    >>> [(p.mention.text, p.excluded) for p in r.parts]
    [('lung cancer', True), ('cancers', False), ('the spine', False)]
    >>> sorted(r.parts[0].iris), r.parts[0].in_focus
    (['https://w3id.org/spinekg/LungCancer'], True)
    """

    mention: Mention
    context: Context
    in_focus: bool
    resolved: bool = False       # named before the question, and referred back to

    @property
    def iris(self) -> frozenset[str]:
        return self.mention.iris

    @property
    def excluded(self) -> bool:
        return self.context.negated or self.context.excluded


@dataclass(frozen=True)
class Phrase:
    """A cue, rank, relation phrase or form found in the focus: token span and what it stands for.

    >>> from spineKG import load
    >>> r = read(load().engine, "What are the most common spinal tumors in children?")
    >>> r.ranks
    [Phrase(start=2, end=4, value='most_common')]
    >>> r.words(r.ranks[0].start, r.ranks[0].end)
    ['the', 'most']
    """

    start: int
    end: int
    value: str


@dataclass
class Reading:
    """Everything the interpreter reads off a question before choosing what it means.

    >>> from spineKG import load
    >>> r = read(load().engine, "Which tumors cause myelopathy in the neck?")
    >>> r.form, r.wh, r.focus, [p.mention.text for p in r.focus_parts]
    ('wh', 'which', (0, 7), ['tumors', 'myelopathy', 'neck'])
    >>> [ph.value for ph in r.relations], r.unexplained
    (['https://w3id.org/spinekg/mayCause'], [])
    """

    text: str
    tokens: list[Token]
    focus: tuple[int, int]                      # token span of the asking sentence
    form: str                                   # wh | yesno | request | keyword
    wh: str | None
    parts: list[Part]
    cues: list[Phrase] = field(default_factory=list)          # value: a category iri
    ranks: list[Phrase] = field(default_factory=list)         # value: a rank key
    relations: list[Phrase] = field(default_factory=list)     # value: "iri" or "~iri" (read backwards)
    forms: list[Phrase] = field(default_factory=list)         # value: request | share
    comparison: tuple[str, float] | None = None               # ("<", 25.0)
    has_or: bool = False
    categories: frozenset[str] = frozenset()                  # the entities named that are categories
    first_person: bool = False
    unexplained: list[Token] = field(default_factory=list)    # content words of the focus the graph does not know

    @property
    def focus_parts(self) -> list[Part]:
        return [p for p in self.parts if p.in_focus]

    def words(self, start: int, end: int) -> list[str]:
        return [t.raw for t in self.tokens[start:end]]


def read(engine: Engine, text: str) -> Reading:
    """Read a question (already checked for length and language).

    >>> from spineKG import load
    >>> r = read(load().engine, "Is a hemangioma a primary tumour?")
    >>> r.form, [p.mention.text for p in r.parts]
    ('yesno', ['hemangioma', 'primary tumour'])
    >>> r = read(load().engine, "I have a meningioma. How fast does it grow?")
    >>> r.words(*r.focus), r.first_person
    (['how', 'fast', 'does', 'it', 'grow'], True)
    """
    tokens = tokenize(text)
    # in a question only negation and exclusion change the reading ("which tests do not use ...")
    mentions, contexts = engine.context.read(text, tokens, categories=("negated", "excluded"))
    focus = _focus(text, tokens)
    a, b = focus
    parts = [Part(m, c, a <= m.start < b) for m, c in zip(mentions, contexts)]
    raw = [t.raw for t in tokens]
    # a wh-word right after something named is a relative pronoun ("tumors WHERE ...", "the tests which ...")
    relative = {m.end - a for m in mentions if a <= m.end < b   # (not after a comma: "Apart from X, which ...")
                and "," not in text[tokens[m.end - 1].end:tokens[m.end].start]}
    form, wh = _form(raw[a:b], relative)
    r = Reading(text, tokens, focus, form, wh, parts, first_person=bool({"i", "my", "me", "im", "ive"} & set(raw)))
    idx = engine.index
    covered = {i for p in parts for i in range(p.mention.start, p.mention.end)}
    r.cues = _phrases(tokens, a, b, idx.cues, skip=OBJECT_PRONOUNS)
    r.ranks = _phrases(tokens, a, b, {k: {v} for k, v in idx.rank_cues.items()})
    rel: dict[str, set[str]] = {}
    for k, v in idx.relation_words.items():
        rel.setdefault(k, set()).update(v)
    for k, v in idx.inverse_words.items():
        rel.setdefault(k, set()).update("~" + p for p in v)
    # relation phrases made only of function words ("in", "for", "is") say too little to choose a relation
    rel = {k: v for k, v in rel.items() if not all(w in FUNCTION for w in k.split())}
    r.relations = [p for p in _phrases(tokens, a, b, rel) if not covered & set(range(p.start, p.end))]
    r.forms = _phrases(tokens, a, b, {k: {v} for k, v in idx.forms.items()})
    if "%" in text[max(0, tokens[a].start - 2):tokens[b - 1].end + 2] if b > a else False:   # "% of spinal tumours in L-spine?"
        r.forms.append(Phrase(a, a, "share"))
    if r.form == "keyword" and any(f.value == "request" and f.start == a for f in r.forms):
        r.form = "request"
    r.has_or = "or" in raw[a:b]
    r.categories = frozenset(i for p in parts for i in p.iris if idx.is_category(i))
    r.comparison = _comparison(raw[a:b])
    _resolve(r, idx)
    # the words of a negation or an exclusion ("apart from", "other than") say how, not what: they are read
    said = _phrases(tokens, a, b, engine.memo("negation and exclusion phrases", _context_phrases))
    explained = covered | {i for ph in (*r.cues, *r.ranks, *r.relations, *r.forms, *said) for i in range(ph.start, ph.end)}
    r.unexplained = [t for i, t in enumerate(tokens[a:b], start=a)
                     if i not in explained and t.raw not in FUNCTION and t.word not in FUNCTION
                     and not t.raw.isdigit() and t.raw not in NUMBERS and len(t.raw) > 2]
    return r


def _context_phrases(engine: Engine) -> dict[str, set[str]]:
    """The normalised cue phrases of negation and exclusion, as a phrase table (read once per store)."""
    idx = engine.index
    return {norm(c): {"context"} for cat in ("negated", "excluded") for d in ("preceding", "following")
            for c in idx.context_cues.get(cat, {}).get(d, ())}


def _focus(text: str, tokens: list[Token]) -> tuple[int, int]:
    """The token span of the sentence that asks."""
    if not tokens:
        return (0, 0)
    sentences: dict[int, list[int]] = {}
    for i, t in enumerate(tokens):
        sentences.setdefault(t.sentence, []).append(i)
    spans = [(ids[0], ids[-1] + 1) for _, ids in sorted(sentences.items())]
    if len(spans) == 1:
        return spans[0]
    asks = [s for s in spans if "?" in text[tokens[s[0]].start:tokens[s[1] - 1].end + 3]]
    opens = [s for s in spans if tokens[s[0]].raw in WH or tokens[s[0]].raw in AUXILIARIES]
    chosen = (asks or opens or spans)[-1]
    # a question of two words or less ("Why?", "Which ones?") asks about the sentence before it
    if chosen[1] - chosen[0] <= 2 and spans.index(chosen) > 0:
        chosen = (spans[spans.index(chosen) - 1][0], chosen[1])
    return chosen


def _form(raw: list[str], relative: set[int] = set()) -> tuple[str, str | None]:   # noqa: B006 - read only
    if not raw:
        return "keyword", None
    lead = next((w for w in raw[:4] if w in WH), None)
    if raw[0] in WH or (lead and raw[0] in ("and", "so", "but", "then", "ok", "also", "in", "for", "of", "from", "to")):
        return "wh", lead or raw[0]
    if raw[0] in AUXILIARIES:
        return "yesno", None
    inner = next((w for i, w in enumerate(raw) if w in WH and i not in relative), None)
    return ("wh", inner) if inner else ("keyword", None)


def _phrases(tokens: list[Token], a: int, b: int, table: dict[str, set[str]], skip: frozenset[str] = frozenset(),
             longest: int = 8) -> list[Phrase]:
    """Leftmost-longest matches of a phrase table's normalised phrases in the focus (words in ``skip`` left out)."""
    keep = [i for i in range(a, b) if tokens[i].raw not in skip]
    out: list[Phrase] = []
    j = 0
    while j < len(keep):
        for n in range(min(longest, len(keep) - j), 0, -1):
            phrase = " ".join(tokens[k].word for k in keep[j:j + n])
            if phrase in table:
                out.extend(Phrase(keep[j], keep[j + n - 1] + 1, v) for v in sorted(table[phrase]))
                j += n
                break
        else:
            j += 1
    return out


_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)%?$")


def _comparison(raw: list[str]) -> tuple[str, float] | None:
    """'less than a quarter', 'more than 15%', 'under half': the comparison and its percentage."""
    text = " ".join(raw)
    for words, op in sorted(COMPARATIVES.items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf"\b{re.escape(words)}\b\s+(?:a |an |one |about )?(\S+)", text)
        if not m:
            continue
        word = m.group(1)
        num = _NUMBER.match(word)
        if num:
            return op, float(num.group(1))
        if word in NUMBERS and NUMBERS[word] > 5:
            return op, NUMBERS[word]
        if word.rstrip("s") in NUMBERS:
            return op, NUMBERS[word.rstrip("s")]
    return None


def _resolve(r: Reading, idx: Index) -> None:
    """Bring in what the focus refers back to: when it uses a pronoun or names no more than a kind of answer
    ("What are the aims?"), the things named in the sentence before it; a singular pronoun ("it", "this")
    stands for one thing, the tumor of that sentence when it names one ("a meningioma pressing on my cord")."""
    a, b = r.focus
    before = [p for p in r.parts if not p.in_focus and p.mention.start < a and not p.context.negated]
    if not before:
        return
    refers = any(t.raw in REFERRING for t in r.tokens[a:b])
    names_nothing = not any(p.in_focus and not (p.iris <= r.categories) for p in r.parts)
    if refers or names_nothing:
        last = before[-1].mention.sentence
        brought_parts = [p for p in before if p.mention.sentence == last]
        singular = any(t.raw in ("it", "its", "this", "that") for t in r.tokens[a:b])
        tumors = [p for p in brought_parts if any("tumor" in idx.entities[i].kinds for i in p.iris)]
        if singular and tumors:
            brought_parts = tumors[-1:]
        brought = {id(p) for p in brought_parts}
        r.parts = [Part(p.mention, p.context, True, True) if id(p) in brought else p for p in r.parts]
