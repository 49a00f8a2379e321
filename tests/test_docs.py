"""The documentation builds with Sphinx, warnings as errors: the API reference from the docstrings, and
the notebooks, executed, as pages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("myst_nb")   # a test extra; CI installs it
    out = tmp_path / "html"
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q", str(ROOT / "docs"), str(out)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    api = (out / "api.html").read_text(encoding="utf-8")
    for name in ("spineKG.KnowledgeGraph.tumors", "spineKG.export.export", "spineKG.display.results_html",
                 "spineKG.agent.make_server", "spineKG.scores.sins", "spineKG.model.Results.to_df"):
        assert f'id="{name}"' in api, name
    quick = (out / "notebooks" / "01-quickstart.html").read_text(encoding="utf-8")
    assert '<table class="spinekg">' in quick and "<details>" in quick and "astrocytoma" in quick   # executed: outputs shown
    assert "spinekg-drawing" in (out / "notebooks" / "03-visualisation.html").read_text(encoding="utf-8")
