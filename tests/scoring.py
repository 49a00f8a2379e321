"""Scoring of question sets and triage vignette sets (the rules of the public checker, re-implemented).

A question passes when every ``must_include`` name matches an answer and no ``must_exclude`` name does;
names match after lower-casing, dropping punctuation and generic words (spinal, tumor, the ...),
reducing plurals, and also inside / outside a parenthesis. An out-of-scope question (``expect: decline``)
passes when ``ask`` raises QuestionError. "Confidently wrong" counts answers that were returned and fail.

    python -m tests.scoring questions tests/data/blind/questions-1.yaml [--verbose]
    python -m tests.scoring triage tests/data/blind/triage-1.yaml [--verbose] [--today=2026-12-04]
"""
from __future__ import annotations

import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

GENERIC = frozenset({"spinal", "spine", "tumor", "tumors", "tumour", "tumours", "the", "a", "an", "of", "neoplasm",
                     "neoplasms", "about", "approximately", "roughly"})
TIERS = ("self_care", "soon", "urgent", "emergency")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ae"):
        return word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _canonical(text: str) -> str:
    tokens = re.sub(r"[^a-z0-9%]+", " ", text.lower()).split()
    kept = [t for t in tokens if t not in GENERIC] or tokens
    return " ".join(_singular(t) for t in kept)


def name_forms(text: Any) -> set[str]:
    """Every normalised form under which a name may match (booleans read as yes / no)."""
    if isinstance(text, bool):
        text = "yes" if text else "no"
    text = str(text)
    forms = {_canonical(text)}
    m = re.match(r"^(.*?)\((.*?)\)(.*)$", text)
    if m:
        forms |= {_canonical(m.group(1) + " " + m.group(3)), _canonical(m.group(2))}
    return {f for f in forms if f}


def answer_names(answer: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for text in [answer.get("label", ""), *(answer.get("synonyms") or [])]:
        out |= name_forms(text)
    return out


def matches(expected: Any, answers: list[dict[str, Any]]) -> bool:
    want = name_forms(expected)
    return any(want & answer_names(a) for a in answers)


@dataclass
class Outcome:
    id: str
    group: str
    ok: bool
    declined: bool
    expected_decline: bool
    seconds: float
    got: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    error: str = ""


def score_questions(kg: Any, items: list[dict[str, Any]]) -> list[Outcome]:
    from spineKG.errors import QuestionError

    out = []
    for q in items:
        decline = q.get("expect") == "decline"
        t0 = time.perf_counter()
        try:
            answers = kg.ask(q["question"]).to_dict()["answers"]
            declined, error = False, ""
        except QuestionError as exc:
            answers, declined, error = [], True, str(exc).splitlines()[0][:200]
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to record, not to stop on
            answers, declined, error = [], False, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        missing = [n for n in q.get("must_include") or [] if not matches(n, answers)]
        wrong = [n for n in q.get("must_exclude") or [] if matches(n, answers)]
        ok = declined if decline else (not declined and not error and not missing and not wrong)
        out.append(Outcome(q["id"], q.get("group", "?"), ok, declined, decline, seconds,
                           [a.get("label", "") for a in answers], missing, wrong, error))
    return out


def question_report(outcomes: list[Outcome]) -> str:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.group].append(o)
    inscope = [o for o in outcomes if not o.expected_decline]
    oos = [o for o in outcomes if o.expected_decline]
    wrong = [o for o in outcomes if not o.ok and not o.declined]   # answered, and the answer fails
    lines = []
    for g in sorted(groups):
        os_ = groups[g]
        lines.append(f"  {g:<14} {sum(o.ok for o in os_):>4}/{len(os_):<4} {100 * sum(o.ok for o in os_) / len(os_):5.1f} %")
    times = sorted(o.seconds for o in outcomes)
    p95 = times[int(0.95 * (len(times) - 1))] if times else 0.0
    lines += [
        f"  answerable     {sum(o.ok for o in inscope)}/{len(inscope)} = {100 * sum(o.ok for o in inscope) / max(1, len(inscope)):.1f} %"
        f" (declined {sum(o.declined for o in inscope)})",
        f"  out of scope declined {sum(o.ok for o in oos)}/{len(oos)} = {100 * sum(o.ok for o in oos) / max(1, len(oos)):.1f} %",
        f"  confidently wrong {len(wrong)}/{len(outcomes)} = {100 * len(wrong) / max(1, len(outcomes)):.1f} %",
        f"  overall {sum(o.ok for o in outcomes)}/{len(outcomes)} = {100 * sum(o.ok for o in outcomes) / max(1, len(outcomes)):.1f} %;"
        f" p95 {1000 * p95:.0f} ms, max {1000 * (times[-1] if times else 0):.0f} ms",
    ]
    return "\n".join(lines)


def _tier_rank(tier: str) -> int:
    return TIERS.index(tier)


def score_triage(kg: Any, items: list[dict[str, Any]], today: Any = None) -> list[dict[str, Any]]:
    out = []
    for v in items:
        t0 = time.perf_counter()
        try:
            got = kg.triage_text(v["text"], today=today).tier.key
            error = ""
        except Exception as exc:  # noqa: BLE001
            got, error = "", f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        below = not got or _tier_rank(got) < _tier_rank(v["min_safe_tier"])
        expected = v.get("expected_tier") or v["min_safe_tier"]
        over = bool(got) and _tier_rank(got) > _tier_rank(expected)
        out.append({"id": v["id"], "style": v.get("style"), "benign": bool(v.get("benign")), "got": got,
                    "min": v["min_safe_tier"], "expected": expected, "below": below, "over": over, "error": error,
                    "seconds": seconds})
    return out


def triage_report(rows: list[dict[str, Any]]) -> str:
    benign = [r for r in rows if r["benign"]]
    lines = [f"  below the minimum safe tier: {sum(r['below'] for r in rows)}/{len(rows)}"]
    for style in sorted({r["style"] for r in rows}):
        rs = [r for r in rows if r["style"] == style]
        lines.append(f"    {style}: {sum(r['below'] for r in rs)}/{len(rs)}")
    lines += [f"  over-triage (above the expected tier): {sum(r['over'] for r in rows)}/{len(rows)}"
              f" = {100 * sum(r['over'] for r in rows) / max(1, len(rows)):.1f} %",
              f"  over-triage on benign cases: {sum(r['over'] for r in benign)}/{len(benign)}"
              f" = {100 * sum(r['over'] for r in benign) / max(1, len(benign)):.1f} %",
              f"  tiers given: {dict(Counter(r['got'] or 'error' for r in rows))}",
              f"  p95 {1000 * sorted(r['seconds'] for r in rows)[int(0.95 * (len(rows) - 1))]:.0f} ms,"
              f" max {1000 * max((r['seconds'] for r in rows), default=0):.0f} ms"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import spineKG

    what, files = argv[0], [Path(a) for a in argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in argv
    from datetime import date

    today = next((date.fromisoformat(a.split("=", 1)[1]) for a in argv if a.startswith("--today=")), None)
    kg = spineKG.load()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        print(path)
        if what == "questions":
            outcomes = score_questions(kg, data["questions"])
            if verbose:
                for o in outcomes:
                    if not o.ok:
                        print(f"FAIL {o.id} [{o.group}] missing={o.missing} wrong={o.wrong} declined={o.declined} "
                              f"got={o.got[:8]} {o.error[:120]}")
            print(question_report(outcomes))
        else:
            rows = score_triage(kg, data["vignettes"], today)
            if verbose:
                for r in rows:
                    if r["below"] or r["over"]:
                        print(f"{'BELOW' if r['below'] else 'over '} {r['id']} [{r['style']}] got={r['got']} "
                              f"min={r['min']} expected={r['expected']} {r['error'][:100]}")
            print(triage_report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
