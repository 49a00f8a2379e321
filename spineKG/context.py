"""Clinical context of the things a text names: negated, excluded, hypothetical, someone else's, or past.

NegEx (negspacy, a spaCy component) decides the scope of each cue; the cues are data in the graph
(``ontology/src/lexicon.yaml``, ``context``), and the negated category extends negspacy's clinical termset.
spaCy is loaded only when a text holds a cue at all (a cheap multi-pattern check first), since importing it
costs about a second.

>>> from spineKG import load
>>> kg = load()
>>> text = "no fever but I have lost weight"
>>> [(m.text, c.negated) for m, c in zip(*kg.engine.context.read(text))]
[('fever', True), ('lost weight', False)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .linking import Mention, Token, tokenize

if TYPE_CHECKING:
    import ahocorasick
    from spacy.language import Language

    from .index import Index
    from .linking import Linker

__all__ = ["CATEGORIES", "Context", "ContextReader"]

CATEGORIES = ("negated", "excluded", "hypothetical", "family", "historical", "possible", "relative")
_AFTER = "+following"
_LIST_BREAKS = (",", ";", "+", "(", ")", "/")
_HEDGE = re.compile(r"\?(?=[A-Za-z])")
_CUE_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[?¿]")   # quotes around words are no part of them
_DIRECTIONS = {"preceding": "preceding_negations", "following": "following_negations", "pseudo": "pseudo_negations",
               "termination": "termination"}


@dataclass(frozen=True)
class Context:
    """What a text says about one thing it names, besides naming it.

    >>> Context(negated=True).present, Context(historical=True).present
    (False, True)
    """

    negated: bool = False        # "no fever", "denies numbness"
    excluded: bool = False       # "other than surgery" (in a question)
    hypothetical: bool = False   # "what if I get a fever"
    family: bool = False         # "my mother had breast cancer"
    historical: bool = False     # "had breast cancer in 2015"
    possible: bool = False       # "?saddle anaesthesia", "r/o cauda equina" (a clinician's hedge)
    relative: bool = False       # "my brother has bone cancer" (someone else's, if the writer is the patient)

    @property
    def present(self) -> bool:
        """Whether the text states it as a present fact about the person it is about."""
        return not (self.negated or self.hypothetical or self.family)


NONE = Context()


class ContextReader:
    """Reads the context of mentions with negspacy, using the index's cues.

    >>> from spineKG import load
    >>> reader = load().engine.context
    >>> reader.categories_in("my mother had back pain")
    ('family', 'relative')
    >>> mentions, contexts = reader.read("back pain")   # no cue: spaCy is not even loaded
    >>> [(m.text, c.present) for m, c in zip(mentions, contexts)]
    [('back pain', True)]
    """

    def __init__(self, index: Index, linker: Linker) -> None:
        self.index, self.linker = index, linker
        self._pipelines: dict[tuple[str, ...], Language] = {}

    @cached_property
    def termsets(self) -> dict[str, dict[str, list[str]]]:
        """Each category's NegEx termset: its cues from the graph (the negated one over negspacy's clinical set)."""
        from negspacy.termsets import termset

        base: dict[str, list[str]] = termset("en_clinical").get_patterns()  # type: ignore[no-untyped-call]
        out: dict[str, dict[str, list[str]]] = {}
        for cat in CATEGORIES:
            own = self.index.context_cues.get(cat, {})
            ts = {key: list(base[key]) if cat == "negated" else [] for key in _DIRECTIONS.values()}
            if cat == "possible":
                own = {**own, "preceding": [*own.get("preceding", ()), "¿"]}
            if cat != "negated":
                ts["termination"] = list(base["termination"])
                if cat == "excluded":   # "apart from", "except" start an exclusion in a question
                    ts["termination"] = [t for t in ts["termination"] if t not in own.get("preceding", ())]
            for direction, cues in own.items():
                ts[_DIRECTIONS[direction]] = list(dict.fromkeys([*ts[_DIRECTIONS[direction]], *cues]))
            out[cat] = {**ts, "following_negations": []}
            # a following cue reaches back over one item of a list only ("LBP, fever, neuro intact")
            out[cat + _AFTER] = {"pseudo_negations": ts["pseudo_negations"], "preceding_negations": [],
                                 "following_negations": ts["following_negations"],
                                 "termination": [*ts["termination"], *_LIST_BREAKS]}
        return out

    @cached_property
    def _cues(self) -> dict[str, ahocorasick.Automaton]:
        """Per category, a multi-pattern matcher of its trigger cues (preceding and following)."""
        import ahocorasick

        out = {}
        for cat, ts in self.termsets.items():
            if cat.endswith(_AFTER):
                continue
            ts = {**ts, "following_negations": self.termsets[cat + _AFTER]["following_negations"]}
            auto = ahocorasick.Automaton()
            for key in ("preceding_negations", "following_negations"):
                for cue in ts[key]:
                    words = _CUE_TOKEN.findall(cue.lower().replace("’", "'"))
                    if words:
                        auto.add_word(" " + " ".join(words) + " ", cat)
            auto.make_automaton()
            out[cat] = auto
        return out

    def categories_in(self, text: str, categories: tuple[str, ...] = CATEGORIES) -> tuple[str, ...]:
        """The categories whose cues a text holds (if none, nothing it names has that context)."""
        line = " " + " ".join(_CUE_TOKEN.findall(_HEDGE.sub("¿ ", text.lower().replace("’", "'")))) + " "
        return tuple(c for c in categories if next(self._cues[c].iter(line), None) is not None)

    def nlp(self, categories: tuple[str, ...]) -> Language:
        """A blank English spaCy pipeline with a sentencizer and a NegEx component per category asked for."""
        if categories not in self._pipelines:
            import spacy
            from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)

            nlp = spacy.blank("en")
            nlp.add_pipe("sentencizer")
            for cat in categories:
                for part in (cat, cat + _AFTER):
                    nlp.add_pipe("negex", name=f"context_{part}",
                                 config={"neg_termset": self.termsets[part], "extension_name": f"ctx_{part}"})
            self._pipelines[categories] = nlp
        return self._pipelines[categories]

    def read(self, text: str, tokens: list[Token] | None = None, mentions: list[Mention] | None = None,
             categories: tuple[str, ...] = CATEGORIES) -> tuple[list[Mention], list[Context]]:
        """The mentions of a text and the context of each in the given categories (linking the text when no
        mentions are given); spaCy runs only for the categories whose cues the text holds."""
        tokens = tokenize(text) if tokens is None else tokens
        mentions = self.linker.link(tokens, text) if mentions is None else mentions
        present = self.categories_in(text, categories) if mentions else ()
        if not present:
            return mentions, [NONE] * len(mentions)
        nlp = self.nlp(present)
        # a clinician's "?saddle anaesthesia" queries the word it is attached to; spaCy's sentencizer would
        # end a sentence at it, so it is read as the hedge mark "¿" (one character for one: offsets stay)
        doc = nlp.make_doc(_HEDGE.sub("¿", text))
        spans: list[Any] = []
        keep: list[int] = []
        for n, m in sorted(enumerate(mentions), key=lambda nm: (nm[1].start, -nm[1].end)):
            span = doc.char_span(tokens[m.start].start, tokens[m.end - 1].end, label="ENTITY", alignment_mode="expand")
            if span is not None and all(span.end <= s.start or span.start >= s.end for s in spans):
                spans.append(span)
                keep.append(n)
        doc.ents = spans
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        at = {(span.start, span.end): n for n, span in zip(keep, spans)}   # spaCy keeps its entities in order
        flags = [NONE] * len(mentions)
        for ent in doc.ents:
            flags[at[(ent.start, ent.end)]] = Context(**{cat: bool(ent._.get(f"ctx_{cat}") or ent._.get(f"ctx_{cat}{_AFTER}"))
                                                         for cat in present})
        return mentions, flags
