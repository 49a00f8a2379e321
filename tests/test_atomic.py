"""Atomic writes (spineKG/files.py): a writer killed with SIGKILL at a random moment, or failing on a full disk,
leaves the old file intact or the new one complete, never a part of one; a full disk gives a clear message."""
from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spineKG import files
from spineKG.errors import WriteError

ROOT = Path(__file__).resolve().parents[1]

# Runs in a subprocess: prepares the writer's inputs once, then for each trial forks a child that runs the real
# writer (the build's release writer, or the cohort generator), kills it with SIGKILL at a random moment of its
# run, and classifies every target file as the old bytes, the new bytes, or neither.
HARNESS = textwrap.dedent("""
    import json, os, random, signal, sys, time
    from pathlib import Path

    which, folder, trials = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(7)
    if which == "build":
        import pyoxigraph
        from spineKG.builder import ARTIFACTS, _write_release
        from spineKG.store import release_paths

        release = release_paths()[0].parent
        names = [*ARTIFACTS, "terms.py"]
        new = [(release / n if n != "terms.py" else Path(__import__("spineKG.terms").terms.__file__)).read_text(encoding="utf-8")
               for n in names]
        old = ['<?xml version="1.0"?>\\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\\n',
               "<urn:old> <urn:old> <urn:old> .\\n", "<urn:old> <urn:old> <urn:older> .\\n", "old\\tmapping\\n", "OLD = 1\\n"]
        formats = (pyoxigraph.RdfFormat.RDF_XML, pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.TURTLE)
        counts = tuple(sum(1 for _ in pyoxigraph.parse(new[i], format=f)) for i, f in enumerate(formats))
        targets = [folder / n for n in names]

        def run():
            _write_release(tuple(targets[:4]), targets[4], new, counts)
    else:
        import spineKG
        from spineKG.cohort import write

        kg = spineKG.load()
        targets = [folder / "cohort.nt"]
        write(kg, 3, targets[0], seed=5, progress=False)
        old = [targets[0].read_text(encoding="utf-8")]
        write(kg, 1500, targets[0], seed=6, progress=False)
        new = [targets[0].read_text(encoding="utf-8")]

        def run():
            write(kg, 1500, targets[0], seed=6, progress=False)

    def reset():
        for t, text in zip(targets, old):
            t.write_text(text, encoding="utf-8")

    reset()
    t = time.perf_counter(); run(); took = time.perf_counter() - t
    outcomes = {"old": 0, "new": 0, "partial": 0, "mixed": 0, "killed": 0, "stale_tmp": 0}
    for n in range(trials):
        reset()
        pid = os.fork()
        if pid == 0:
            try:
                run()
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, took * 1.6))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        outcomes["killed"] += os.WIFSIGNALED(status)
        seen = []
        for t, o, nw in zip(targets, old, new):
            text = t.read_text(encoding="utf-8")
            seen.append("old" if text == o else "new" if text == nw else "partial")
        outcomes["partial" if "partial" in seen else seen[0] if len(set(seen)) == 1 else "mixed"] += 1
        stale = [p for p in folder.iterdir() if p.name.startswith(".")]
        outcomes["stale_tmp"] += len(stale)
        for p in stale:
            p.unlink()
    print(json.dumps({"took": took, **outcomes}))
""")


@pytest.mark.parametrize("which", ["build", "cohort"])
def test_a_writer_killed_at_random_leaves_old_or_new_never_partial(tmp_path: Path, which: str) -> None:
    out = subprocess.run([sys.executable, "-c", HARNESS, which, str(tmp_path), "20"], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(which, result)
    assert result["partial"] == 0, result
    assert result["old"] + result["new"] + result["mixed"] == 20
    assert result["killed"] >= 8, result    # most kills land while it is writing, not after it is done


class _FullDisk(io.TextIOWrapper):
    pass


def _full_disk_after(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    """Make spineKG.files' temporary files raise ENOSPC once ``limit`` bytes have been written."""
    real = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args, **kwargs):
        fh = real(fd, mode, *args, **kwargs)
        written = [0]
        write = fh.write

        def limited(data):
            written[0] += len(data)
            if written[0] > limit:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(data)

        fh.write = limited
        return fh

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def test_disk_full_keeps_the_old_file_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.txt"
    target.write_text("the old file\n")
    _full_disk_after(monkeypatch, 1000)
    with pytest.raises(WriteError, match="No space left on device; the old file is unchanged"):
        files.atomic_write(target, lambda fh: [fh.write("x" * 100) for _ in range(100)])
    assert target.read_text() == "the old file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]   # the temporary file is gone


def test_a_failed_check_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "terms.py"
    target.write_text("OLD = 1\n")
    with pytest.raises(SyntaxError):
        files.atomic_write(target, "def broken(:\n", check=lambda tmp: compile(tmp.read_text(), "x", "exec"))
    assert target.read_text() == "OLD = 1\n" and len(list(tmp_path.iterdir())) == 1


def test_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "shared.ttl"
    target.write_text("old")
    target.chmod(0o640)
    files.atomic_write(target, "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640
    fresh = files.atomic_write(tmp_path / "fresh.ttl", "x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("argv,name", [
    (["generate-cohort", "200", "-o", "{}"], "cohort.nt"),
    (["export", "--format", "csv", "-o", "{}"], "spinekg.csv"),
    (["viz", "ependymoma", "-o", "{}"], "graph.html"),
])
def test_disk_full_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                                       argv: list[str], name: str) -> None:
    from spineKG import cli

    target = tmp_path / name
    target.write_text("the old file\n")
    _full_disk_after(monkeypatch, 2000)
    assert cli.main([a.format(target) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the old file is unchanged" in err and "Traceback" not in err
    assert target.read_text() == "the old file\n" and len(list(tmp_path.iterdir())) == 1


def test_writing_over_a_folder_is_a_message(tmp_path: Path) -> None:
    from spineKG import cli

    with pytest.raises(WriteError, match="it is a folder"):
        files.atomic_write(tmp_path, "x")
    assert cli._user_error(WriteError(tmp_path, "it is a folder")).endswith("it is a folder; the old file is unchanged")
