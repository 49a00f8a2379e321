"""The package type-checks under ``mypy --strict`` and lints clean under ``ruff check``, with the configuration the
repository carries (``[mypy]`` in ``setup.cfg``, ``[tool.ruff]`` in ``pyproject.toml``). Both run as the user would run
them, in a subprocess from the checkout, so a type error or a lint finding anywhere fails the suite with its message."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_strict_is_clean() -> None:
    done = _run("mypy", "--strict", "--no-incremental", "spineKG")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_ruff_check_is_clean() -> None:
    done = _run("ruff", "check", "--no-cache", "spineKG", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_checkers_see_a_mistake(tmp_path: Path) -> None:
    """The two checks fail on a module with a type error and an unused import (so a clean run means something)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x: int) -> str:\n    return x\n")
    typed = _run("mypy", "--strict", "--no-incremental", "--config-file", str(ROOT / "setup.cfg"), str(bad))
    assert typed.returncode == 1 and "Incompatible return value type" in typed.stdout, typed.stdout
    linted = _run("ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad))
    assert linted.returncode == 1 and "F401" in linted.stdout, linted.stdout
