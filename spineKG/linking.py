"""Entity linking: find the graph's names (labels, synonyms, lexicon words) in free text.

Exact matching is multi-pattern (pyahocorasick over the normalised words, leftmost-longest, every scope of
name: label, exact, narrow, broad, related); words it leaves over that look like a misspelt name word
("simptoms", "mielopathy") are corrected with rapidfuzz and matched again, and the mention says so.

>>> from spineKG import load
>>> kg = load()
>>> [m.text for m in kg.link("which tumors cause mielopathy in the neck")]
['tumors', 'mielopathy', 'neck']
>>> kg.link("which tumors cause mielopathy in the neck")[1].match
'fuzzy'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .text import POSSESSIVES, contractions, singular, spelling

if TYPE_CHECKING:
    import ahocorasick

    from .index import Index, NameRef

__all__ = ["Linker", "Mention", "Token", "tokenize"]

_TOKEN = re.compile(r"[a-z0-9]+%?")   # as spineKG.text.words splits names
_SENTENCE_END = re.compile(r"[.?!;]+(?=\s|$)|\n")
# words that may not be a name on their own: too common in questions to name an entity
_WEAK_NAMES = frozenset({"in", "a", "the", "for", "with", "when", "how", "who", "where", "which", "what", "it", "is",
                         "are", "do", "does", "can", "to", "of", "and", "or", "my", "i", "be", "on", "at", "as", "by"})
_NEGATING_PREFIXES = frozenset({"a", "an", "non", "un", "in", "im", "dis", "de", "anti"})
_LINKING = frozenset({"of", "in", "a", "an", "the", "for", "with", "to", "and", "or", "on", "at", "as", "by", "from"})
_SCOPE_ORDER = ("label", "exact", "narrow", "broad", "related")
_GAP_BREAK = re.compile(r"[.,;:!?()\n]")   # filler words are skipped within a clause only


@dataclass(frozen=True)
class Token:
    """A word of a text: normalised (lower case, American spelling, singular), as written, where it is.

    >>> tokenize("My legs")[1]
    Token(word='leg', raw='legs', start=3, end=7, sentence=0)
    """

    word: str
    raw: str
    start: int      # character offsets in the original text
    end: int
    sentence: int = 0


@dataclass(frozen=True)
class Mention:
    """Words of a text that name one or more entities.

    >>> from spineKG import load
    >>> m = load().link("numb feet")[1]
    >>> m.text, sorted(m.iris), m.scope, m.register, m.score
    ('feet', ['https://w3id.org/spinekg/Leg'], 'narrow', 'lay', 0.9)
    """

    start: int      # token positions [start, end)
    end: int
    text: str
    iris: frozenset[str]
    scope: str = "label"        # the closest scope among the names matched: label, exact, narrow, broad, related
    register: str = "curated"   # curated, lay, abbreviation, shorthand
    match: str = "exact"        # exact or fuzzy (a misspelt word corrected)
    sentence: int = 0

    @property
    def score(self) -> float:
        """How sure the link is, from 1 (a label, exactly) down."""
        base = {"label": 1.0, "exact": 1.0, "narrow": 0.9, "broad": 0.8, "related": 0.75}[self.scope]
        return base * (0.85 if self.match == "fuzzy" else 1.0)


def tokenize(text: str) -> list[Token]:
    """The words of a text with their sentence numbers ("can't" is read as "can not").

    >>> [(t.word, t.sentence) for t in tokenize("Can't walk. Tumours")]
    [('can', 0), ('not', 0), ('walk', 0), ('tumor', 1)]
    """
    low = text.lower().replace("’", "'").replace("‘", "'")
    cuts = [m.end() for m in _SENTENCE_END.finditer(low)]
    found = list(_TOKEN.finditer(low.replace("'s ", "   ").replace("'", " ")))
    spelled = contractions([singular(spelling(m.group())) for m in found])
    out = []
    for w, n in spelled:
        m = found[n]
        sentence = sum(1 for c in cuts if c <= m.start())
        out.append(Token(w, m.group(), m.start(), m.end(), sentence))
    return out


class Linker:
    """Links text to the entities of an index (built once per index).

    >>> from spineKG import load
    >>> linker = load().engine.linker
    >>> text = "weak legs and back pain"
    >>> [m.text for m in linker.link(tokenize(text), text)]
    ['weak legs', 'back pain']
    >>> linker.correct("mielopathy")
    'myelopathy'
    """

    def __init__(self, index: Index) -> None:
        self.index = index

    @cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        return self._build(gapped=False)

    @cached_property
    def _gapped(self) -> ahocorasick.Automaton:
        """The names without their filler words (two words or more left, not opening or closing on a word such as
        "of", and no other name), matched over a text
        without its filler words: "legs have gone like jelly" names what "legs like jelly" does."""
        return self._build(gapped=True)

    def _build(self, gapped: bool) -> ahocorasick.Automaton:
        import ahocorasick

        plain = {}
        for name, refs in self.index.name_refs.items():
            ws = [w for w in name.split() if w not in POSSESSIVES]
            if ws and not (len(ws) == 1 and ws[0] in _WEAK_NAMES):
                plain[" ".join(ws)] = refs
        auto = ahocorasick.Automaton()
        for key, refs in plain.items():
            ws = key.split()
            if gapped:   # the name without its filler words: two words or more, and no other name
                drop = self.skipped(ws)
                ws = [w for k, w in enumerate(ws) if k not in drop]
                if len(ws) < 2 or ws[0] in _LINKING or ws[-1] in _LINKING or (" ".join(ws) in plain and " ".join(ws) != key):
                    continue
            key = " " + " ".join(ws) + " "
            auto.add_word(key, (len(ws), len(key), tuple(refs)))
        if not len(auto):
            auto.add_word(" \x00 ", (1, 3, ()))
        auto.make_automaton()
        return auto

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every name, cue and relation phrase (the words a misspelling is corrected to)."""
        words: set[str] = set()
        for phrase in [*self.index.name_refs, *self.index.cues, *self.index.relation_words, *self.index.rank_cues]:
            words.update(phrase.split())
        return frozenset(w for w in words if len(w) >= 4 and w.isalpha())

    def skipped(self, words: list[str]) -> set[int]:
        """Positions of the lexicon's filler words in a run of words ("have gone" in "legs have gone like jelly")."""
        out: set[int] = set()
        for k, w in enumerate(words):
            for run in self._fillers.get(w, ()):
                if tuple(words[k:k + len(run)]) == run:
                    out.update(range(k, k + len(run)))
                    break
        return out

    @cached_property
    def _fillers(self) -> dict[str, list[tuple[str, ...]]]:
        out: dict[str, list[tuple[str, ...]]] = {}
        for run in self.index.fillers:   # longest first
            out.setdefault(run[0], []).append(run)
        return out

    def link(self, tokens: list[Token], text: str, *, gaps: bool = False) -> list[Mention]:
        """Mentions of entities, leftmost-longest, with misspelt name words corrected; with ``gaps``, a name is
        also found with filler words inside it ("legs have gone like jelly"), as a patient's story needs (a
        question's verbs stay its relation words: "pinches a nerve root")."""
        words = [t.word for t in tokens]
        mentions = self._exact(tokens, words, text, "exact", gaps)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        fixed = list(words)
        changed = False
        for i, w in enumerate(words):
            if i not in covered and (c := self.correct(w)) is not None:
                fixed[i], changed = c, True
        if changed:   # match again with the corrected words; the mentions holding one are fuzzy
            fuzzy_at = {i for i, (a, b) in enumerate(zip(words, fixed)) if a != b}
            mentions = [m if fuzzy_at & set(range(m.start, m.end)) else _with(m, match="exact")
                        for m in self._exact(tokens, fixed, text, "fuzzy", gaps)]
        return _ellipsis(self.index, tokens, text, mentions)

    def correct(self, word: str) -> str | None:
        """The name word a word is a misspelling of: close to one (rapidfuzz) and itself no English word (the
        English dictionary of pyspellchecker, read only when a correction is proposed)."""
        if len(word) < 5 or not word.isalpha() or word in self.vocabulary:
            return None
        from rapidfuzz import fuzz, process

        found = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        if not found or word in self._english or singular(word) in self._english:
            return None
        if word.endswith(found[0]) and word[:-len(found[0])] in _NEGATING_PREFIXES:
            return None   # "apyrexial" is the opposite of "pyrexial", not a misspelling of it
        return str(found[0])

    def foreign_share(self, tokens: list[Token]) -> float:
        """The share of a text's words (of three letters or more) that are neither English (pyspellchecker's
        dictionary), nor a word of the graph's names, nor a misspelling of one: high for another language."""
        words = [t.word for t in tokens if len(t.word) >= 3 and t.word.isalpha()]
        if not words:
            return 0.0
        unknown = [w for w in words if w not in self._english and singular(w) not in self._english
                   and w not in self.vocabulary and self.correct(w) is None]
        return len(unknown) / len(words)

    @cached_property
    def _english(self) -> frozenset[str]:
        from spellchecker import SpellChecker

        return frozenset(SpellChecker(distance=1).word_frequency.keys())

    def _exact(self, tokens: list[Token], words: list[str], text: str, how: str, gaps: bool) -> list[Mention]:
        plain = [i for i, w in enumerate(words) if w not in POSSESSIVES]   # "my bladder" matches "bladder"
        fillers = self.skipped(words) if gaps else set()
        spans = [s[:3] for s in self._spans(self._automaton, plain, words)]
        for a, b, refs, n in self._spans(self._gapped, [i for i in plain if i not in fillers], words) if gaps else ():
            # a gap of filler words inside one clause, of four words at most
            if b - a <= n + 4 and not _GAP_BREAK.search(text[tokens[a].end:tokens[b - 1].start]):
                spans.append((a, b, refs))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out: list[Mention] = []
        last = 0
        for a, b, refs in spans:
            if a < last:
                continue
            best = min(refs, key=lambda r: _SCOPE_ORDER.index(r.scope))
            scope_refs = [r for r in refs if r.scope == best.scope]
            out.append(Mention(a, b, text[tokens[a].start:tokens[b - 1].end], frozenset(r.iri for r in refs),
                               best.scope, best.register if len(scope_refs) else "curated", how, tokens[a].sentence))
            last = b
        return out

    @staticmethod
    def _spans(auto: ahocorasick.Automaton, keep: list[int],
               words: list[str]) -> list[tuple[int, int, tuple[NameRef, ...], int]]:
        """The names an automaton finds in the kept words: [start, end) token positions of the text, the name's
        references and its number of words."""
        line = " " + " ".join(words[i] for i in keep) + " "
        starts = {}   # character offset in `line` -> index into keep
        pos = 1
        for k, i in enumerate(keep):
            starts[pos] = k
            pos += len(words[i]) + 1
        out = []
        for end_char, (n, size, refs) in auto.iter(line):
            first = starts.get(end_char - size + 2)
            if first is not None and refs:
                out.append((keep[first], keep[first + n - 1] + 1, refs, n))
        return out


def _with(m: Mention, **changes: str) -> Mention:
    fields = {"start": m.start, "end": m.end, "text": m.text, "iris": m.iris, "scope": m.scope,
              "register": m.register, "match": m.match, "sentence": m.sentence}
    fields.update(changes)
    return Mention(**fields)  # type: ignore[arg-type]


def _ellipsis(index: Index, tokens: list[Token], text: str, mentions: list[Mention]) -> list[Mention]:
    """'slow or fast growing', 'cervical or thoracic spine': a word before 'or'/'and' that names something
    only with the words shared from the mention after it."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    extra = []
    for m in mentions:
        k = m.start - 2
        if m.end - m.start < 2 or k < 0 or k in covered or tokens[m.start - 1].word not in ("or", "and"):
            continue
        for shared in range(1, m.end - m.start):
            phrase = " ".join([tokens[k].word] + [t.word for t in tokens[m.end - shared:m.end]])
            refs = index.name_refs.get(phrase)
            if refs:
                extra.append(Mention(k, k + 1, text[tokens[k].start:tokens[k].end], frozenset(r.iri for r in refs),
                                     refs[0].scope, refs[0].register, "exact", tokens[k].sentence))
                break
    return sorted(mentions + extra, key=lambda m: m.start)

