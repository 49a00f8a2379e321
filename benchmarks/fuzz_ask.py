"""Fuzz ``kg.ask`` and ``kg.triage_text`` with generated hostile and broken input; print the outcome figures.

Inputs mix the graph's own names (shuffled, repeated, misspelt), question words, SPARQL and SQL injection
shapes, control and non-Latin characters, very long strings and empty ones. Every input must end in an
answer or a spineKG error (``SpineKGError``: a decline, a budget stop, a bad input), never another exception.

    python benchmarks/fuzz_ask.py [N] [--seed S]      # default 10,000 inputs, seed 0
"""
from __future__ import annotations

import random
import sys
import time
import traceback
from collections import Counter

import spineKG
from spineKG.errors import SpineKGError

HOSTILE = ["} ; DROP ALL ; #", "' OR 1=1 --", "<script>alert(1)</script>", "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
           "\x00", "\u202e", "{" * 300, "(" * 300, "?x ?y ?z", "%s%s%n", "../../etc/passwd", "DELETE WHERE { ?s ?p ?o }",
           "\\u0000", "ｔｕｍｏｒｓ", "脊椎腫瘍", "опухоль", "🤕🦴", "\t\n\r", "NaN", "-1", "1e309", "None", "[]", "{}"]
WORDS = ["which", "what", "tumors", "cause", "not", "other than", "in the", "is", "usually", "most", "common", "how",
         "treat", "why", "?", ",", "and", "or", "my", "back", "pain", "since", "3/52", "no", "never", "mum", "had"]


def inputs(n: int, rng: random.Random, names: list[str]) -> list[str]:
    out = []
    for _ in range(n):
        kind = rng.randrange(6)
        if kind == 0:    # names and question words shuffled
            out.append(" ".join(rng.choice(names + WORDS) for _ in range(rng.randint(1, 30))))
        elif kind == 1:  # hostile fragments in a question
            out.append(f"which tumors {rng.choice(HOSTILE)} cause {rng.choice(names)} {rng.choice(HOSTILE)}")
        elif kind == 2:  # misspelt names
            w = list(rng.choice(names))
            for _ in range(rng.randint(1, 3)):
                if w:
                    w[rng.randrange(len(w))] = chr(rng.randint(97, 122))
            out.append("what causes " + "".join(w))
        elif kind == 3:  # random characters, any plane
            out.append("".join(chr(rng.choice([rng.randint(32, 126), rng.randint(0, 0x2FFF), rng.randint(0x1F300, 0x1F6FF)]))
                               for _ in range(rng.randint(0, 200))))
        elif kind == 4:  # long entity-heavy questions
            out.append("which tumors cause " + " and ".join(rng.choice(names) for _ in range(rng.randint(20, 120))))
        else:            # empty and near-empty
            out.append(rng.choice(["", " ", "?", "...", "\n", "a", "no"]))
    return out


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv and argv[0].isdigit() else 10_000
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    kg = spineKG.load()
    names = sorted({e.label for e in kg.engine.index.entities.values()})
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    slowest, over, crashes, slow = 0.0, 0, [], []
    for text in inputs(n, rng, names):
        for call in (kg.ask, kg.triage_text):
            t0 = time.perf_counter()
            try:
                call(text)
                outcomes[f"{call.__name__}: answered"] += 1
            except SpineKGError as exc:
                outcomes[f"{call.__name__}: {type(exc).__name__}"] += 1
            except Exception:  # noqa: BLE001 - what the fuzz is for
                crashes.append((call.__name__, text[:120], traceback.format_exc().splitlines()[-1]))
            took = time.perf_counter() - t0
            slowest, over = max(slowest, took), over + (took > 2.0)
            if took > 2.0:
                slow.append((call.__name__, took, text[:100]))
    for key, count in sorted(outcomes.items()):
        print(f"{key:<40} {count:>6}")
    print(f"inputs {n} (x2 calls), tracebacks {len(crashes)}, over 2 s {over}, slowest {slowest * 1000:.0f} ms")
    for name, took, text in slow[:10]:
        print(f"  slow {name} {took:.1f} s: {text!r}")
    for name, text, last in crashes[:10]:
        print(f"  {name}({text!r}): {last}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
