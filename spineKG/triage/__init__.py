"""Triage: how soon a person with back pain should be seen, and by whom, by graded rules that are data.

Four tiers (emergency care now, same-day assessment, prompt doctor review, self-care with safety-net
advice) carry out the article's three levels; every rule whose conditions hold fires, and the most urgent
tier among them decides. A finding that is only possible (a loose or corrected match in a story) counts
too, with the question that would settle it: a possible red flag raises the tier, never lowers it.

>>> from spineKG import load
>>> kg = load()
>>> kg.triage(age=61, pain_days=2, cancer_history="previous").tier.key
'urgent'
>>> kg.triage_text("I'm 45 and for 3 days I can't feel the toilet paper when I wipe").tier.key
'emergency'
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import TriageInputError
from ..model import Finding, TriageResult, TriageRule
from ..vocab import SKG
from .rules import read_rules, rules
from .story import read_story

if TYPE_CHECKING:
    from ..query import Engine

__all__ = ["CANCER_HISTORY", "read_rules", "read_story", "rules", "triage", "triage_text"]

CANCER_HISTORY = ("none", "previous", "current")


def triage(engine: Engine, *, age: int | None = None, pain_days: float | None = None, pain_new: bool = True,
           pain_worsening: bool = False, pain_explained: bool = False, severe_interferes_daily: bool = False,
           tried_rest_self_care: bool | None = None, red_flags: Iterable[str] = (), cancer_history: str = "none",
           neuro_signs: Iterable[str] = (), other_features: Iterable[str] = ()) -> TriageResult:
    """Apply the rules to a described patient with back pain.

    ``red_flags``, ``neuro_signs`` and ``other_features`` name findings of the graph ("weight loss", "leg
    weakness", "night pain", "osteoporosis"); an unknown name raises UnknownTermError with suggestions,
    except in ``other_features``, whose unknown names are kept as ``ignored``. ``cancer_history`` is none,
    previous or current; ``tried_rest_self_care=None`` means not stated.

    Example:

    >>> from spineKG import load
    >>> engine = load().engine
    >>> result = triage(engine, age=70, pain_days=3, red_flags=["loss of bladder control"])
    >>> result.tier.key, result.rule.label
    ('emergency', 'back pain with a sign of cauda equina syndrome')
    >>> result = triage(engine, age=30, pain_days=5, other_features=["osteoporosis", "desk job"])
    >>> result.tier.key, result.rule.label, result.ignored
    ('urgent', 'back pain after trauma or with weak bones', ('desk job',))
    """
    _check(age, pain_days, cancer_history)
    present: list[Finding] = []
    for name in [*red_flags, *neuro_signs]:
        ent = engine.index.lookup(name, kind="symptom") if _is_symptom(engine, name) else engine.index.lookup(name)
        present.append(Finding(ent, name))
    ignored = []
    for name in other_features:
        try:
            present.append(Finding(engine.index.lookup(name), name))
        except LookupError:
            ignored.append(name)
    inputs = {"age": age, "pain_days": pain_days, "pain_new": pain_new, "pain_worsening": pain_worsening,
              "pain_explained": pain_explained, "severe_interferes_daily": severe_interferes_daily,
              "tried_rest_self_care": tried_rest_self_care, "cancer_history": cancer_history}
    return decide(engine, present, inputs, ignored=tuple(ignored))


def triage_text(engine: Engine, text: str, *, today: date | None = None) -> TriageResult:
    """Read a patient's or a clinician's description of back pain, written on ``today`` (default: today), and
    triage it (see :func:`read_story`).

    Example (a loosely told red flag is a possible finding: it raises the tier, with the question that settles it):

    >>> from datetime import date
    >>> from spineKG import load
    >>> story = "My back has ached for 3 weeks and I think I might have lost some weight"
    >>> result = triage_text(load().engine, story, today=date(2024, 1, 1))
    >>> result.tier.key, result.inputs["pain_days"]
    ('urgent', 21.0)
    >>> [(f.entity.label, f.status) for f in result.findings][0]
    ('unplanned weight loss', 'possible')
    >>> result.questions
    ('Have you lost weight without trying, lost your appetite, felt sick, vomited, or had a fever or chills?',)
    """
    inputs, findings = read_story(engine, text, today=today)
    return decide(engine, list(findings), inputs)


def decide(engine: Engine, findings: list[Finding], inputs: dict[str, Any],
           ignored: tuple[str, ...] = ()) -> TriageResult:
    """The tier for a reading: every rule that holds fires, with possible findings as if present."""
    idx = engine.index
    ent = idx.entities
    tiers, all_rules = rules(engine)
    counted = [f for f in findings if f.status in ("present", "possible")]
    derived: list[Finding] = []
    if inputs.get("cancer_history", "none") != "none":
        derived.append(Finding(ent[str(SKG.CancerHistory)], f"cancer history: {inputs['cancer_history']}"))
    if inputs.get("pain_new", True) or inputs.get("pain_days") is not None:
        derived.append(Finding(ent[str(SKG.NewBackPain)] if inputs.get("pain_new", True) else ent[str(SKG.BackPain)],
                               "back pain"))
    if inputs.get("pain_worsening"):
        derived.append(Finding(ent[str(SKG.WorseningBackPain)], "worsening"))
    if inputs.get("severe_interferes_daily"):
        derived.append(Finding(ent[str(SKG.SevereBackPain)], "severe, interferes with daily activities"))
    days = inputs.get("pain_days")
    persistent = str(SKG.PersistentBackPain)
    if (days is not None and days >= min((r.min_pain_days or 14) for r in all_rules if persistent in r.all)
            and inputs.get("tried_rest_self_care") is not False and not inputs.get("pain_explained")):
        derived.append(Finding(ent[persistent], f"{days:g} days"))
    counted = counted + derived
    cancer = inputs.get("cancer_history", "none") != "none" or any(
        idx.is_a(f.entity.iri, str(SKG.CancerHistory)) for f in counted)
    worsening = bool(inputs.get("pain_worsening")) or any(
        idx.is_a(f.entity.iri, str(SKG.WorseningBackPain)) or idx.is_a(f.entity.iri, str(SKG.GraduallyWorseningPain))
        for f in counted)
    fired: list[tuple[TriageRule, bool]] = []   # (rule, only through a possible finding)
    for rule in all_rules:
        if rule.default:
            continue
        holds, possible = _holds(engine, rule, counted, cancer, worsening, inputs)
        if holds:
            fired.append((rule, possible))
    if not fired:
        fired = [(next(r for r in all_rules if r.default), False)]
    top = max(r.tier.order for r, _ in fired)
    deciding = [r for r, _ in fired if r.tier.order == top]
    questions = tuple(dict.fromkeys(r.question for r, possible in fired if possible and r.question))
    specialists = tuple(dict.fromkeys(s for r, _ in fired for s in r.specialists))
    tier = deciding[0].tier
    return TriageResult(tier, deciding[0], tuple(sorted((r for r, _ in fired), key=lambda r: -r.tier.order)),
                        tuple(dict.fromkeys([*findings, *derived])), specialists, questions, dict(inputs), ignored)


def _holds(engine: Engine, rule: TriageRule, found: list[Finding], cancer: bool, worsening: bool,
           inputs: dict[str, Any]) -> tuple[bool, bool]:
    """Whether a rule's conditions hold, and whether only through a possible finding."""
    idx = engine.index

    def meets(cls: str) -> tuple[bool, bool]:
        hits = [f for f in found if idx.is_a(f.entity.iri, cls)]
        return bool(hits), bool(hits) and all(f.status == "possible" for f in hits)

    possible = False
    if rule.cancer and not cancer:
        return False, False
    if rule.older_than is not None and inputs.get("age") is None and rule.if_age_unknown:
        possible = True   # the age is not told: the rule holds as possible, and its question asks the age
    elif rule.older_than is not None and (inputs.get("age") is None or inputs["age"] <= rule.older_than):
        return False, False
    if rule.younger_than is not None and (inputs.get("age") is None or inputs["age"] >= rule.younger_than):
        return False, False
    days = inputs.get("pain_days")
    if rule.min_pain_days is not None and str(SKG.PersistentBackPain) not in rule.all \
            and (days is None or days < rule.min_pain_days):
        return False, False   # a duration told (persistent pain carries its own: told, or derived from the days)
    if rule.pain and not (("new" in rule.pain and inputs.get("pain_new", True)) or ("worsening" in rule.pain and worsening)):
        return False, False
    for cls in rule.all:
        ok, maybe = meets(cls)
        if not ok:
            return False, False
        possible = possible or maybe
    if rule.any:
        results = [meets(cls) for cls in rule.any]
        if not any(ok for ok, _ in results):
            return False, False
        possible = possible or all(maybe for ok, maybe in results if ok)
    return True, possible


def _check(age: Any, pain_days: Any, cancer_history: Any) -> None:
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
        raise TriageInputError(f"age must be a whole number of years from 0 to 120, not {age!r}")
    if pain_days is not None and (isinstance(pain_days, bool) or not isinstance(pain_days, (int, float))
                                  or pain_days < 0 or pain_days != pain_days):
        raise TriageInputError(f"pain_days must be a number of days, 0 or more, not {pain_days!r}")
    if cancer_history not in CANCER_HISTORY:
        raise TriageInputError(f"cancer_history must be one of {', '.join(CANCER_HISTORY)}, not {cancer_history!r}")


def _is_symptom(engine: Engine, name: str) -> bool:
    try:
        return "symptom" in engine.index.lookup(name).kinds
    except LookupError:
        return True   # let the symptom lookup name the closest symptoms

