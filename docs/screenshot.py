"""Regenerate docs/answer-myelopathy-cervical.png: the drawn answer, as headless Chromium renders it.

    python docs/screenshot.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spineKG  # noqa: E402
from tests import browser  # noqa: E402

QUESTION = "Which tumors cause myelopathy in the cervical spine?"

if __name__ == "__main__":
    kg = spineKG.load()
    drawing = kg.show(answer=kg.ask(QUESTION))
    page = drawing.save(Path(tempfile.mkdtemp()) / "answer.html")
    out = ROOT / "docs" / "answer-myelopathy-cervical.png"
    seen = browser.render(page, screenshot=out)
    print(f"{out}: {seen.nodes} nodes, {seen.edges} edges drawn, {seen.painted_pixels} painted pixels")
