"""Questions in plain English, answered from the graph by an interpreter over its own typed queries.

A question is read (:mod:`.reading`: the sentence that asks, its form, what it names with negation and
other context, cues); the readings the graph could answer are generated from its schema and stated as
canonical sentences (:mod:`.candidates`); they are ranked and the best one's confidence is estimated
(:mod:`.ranking`). Below the confidence threshold the interpreter does not answer: it raises
:class:`~spineKG.errors.QuestionError` with the closest readings ("Did you mean ...?"). Otherwise the
reading runs (:mod:`.execute`) and the :class:`~spineKG.model.Answer` carries its interpretation.

>>> from spineKG import load
>>> kg = load()
>>> kg.ask("Which tumors cause myelopathy in the neck?").labels[:2]
['astrocytoma', 'ependymoma']
>>> kg.ask("What is the survival rate of metastatic spine cancer?")
Traceback (most recent call last):
...
spineKG.errors.QuestionError: ...
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..errors import BudgetError, QuestionError
from ..model import Answer, Interpretation, Result, TriageResult
from ..model import Reading as ReadingView
from ..triage import triage_text
from ..vocab import SKG
from .candidates import Candidate, candidates
from .execute import Outcome, execute
from .ranking import confidence, confidence_features, model
from .reading import Reading, read

if TYPE_CHECKING:
    from ..query import Engine

__all__ = ["MAX_CHARS", "ask", "interpret"]

MAX_CHARS = 1000
FOREIGN_SHARE = 0.4  # share of words neither English nor the graph's above which a question is declined
TIME_BUDGET = 2.0     # CPU seconds a question's readings may take before it is stopped with BudgetError (CPU time
                      # of this process, so that a busy machine does not stop an ordinary question)
MAX_NAMED = 16        # things a question may name: the readings grow with them (the longest blind question names 8)


def ask(engine: Engine, question: Any) -> Answer:
    """Answer a question, or raise QuestionError when it cannot be read with enough confidence.

    >>> import spineKG
    >>> engine = spineKG.load().engine
    >>> a = ask(engine, "Which tumors cause myelopathy in the neck?")
    >>> a.labels[:2], a.interpretation.shape
    (['astrocytoma', 'ependymoma'], 'list')
    >>> a.interpretation.canonical
    'Which spinal tumors cause myelopathy and are in cervical spine?'
    >>> ask(engine, "   ")
    Traceback (most recent call last):
    ...
    spineKG.errors.QuestionError: The question is empty.
    """
    text = _check(question)
    r = read(engine, text)   # (loads spaCy the first time a question holds a context cue: not counted)
    named = {frozenset(p.mention.iris) for p in r.parts}
    if len(named) > MAX_NAMED:
        raise QuestionError(f"The question names {len(named)} different things; I can answer about at most "
                            f"{MAX_NAMED} at once. Ask about fewer.")
    if len(r.unexplained) >= 2 and engine.linker.foreign_share(r.tokens) >= FOREIGN_SHARE:
        raise QuestionError("I can only read questions in English, and too many of its words are not English "
                            "words or names the graph knows.", [], [t.raw for t in r.unexplained])
    ranked = interpret(engine, r, time.process_time())
    if not ranked:
        raise QuestionError(_cannot(engine, r))
    best, outcome = ranked[0]
    assert outcome is not None
    results, query, sparql = outcome.results, outcome.query, outcome.sparql
    conf = confidence(confidence_features([c.score for c, _ in ranked], best.features, len(r.unexplained)))
    alternatives = tuple(c.canonical for c, _ in ranked[1:3])
    story = _patient_story(engine, r)
    if conf < model()["threshold"]:
        t = triage_text(engine, text) if story else None
        if t is not None and t.tier.order > 1 and _tells_red_flag(engine, t):
            # a red flag told as the person's own is answered, even if the question is not
            reading = Interpretation("How soon should this person be seen, and by whom?", "triage", "urgency", conf,
                                     alternatives=(best.canonical, *alternatives))
            whom = tuple(Result(x) for x in t.specialists) if engine.index.is_a(best.head, str(SKG.Specialist)) else ()
            return Answer(text, (*whom, Result(t.tier.entity), Result(t.tier.level)), reading, triage=t)
        raise QuestionError(f"I can't answer that with confidence ({conf:.0%} sure of my best reading).",
                            [best.canonical, *alternatives][:3], [t.raw for t in r.unexplained])
    interpretation = _interpretation(engine, r, best, conf, alternatives, sparql)
    if outcome.triage is not None:
        return Answer(text, results, interpretation, triage=outcome.triage, query=query)
    t = triage_text(engine, text) if story else None
    safety = t if t is not None and t.tier.order > 1 else None   # a red flag in a patient's story is never ignored
    return Answer(text, results, interpretation, triage=safety, query=query)


def interpret(engine: Engine, r: Reading, started: float | None = None) -> list[tuple[Candidate, Outcome | None]]:
    """The candidate readings of a question, best first; the best one run (its answers and triage).

    >>> import spineKG
    >>> from spineKG.ask.reading import read
    >>> engine = spineKG.load().engine
    >>> ranked = interpret(engine, read(engine, "Which tumors are benign?"))
    >>> best, outcome = ranked[0]
    >>> best.canonical, [x.label for x in outcome.results][:2]
    ('Which spinal tumors are benign?', ['aggressive vertebral hemangioma', 'aneurysmal bone cyst'])
    >>> all(o is None for _, o in ranked[1:])   # only the best reading is run
    True
    """
    started = time.process_time() if started is None else started
    cands = candidates(engine, r)
    if time.process_time() - started > TIME_BUDGET:
        raise BudgetError(f"the question took longer than its {TIME_BUDGET:g} s budget; ask a shorter one")
    if not cands:
        return []
    return [(cands[0], execute(engine, r, cands[0])), *((c, None) for c in cands[1:])]


def _tells_red_flag(engine: Engine, t: TriageResult) -> bool:
    """Whether a rule above self-care fired on something the text states as present (not a red flag only named as a
    topic, "what are the warning signs ...", nor only possible), or on a cancer of the person."""
    idx = engine.index
    present = [f.entity.iri for f in t.findings if f.status == "present"]
    for rule in t.fired:
        if rule.tier.order <= 1:
            continue
        if rule.cancer and t.inputs.get("cancer_history") not in (None, "none"):
            return True
        if any(idx.is_a(i, c) for i in present for c in (*rule.any, *rule.all)
               if c not in (str(SKG.BackPain), str(SKG.NewBackPain))):
            return True
    return False


def _patient_story(engine: Engine, r: Reading) -> bool:
    """Whether a question tells of a person's own back pain or symptoms (theirs, or a relative's): a person, and a
    symptom named as present (a risk factor alone, "while I'm on chemo", is no story of symptoms)."""
    people = {"i", "im", "ive", "my", "me", "mum", "mom", "mother", "dad", "father", "husband", "wife", "son",
              "daughter", "he", "she", "patient", "pt"} & {t.raw for t in r.tokens}
    idx = engine.index
    raw = {t.raw for t in r.tokens}
    told = bool(raw & {"pain", "painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "achy", "sore", "numb",
                       "tingling", "tingly", "weak", "stiff", "agony", "killing"})
    return bool(people) and (told or any(p.context.present and any("symptom" in idx.entities[i].kinds for i in p.iris)
                                         for p in r.parts))


def _interpretation(engine: Engine, r: Reading, c: Candidate, conf: float, alternatives: tuple[str, ...],
                    sparql: str) -> Interpretation:
    idx = engine.index

    def label(i: str) -> str:
        return idx.entities[i].label if i in idx.entities else i

    readings = tuple(ReadingView(r.parts[s.part].mention.text, tuple(sorted(label(i) for i in r.parts[s.part].iris)),
                                 s.phrase, s.constraint.negate) for s in c.slots)
    used = {s.part for s in c.slots} | {c.head_part, c.subject, c.target, *c.options}
    not_used = tuple(f"{r.parts[n].mention.text} (context)" for n, p in enumerate(r.parts)
                     if n not in used and (p.in_focus or p.resolved))
    kind = {"share": "share of spinal tumors", "yesno": "yes or no"}.get(c.shape) or label(c.head)
    return Interpretation(c.canonical, c.shape, kind, conf, readings, c.rank,
                          tuple(p.mention.text for p in r.parts), not_used, alternatives, sparql)


def _check(question: Any) -> str:
    if not isinstance(question, str):
        raise QuestionError(f"A question must be text, not {type(question).__name__}.")
    text = " ".join(question.split())
    if not text:
        raise QuestionError("The question is empty.")
    if len(text) > MAX_CHARS:
        raise QuestionError(f"The question is {len(text):,} characters long; spineKG reads questions of up to "
                            f"{MAX_CHARS:,} characters. Ask one short question at a time.")
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.8:
        raise QuestionError("The question does not look like English; spineKG understands questions in English.")
    return text


def _cannot(engine: Engine, r: Reading) -> str:
    unknown = [t.raw for t in r.unexplained][:6]
    hint = f" (not recognised: {', '.join(unknown)})" if unknown else ""
    kinds = ", ".join(engine.index.entities[i].label for i in engine.index.roots.values())
    return f"I can't answer that: it names nothing spineKG holds knowledge about{hint}. It answers questions about: {kinds}."
