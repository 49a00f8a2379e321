"""Plain-text rendering of answers and triage results (what the command line prints).

>>> from spineKG import load
>>> answer_text(load().ask("Which tumors are extradural?")).splitlines()[0]
'Which tumors are extradural?'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Answer, TriageResult

__all__ = ["NOT_A_MEDICAL_DEVICE", "answer_text", "triage_text"]

# (here, not in spineKG.model, whose TriageResult.to_dict carries it too: model imports render, not the reverse)
NOT_A_MEDICAL_DEVICE = ("spineKG is a reference and teaching tool, not a medical device: it does not replace a "
                        "clinician's judgement. If in doubt, seek medical help.")


def answer_text(answer: Answer) -> str:
    """An answer with its evidence chains and sources, and how the question was read.

    >>> from spineKG import load
    >>> print(answer_text(load().ask("Is ependymoma intramedullary?")))
    Is ependymoma intramedullary?
    <BLANKLINE>
    * yes
        because: ependymoma is a kind of intramedullary tumor
          source: Spine Tumors (article): section 'Intramedullary Tumor'
    <BLANKLINE>
    Read as: Does ependymoma — has common type or is a kind of or located in — intramedullary?  (confidence 82%)
    """
    lines = [answer.question, ""]
    if not answer.results:
        lines.append("No answer in the graph for this question.")
    for r in answer.results:
        ent = r.entity
        if r.value:
            lines.append(f"* {r.value}" + (f"  ({ent.label})" if answer.interpretation.shape != "yesno" else ""))
        else:
            syn = f" (also: {', '.join(ent.synonyms[:4])})" if ent.synonyms else ""
            lines.append(f"* {r.label}{syn}  [{ent.kind}; {ent.curie}]")
        for ev in r.evidence:
            lines.append(f"    because: {ev.text}")
            chain = ev.chain()
            if len(chain) > 1 or chain[0] is not ev:
                for step in chain:
                    src = step.source.title if step.source else step.derivation
                    lines.append(f"      - {step.text}  <{src}>")
            elif ev.source:
                lines.append(f"      source: {ev.source.title}")
    i = answer.interpretation
    lines += ["", f"Read as: {i.canonical}  (confidence {i.confidence:.0%})"]
    if i.not_used:
        lines.append(f"Named but not used as a filter: {', '.join(i.not_used)}")
    if answer.triage is not None:
        lines += ["", str(answer.triage)]
    return "\n".join(lines)


def triage_text(t: TriageResult) -> str:
    """A triage result: the tier and what to do, the rules that fired with their sources, the reading, the
    questions that would settle a possible red flag, the safety net, and the medical-device line.

    >>> from spineKG import load
    >>> lines = triage_text(load().triage(age=45, pain_days=3, neuro_signs=["saddle numbness"])).splitlines()
    >>> print(lines[0])
    EMERGENCY CARE NOW: Go to an emergency department now or call an ambulance; do not wait for a GP appointment.
    >>> print(lines[2])
      read: saddle numbness ("saddle numbness"); new back pain ("back pain")
    >>> lines[-1] == "  " + NOT_A_MEDICAL_DEVICE
    True
    """
    who = f" ({' or '.join(s.label for s in t.specialists)})" if t.specialists else ""
    lines = [f"{t.tier.entity.label.upper()}{who}: {t.tier.advice}"]
    for r in t.fired:
        src = r.source.title if r.source else ""
        also = f"; also {r.also.title}" if r.also else ""
        lines.append(f"  because: {r.definition} [{src}{also}]")
    seen = [f for f in t.findings if f.status != "present"]
    present = [f for f in t.findings if f.status == "present"]
    if present:
        lines.append("  read: " + "; ".join(f"{f.entity.label} (\"{f.words}\")" for f in present))
    if seen:
        lines.append("  not counted: " + "; ".join(f"{f.entity.label} (\"{f.words}\": {f.status})" for f in seen))
    for q in t.questions:
        lines.append(f"  to settle it, ask: {q}")
    lines.append(f"  safety net: {t.tier.safety_net}")
    lines.append(f"  {NOT_A_MEDICAL_DEVICE}")
    return "\n".join(lines)
