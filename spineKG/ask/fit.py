"""Fit the ranking and confidence models of the interpreter on question sets with known answers.

    python -m spineKG.ask.fit QUESTIONS.yaml [...] [--out spineKG/models/ranker.json] [--report]

For every question, every candidate reading is run and labelled right when its answer passes the question's
``must_include`` / ``must_exclude`` (the public checker's rules; ``expect: decline`` marks a question no
reading answers). The ranking weights are fitted by softmax regression over each question's candidates (the
right ones against the rest), with L2 shrinkage; the confidence model is a logistic regression of whether the
top reading is right on its score, its margin and the question's unexplained words; the threshold is the
threshold at which the most questions are answered rightly or declined rightly while at most ``--wrong`` of
all are answered wrongly. The fitted
model is package data: the interpreter reads it at import.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .ranking import DEFAULT, MODEL_PATH

if TYPE_CHECKING:
    from ..query import Engine

__all__ = ["main"]

_GENERIC = {"spinal", "spine", "tumor", "tumors", "tumour", "tumours", "the", "a", "an", "of", "neoplasm",
            "neoplasms", "about", "approximately", "roughly"}


def release_engine() -> Engine:
    """The query engine on the bundled release in the embedded store (what ``spineKG.load()`` builds; made here
    from the store and the index, as this layer may not import the KnowledgeGraph facade)."""
    from ..index import Index
    from ..query import Engine
    from ..store import EmbeddedStore

    store = EmbeddedStore()
    return Engine(store, Index.from_store(store))


def _forms(text: Any) -> set[str]:
    if isinstance(text, bool):
        text = "yes" if text else "no"
    words = re.sub(r"[^a-z0-9%]+", " ", str(text).lower()).split()
    kept = [w for w in words if w not in _GENERIC] or words
    out = {" ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w for w in kept)}
    m = re.match(r"^(.*?)\((.*?)\)(.*)$", str(text))
    if m:
        out |= _forms(m.group(1) + m.group(3)) | _forms(m.group(2))
    return {f for f in out if f}


def passes(q: dict[str, Any], labels: list[tuple[str, ...]]) -> bool:
    """Whether answers (each its label and synonyms) pass a question."""
    names = [set().union(*(_forms(n) for n in ans)) for ans in labels]

    def hit(name: str) -> bool:
        return any(_forms(name) & n for n in names)

    return all(hit(n) for n in q.get("must_include") or []) and not any(hit(n) for n in q.get("must_exclude") or [])


def collect(engine: Engine, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every question's candidates with their features and whether each is right (``engine``: a
    KnowledgeGraph's ``.engine``, or :func:`release_engine` for the bundled release)."""
    from . import _check
    from .candidates import candidates
    from .execute import execute, query_of
    from .reading import read

    out = []
    idx = engine.index
    for q in questions:
        decline = q.get("expect") == "decline"
        try:
            r = read(engine, _check(q["question"]))
            cands = candidates(engine, r)[:30]
        except Exception:  # noqa: BLE001 - a question the reader refuses has no candidates
            out.append({"id": q["id"], "decline": decline, "cands": [], "unexplained": 0})
            continue
        rows = []
        for c in cands:
            if c.shape in ("list", "choice"):   # in memory: the same answers as the store's (a test checks)
                found = engine.evaluate(query_of(c))
                if c.shape == "choice":
                    offered = {i for n in c.options for i in r.parts[n].iris}
                    found = [x for x in found if any(idx.is_a(x, o) for o in offered)]
                labels = [(idx.entities[x].label, *idx.entities[x].synonyms) for x in found]
            else:
                results = execute(engine, r, c).results
                labels = [(x.label, *x.entity.synonyms) if not x.value else (x.value,) for x in results]
            rows.append({"f": dict(c.features), "ok": (not decline) and bool(labels) and passes(q, labels),
                         "canonical": c.canonical})
        out.append({"id": q["id"], "decline": decline, "cands": rows, "unexplained": len(r.unexplained)})
    return out


def _vector(f: dict[str, float], keys: list[str]) -> list[float]:
    g = dict(f)
    g["yesno_x_form"] = g.get("shape_yesno", 0.0) * g.get("form_yesno", 0.0)
    g["share_x_asked"] = g.get("shape_share", 0.0) * g.get("share_asked", 0.0)
    return [g.get(k, 0.0) for k in keys]


def fit_ranker(data: list[dict[str, Any]], keys: list[str], l2: float = 0.01, steps: int = 1500,
               rate: float = 0.3) -> dict[str, float]:
    """Softmax regression over each question's candidates (questions with a right candidate only)."""
    import numpy as np

    groups = [(np.array([_vector(c["f"], keys) for c in d["cands"]]), np.array([c["ok"] for c in d["cands"]]))
              for d in data if d["cands"] and any(c["ok"] for c in d["cands"])]
    w = np.array([DEFAULT["weights"].get(k, 0.0) for k in keys], dtype=float)
    prior = w.copy()
    for _ in range(steps):
        grad = l2 * (w - prior)
        for x, ok in groups:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * ok
            q /= q.sum()
            grad += (x.T @ p - x.T @ q) / len(groups)
        w -= rate * grad
    return {k: round(float(v), 4) for k, v in zip(keys, w)}


def fit_confidence(data: list[dict[str, Any]], weights: dict[str, float], keys: list[str],
                   wrong: float) -> tuple[dict[str, float], float, dict[str, float]]:
    """Logistic regression of "the top reading is right" on the confidence features (OOS questions: never right);
    the threshold keeps the questions answered wrongly within ``wrong`` of all."""
    import numpy as np

    from .ranking import confidence_features

    rows, ys = [], []
    wv = np.array([weights[k] for k in keys])
    for d in data:
        if not d["cands"]:
            continue
        scored = [(float(np.array(_vector(c["f"], keys)) @ wv), c) for c in d["cands"]]
        scored.sort(key=lambda t: -t[0])
        rows.append(confidence_features([x for x, _ in scored], scored[0][1]["f"], d["unexplained"]))
        ys.append(float(scored[0][1]["ok"]))
    names = sorted(rows[0])
    x = np.array([[row[k] for k in names] + [1.0] for row in rows])
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    mu[-1], sd[-1] = 0.0, 1.0
    z = (x - mu) / sd
    y = np.array(ys)
    b = np.zeros(z.shape[1])
    for _ in range(4000):
        p = 1 / (1 + np.exp(-(z @ b)))
        b -= 0.1 * (z.T @ (p - y) / len(y) + 0.01 * np.r_[b[:-1], 0.0])
    coef = b[:-1] / sd[:-1]
    bias = b[-1] - float((b[:-1] * mu[:-1] / sd[:-1]).sum())
    conf = 1 / (1 + np.exp(-(x[:, :-1] @ coef + bias)))
    # the threshold that answers the most questions rightly (and declines the most that have no right reading)
    # while the questions answered wrongly stay within `wrong` of all
    right = np.array(ys, dtype=bool)
    threshold, best = 0.5, -1.0
    for t in sorted(set(np.round(conf, 3))):
        answered = conf >= t
        if (answered & ~right).sum() <= wrong * len(y) and (answered & right).sum() + (~answered & ~right).sum() > best:
            threshold, best = float(t), float((answered & right).sum() + (~answered & ~right).sum())
    answered = conf >= threshold
    order = np.argsort(conf)
    ranks = np.empty(len(conf))
    ranks[order] = np.arange(1, len(conf) + 1)
    pos = y.sum()
    auc = (ranks[y == 1].sum() - pos * (pos + 1) / 2) / max(1.0, pos * (len(y) - pos))
    stats = {"questions": float(len(y)), "top_right": round(float(y.mean()), 4), "auc": round(float(auc), 4),
             "answered": round(float(answered.mean()), 4),
             "precision_answered": round(float(y[answered].mean()), 4) if answered.any() else 0.0}
    model = {k: round(float(v), 4) for k, v in zip(names, coef)}
    model["bias"] = round(float(bias), 4)
    return model, round(threshold, 3), stats


def main(argv: list[str] | None = None) -> int:
    """Fit the ranking and confidence models on question files and write them (``--out``), or only report (``--report``).

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as d:
    ...     questions, out = Path(d, "questions.yaml"), Path(d, "ranker.json")
    ...     _ = questions.write_text("questions:\\n"
    ...                              "  - {id: a, question: 'Which tumors are benign?', must_include: [meningioma]}\\n"
    ...                              "  - {id: b, question: 'Are meningiomas usually benign?', must_include: ['yes']}\\n")
    ...     main([str(questions), "--out", str(out)])  # doctest: +ELLIPSIS
    ...     sorted(json.loads(out.read_text()))
    2 questions (2 answerable): a right reading among the candidates for 2 (100.0 %), ranked first for 2 (100.0 %)
    confidence: ...
    wrote ...ranker.json
    0
    ['confidence', 'fitted_on', 'stats', 'threshold', 'weights']
    """
    p = argparse.ArgumentParser(prog="python -m spineKG.ask.fit", description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--out", type=Path, default=MODEL_PATH)
    p.add_argument("--wrong", type=float, default=0.025,
                   help="the share of questions that may be answered wrongly (default 0.025)")
    p.add_argument("--report", action="store_true", help="print the oracle and the fitted accuracy only")
    args = p.parse_args(argv)
    eng = release_engine()
    questions = []
    for path in args.files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "sets" in data:
            questions += [c for s in data["sets"] for c in s["cases"]]
        else:
            questions += list(data["questions"] if isinstance(data, dict) else data)
    data = collect(eng, questions)
    keys = sorted(set(DEFAULT["weights"]) | {k for d in data for c in d["cands"] for k in c["f"]})
    oracle = sum(any(c["ok"] for c in d["cands"]) for d in data if not d["decline"])
    answerable = sum(not d["decline"] for d in data)
    weights = fit_ranker(data, keys)
    top = sum(bool(d["cands"]) and max(d["cands"], key=lambda c: sum(weights[k] * v for k, v in zip(keys, _vector(c["f"], keys))))["ok"]
              for d in data if not d["decline"])
    conf, threshold, stats = fit_confidence(data, weights, keys, args.wrong)
    print(f"{len(data)} questions ({answerable} answerable): a right reading among the candidates for {oracle} "
          f"({100 * oracle / max(1, answerable):.1f} %), ranked first for {top} ({100 * top / max(1, answerable):.1f} %)")
    print(f"confidence: {conf}; threshold {threshold}; {stats}")
    if not args.report:
        model = {"weights": weights, "confidence": conf, "threshold": threshold,
                 "fitted_on": [str(f) for f in args.files], "stats": stats}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
