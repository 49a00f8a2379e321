"""Atomic file writes: every file spineKG writes is either the old one, untouched, or the new one, complete.

A write goes to a temporary file in the same folder, is flushed and fsynced, optionally checked, then
renamed over the target (``os.replace``, atomic on POSIX) and the folder fsynced so the rename survives a
crash. On any failure (a full disk, a check that fails, an interrupt) the temporary file is removed, the
old file stays as it was, and :class:`~spineKG.errors.WriteError` says what happened. A process killed
outright (``kill -9``) can leave only a hidden ``.NAME.*.tmp`` file beside the old one.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write(target, "hello\\n").read_text()
'hello\\n'
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .errors import WriteError

__all__ = ["atomic_write", "commit", "discard", "stage"]


def stage(path: str | Path, data: str | bytes | Callable[[IO[Any]], Any], *, binary: bool | None = None,
          encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``data`` (text, bytes, or a function that writes to the open file) to a temporary file beside
    ``path``, flushed and fsynced; return the temporary file's path (for :func:`commit` or :func:`discard`).

    Example (stage two files, then commit both, so neither is replaced until both are written):

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     a, b = pathlib.Path(d) / "a.txt", pathlib.Path(d) / "b.txt"
    ...     tmps = [stage(a, "first\\n"), stage(b, b"second\\n")]
    ...     print(tmps[0].name.startswith(".a.txt."), a.exists())
    ...     print([commit(t, p).read_text() for t, p in zip(tmps, (a, b))])
    True False
    ['first\\n', 'second\\n']
    """
    path = Path(path)
    if path.is_dir():
        raise WriteError(path, "it is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    binary = isinstance(data, bytes) if binary is None else binary
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from None
    tmp = Path(name)
    try:
        stream: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with stream as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(path))
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(path, exc.strerror or str(exc)) from None
        raise
    return tmp


def commit(tmp: Path, path: str | Path) -> Path:
    """Rename a staged file over its target and fsync the folder, so the new file is there whole or not at all.

    Example:

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = pathlib.Path(d) / "notes.txt"
    ...     _ = target.write_text("old")
    ...     tmp = stage(target, "new")
    ...     print(target.read_text(), commit(tmp, target).read_text(), tmp.exists())
    old new False
    """
    path = Path(path)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(path, exc.strerror or str(exc)) from None
    _fsync_dir(path.parent if str(path.parent) else Path("."))
    return path


def discard(tmps: Iterable[Path]) -> None:
    """Remove staged files that will not be committed.

    Example (a second file failed to stage, so the first is dropped and the old file stays):

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = pathlib.Path(d) / "notes.txt"
    ...     _ = target.write_text("old")
    ...     discard([stage(target, "new")])
    ...     print(target.read_text(), sorted(p.name for p in pathlib.Path(d).iterdir()))
    old ['notes.txt']
    """
    for tmp in tmps:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: str | Path, data: str | bytes | Callable[[IO[Any]], Any], *, check: Callable[[Path], Any] | None = None,
                 binary: bool | None = None, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write a file atomically; ``check(temporary_path)`` may raise to keep the old file. Returns ``path``.

    Example (a check that fails keeps the old file):

    >>> import tempfile, pathlib
    >>> def non_empty(tmp):
    ...     if not tmp.read_text().strip():
    ...         raise ValueError("empty")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = atomic_write(pathlib.Path(d) / "cohort.txt", "42 patients\\n", check=non_empty)
    ...     try:
    ...         atomic_write(target, "", check=non_empty)
    ...     except ValueError as exc:
    ...         print(exc, repr(target.read_text()))
    empty '42 patients\\n'
    """
    tmp = stage(path, data, binary=binary, encoding=encoding, newline=newline)
    try:
        if check is not None:
            check(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return commit(tmp, path)


def _mode(path: Path) -> int:
    """The permissions the file has, or the ones a new file gets (mkstemp's are 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
