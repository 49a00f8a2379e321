"""A wheel carries the release and the static encoder: a plain (non-editable) install answers questions and
encodes text outside the source tree."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_installs_the_release_and_answers(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("spinekg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"spineKG/data/spinekg.ttl", "spineKG/data/spinekg-relations.ttl", "spineKG/data/spinekg.owl",
            "spineKG/py.typed", "spineKG/query/queries/red_flags.rq", "spineKG/models/encoder/vectors.npy",
            "spineKG/models/encoder/tokenizer.json", "spineKG/models/encoder/config.json"} <= names
    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    code = ("import spineKG, spineKG.store as s\n"
            "assert s.release_paths()[0].is_relative_to(%r), s.release_paths()\n"
            "print(spineKG.load().ask('which tumors cause myelopathy in the cervical spine').labels)\n"
            "import spineKG.encoder as e\n"
            "assert e.ENCODER_DIR.is_relative_to(%r), e.ENCODER_DIR\n"
            "v = e.load().encode(['spinal cord compression', 'pressure on the spinal cord', 'a sunny day'])\n"
            "print('encoder', v.shape, bool(v[0] @ v[1] > v[0] @ v[2]))\n") % (str(site), str(site))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    assert "astrocytoma" in run.stdout and "ependymoma" in run.stdout
    build = subprocess.run([sys.executable, "-m", "spineKG.cli", "build"], cwd=tmp_path, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(site)})
    assert build.returncode == 2 and "needs a source checkout" in build.stderr and "Traceback" not in build.stderr
    assert "encoder (3, 256) True" in run.stdout
