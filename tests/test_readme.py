"""README.md as a new user follows it: its own install command in a fresh copy of the project, then every
Python and shell example, in order, read from the README (not copied here). Then mypy, run on a user's
script against that editable install, sees the package and catches a misspelt constraint keyword.

The one block that is not run is the CI command (`bash .ci/run`): it runs this test. It is marked in the
README with a comment, and the test checks that nothing else is marked.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SKIP = "<!-- not run by tests/test_readme.py"
BLOCK = re.compile(r"^(?P<marker><!--[^\n]*-->\n)?```(?P<lang>python|bash)\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str, bool]]:
    """(language, code, skipped) of every python and bash block of the README, in order."""
    return [(m["lang"], m["code"], bool(m["marker"] and m["marker"].startswith(SKIP)))
            for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]


def checkout(dest: Path) -> Path:
    """A copy of the working tree as git sees it (tracked and new files; links kept as links)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        src, dst = ROOT / name, dest / name
        if not src.exists() and not src.is_symlink():
            continue                           # deleted in the working tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    return dest


def clean_env(venv: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(Path(sys.executable).parent))]
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        path.insert(0, str(venv / "bin"))
    env["PATH"] = os.pathsep.join(path)
    return env


def run_bash(code: str, cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run a shell block with bash -e; servers it leaves in the background are stopped afterwards.
    (Output goes to files: a background server keeps a pipe open, so reading pipes to the end would wait for it.)"""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", code], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy of the project after the README's first command (it creates .venv and installs spineKG)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the project's git checkout")
    work = checkout(tmp_path_factory.mktemp("readme") / "spineKG")
    lang, first, skipped = blocks()[0]
    assert lang == "bash" and "pip install" in first and not skipped
    run = run_bash(first, work, clean_env())
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip(), "the first command printed no answer"
    return work


def test_every_readme_example_runs_after_its_install_command(installed: Path) -> None:
    venv = installed / ".venv"
    env = clean_env(venv)
    found = blocks()
    assert [code for _, code, skipped in found if skipped] == ["bash .ci/run\n"]      # only the CI command is not run
    assert sum(lang == "python" for lang, _, _ in found) >= 3 and len(found) >= 10
    for n, (lang, code, skipped) in enumerate(found[1:], 2):
        if skipped:
            continue
        if lang == "bash":
            run = run_bash(code, installed, env)
        else:
            run = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=installed, env=env,
                                 capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        assert run.returncode == 0, f"README block {n} ({lang}) failed:\n{code}\n--- stderr:\n{run.stderr[-3000:]}"
        assert "Traceback" not in run.stderr, f"README block {n}:\n{run.stderr[-3000:]}"


def test_mypy_sees_the_editable_install_and_the_typed_options(installed: Path, tmp_path: Path) -> None:
    """After the README's `pip install -e .`, mypy finds spineKG (its types, py.typed) and flags `cuases=`."""
    pytest.importorskip("mypy")
    script = tmp_path / "user.py"
    script.write_text('import spineKG\n\nkg = spineKG.load()\nkg.tumors(causes="myelopathy")\nkg.tumors(cuases="x")\n')
    run = subprocess.run([sys.executable, "-m", "mypy", "--python-executable", str(installed / ".venv" / "bin" / "python"),
                          "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(script)],
                         cwd=tmp_path, capture_output=True, text=True, env=clean_env())
    assert "import-not-found" not in run.stdout and "Cannot find implementation" not in run.stdout, run.stdout
    assert run.returncode == 1
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and 'user.py:5: error: Unexpected keyword argument "cuases"' in errors[0], run.stdout
