"""Entity linking: find the ontology's labels and synonyms in free text (longest match first).

>>> from spineKG import load
>>> [m.text for m in load().link("which tumors cause myelopathy in the neck")]
['tumors', 'myelopathy', 'neck']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .index import Index
from .text import POSSESSIVES, contractions, singular, spelling

MAX_WORDS = 12
_TOKEN = re.compile(r"[a-z0-9]+%?")
# words a label may not consist of alone: too common in questions to name an entity
_WEAK_NAMES = {"in", "a", "the", "for", "with", "when", "how", "who", "where", "which", "what", "it", "is", "are",
               "do", "does", "can", "to", "of", "and", "or", "my", "i", "be"}


@dataclass(frozen=True)
class Token:
    word: str      # normalised (lower case, singular)
    raw: str
    start: int     # character offsets in the original text
    end: int


@dataclass(frozen=True)
class Mention:
    start: int     # token positions [start, end)
    end: int
    text: str
    iris: frozenset[str]


def tokenize(text: str) -> list[Token]:
    low = text.lower().replace("’", "'")
    found = list(_TOKEN.finditer(low.replace("'s ", "   ").replace("'", " ")))
    spelled = contractions([singular(spelling(m.group())) for m in found])   # "can't" -> can not
    return [Token(w, found[n].group(), found[n].start(), found[n].end()) for w, n in spelled]


def link(index: Index, tokens: list[Token], text: str) -> list[Mention]:
    """Greedy longest-match linking of token spans to entity names."""
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = None
        if tokens[i].word in POSSESSIVES:
            i += 1
            continue
        for j in range(min(len(tokens), i + MAX_WORDS), i, -1):
            phrase = " ".join(t.word for t in tokens[i:j] if t.word not in POSSESSIVES)
            if j - i == 1 and phrase in _WEAK_NAMES:
                continue
            iris = index.names.get(phrase)
            if iris:
                found = Mention(i, j, text[tokens[i].start:tokens[j - 1].end], frozenset(iris))
                break
        if found:
            out.append(found)
            i = found.end
        else:
            i += 1
    return _ellipsis(index, tokens, text, out)


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
            if phrase in index.names:
                extra.append(Mention(k, k + 1, text[tokens[k].start:tokens[k].end], frozenset(index.names[phrase])))
                break
    return sorted(mentions + extra, key=lambda m: m.start)
