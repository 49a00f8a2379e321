"""Real SPARQL servers on 127.0.0.1 for the tests: Oxigraph server (PyPI `oxigraph`), Virtuoso (Debian
`virtuoso-opensource`) and `spinekg serve`. Each is started by a fixture and stopped after."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE = [ROOT / "ontology" / "spinekg.ttl", ROOT / "ontology" / "spinekg-relations.ttl"]


VIRTUOSO_GRAPH = "https://w3id.org/spinekg/release"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return   # it answers
        except Exception:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(tmp: Path) -> Iterator[str]:
    """An Oxigraph server with the release uploaded by `spinekg upload`; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary() or "oxigraph", "serve", "--location", str(tmp / "oxigraph"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D", proc=proc)
        up = subprocess.run([sys.executable, "-m", "spineKG.cli", "upload", base + "/store"], capture_output=True, text=True)
        if up.returncode != 0:
            raise RuntimeError(up.stderr)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class Virtuoso:
    """A running Virtuoso: its SPARQL URL, and SQL through isql (the bulk loader, checkpoints)."""

    def __init__(self, url: str, sql_port: int) -> None:
        self.url, self.sql_port = url, sql_port

    def sql(self, statements: str, timeout: float = 3600) -> str:
        run = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                             capture_output=True, text=True, timeout=timeout)
        if run.returncode != 0 or "Error" in run.stdout:
            raise RuntimeError(run.stdout + run.stderr)
        return run.stdout

    def bulk_load(self, directory: Path, pattern: str, graph: str) -> None:
        """Load files with Virtuoso's bulk loader (ld_dir + rdf_loader_run), as its manual advises for large data."""
        self.sql(f"ld_dir('{directory}', '{pattern}', '{graph}'); rdf_loader_run(); checkpoint;")
        failed = self.sql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in failed:
            raise RuntimeError(failed)


@contextmanager
def virtuoso_server(tmp: Path, buffers: int | None = None, dirs: tuple[Path, ...] = ()) -> Iterator[Virtuoso]:
    """A Virtuoso server with its own database in `tmp`, the release loaded with TTLP_MT.

    ``buffers`` sets NumberOfBuffers (8 KB pages; the packaged default of 10,000 suits small data only);
    ``dirs`` are added to DirsAllowed, for the bulk loader.
    """
    db = tmp / "virtuoso"
    db.mkdir()
    ini = Path("/etc/virtuoso-opensource-7/virtuoso.ini").read_text()
    sql_port, http_port = free_port(), free_port()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{db}/")
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*1111\s*$", f"ServerPort = 127.0.0.1:{sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*8890\s*$", f"ServerPort = 127.0.0.1:{http_port}", ini)
    allowed = ", ".join(str(d) for d in (db, ROOT / "ontology", *dirs))
    ini = re.sub(r"(?m)^DirsAllowed(\s*)=(.*)$", lambda m: f"DirsAllowed = {m.group(2).strip()}, {allowed}", ini)
    if buffers:
        ini = re.sub(r"(?m)^NumberOfBuffers(\s*)=.*$", f"NumberOfBuffers = {buffers}", ini)
        ini = re.sub(r"(?m)^MaxDirtyBuffers(\s*)=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", ini)
    (db / "virtuoso.ini").write_text(ini)
    proc = subprocess.Popen(["virtuoso-t", "+configfile", str(db / "virtuoso.ini"), "+foreground"], cwd=db,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", sql_port)
    server.pid = proc.pid  # type: ignore[attr-defined]
    try:
        wait_http(server.url + "?query=ASK%7B%7D", timeout=90, proc=proc)
        for path in RELEASE:
            server.sql(f"DB.DBA.TTLP_MT(file_to_string_output('{path}'), '', '{VIRTUOSO_GRAPH}', 0); checkpoint;", timeout=300)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def spinekg_server(timeout: float = 2.0, limit: int = 50, *options: str) -> Iterator[str]:
    """`spinekg serve` on a free port, with its other command-line options; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "spineKG.cli", "serve", "--port", str(port), "--timeout", str(timeout),
                             "--limit", str(limit), *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/", proc=proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
