"""The sentence encoders: offline, lazy, unit vectors that put a paraphrase nearer than an unrelated sentence.

"static" (shipped in the package) and "wordllama" (a test extra) run everywhere; "minilm" needs torch, which CI
does not install, so its test is skipped there.
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spineKG
from spineKG.encoder import BACKENDS, ENCODER_DIR, Encoder, load
from spineKG.errors import MissingDependencyError, UnknownTermError

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
NO_NETWORK = """import socket
def _refuse(*args, **kwargs):
    raise OSError("network use in an offline test")
socket.socket.connect = socket.socket.connect_ex = _refuse
socket.create_connection = socket.getaddrinfo = _refuse
"""


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=OFFLINE, cwd=ROOT)


def encoder(name: str) -> Encoder:
    try:
        return load(name)
    except MissingDependencyError as exc:
        pytest.skip(str(exc))


def test_the_static_encoder_loads_from_package_data_without_network() -> None:
    code = NO_NETWORK + (
        "import json, spineKG.encoder as e\n"
        "enc = e.load()\n"
        "v = enc.encode(['which tumors cause myelopathy', 'back pain at night'])\n"
        "print(json.dumps([enc.name, enc.dim, list(v.shape), str(v.dtype), str(e.ENCODER_DIR)]))\n")
    run = python(code)
    assert run.returncode == 0, run.stderr
    name, dim, shape, dtype, folder = json.loads(run.stdout)
    assert (name, shape, dtype) == ("static", [2, dim], "float32")
    assert Path(folder) == Path(spineKG.__file__).parent / "models" / "encoder"
    assert {p.name for p in ENCODER_DIR.iterdir()} >= {"vectors.npy", "tokenizer.json", "config.json"}


@pytest.mark.parametrize("name", BACKENDS)
def test_rows_are_unit_float32_vectors_and_a_paraphrase_is_nearer(name: str) -> None:
    enc = encoder(name)
    v = enc.encode(["Which tumors cause myelopathy in the cervical spine?",
                    "What tumours in the neck can lead to myelopathy?",
                    "How do I reset the password of my email account?"])
    assert v.shape == (3, enc.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1
    assert enc.encode([]).shape == (0, enc.dim)


def test_a_text_without_known_tokens_is_the_zero_vector() -> None:
    v = load().encode(["", "spine"])
    assert not v[0].any() and np.isclose(np.linalg.norm(v[1]), 1)


LABELS = ["spinal cord compression", "cauda equina syndrome", "vertebral hemangioma", "radiculopathy", "myelopathy",
          "ependymoma", "unexplained weight loss", "night pain", "metastatic spinal tumor", "bowel or bladder dysfunction"]
LAY = {"lost control of bladder and numb saddle area": "bowel or bladder dysfunction",
       "losing weight without trying": "unexplained weight loss",
       "cancer that spread to the spine": "metastatic spinal tumor",
       "back hurts worse at night": "night pain",
       "trouble holding urine": "bowel or bladder dysfunction",
       "pressure on the spinal cord": "spinal cord compression"}


@pytest.mark.parametrize("name", BACKENDS)
def test_lay_wording_is_nearest_its_ontology_label(name: str) -> None:
    enc = encoder(name)
    sims = enc.encode(list(LAY)) @ enc.encode(LABELS).T
    assert [LABELS[i] for i in sims.argmax(axis=1)] == list(LAY.values())


def test_the_static_encoder_retrieves_most_rewordings_of_the_competency_questions() -> None:
    """A guard on the shipped model: a broken distillation (such as the 128-token padding) scored below 0.5."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    scores = importlib.import_module("encoders").proxy_accuracy(load())   # the benchmark's task, not a copy
    assert scores["top-1"] >= 0.65 and scores["MRR"] >= 0.72, scores


def test_load_is_cached_and_unknown_names_get_suggestions() -> None:
    assert load() is load("static")
    with pytest.raises(UnknownTermError, match="did you mean: wordllama"):
        load("wordlama")


def test_importing_the_module_imports_no_numpy_or_model_until_load() -> None:
    """Measured against ``import spineKG``, so that what the rest of the package imports is not counted here."""
    run = python("import sys, json, spineKG\n"
                 "heavy = {'numpy', 'tokenizers', 'wordllama', 'torch', 'sentence_transformers', 'transformers',"
                 " 'model2vec'}\n"
                 "top = lambda: {m.split('.')[0] for m in sys.modules} & heavy\n"
                 "base = top()\n"
                 "import spineKG.encoder as e\n"
                 "imported = top() - base\n"
                 "e.load('static')\n"
                 "print(json.dumps([sorted(imported), sorted(top())]))\n")
    assert run.returncode == 0, run.stderr
    imported, loaded = json.loads(run.stdout)
    assert imported == [] and loaded == ["numpy", "tokenizers"]


@pytest.mark.parametrize("name, module", [("wordllama", "wordllama"), ("minilm", "sentence_transformers")])
def test_a_missing_backend_package_names_the_extra(name: str, module: str) -> None:
    run = python(f"import sys\nsys.modules[{module!r}] = None\n"   # what Python does for a package not installed
                 "from spineKG.encoder import load\nfrom spineKG.errors import MissingDependencyError\n"
                 f"try:\n    load({name!r})\nexcept MissingDependencyError as exc:\n    print(exc)\n")
    assert run.returncode == 0, run.stderr
    assert f"pip install 'spineKG[{name}]'" in run.stdout
