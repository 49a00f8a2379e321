from __future__ import annotations

import os
import shutil

import pytest

import spineKG

# Every store backend the typed API runs on; the shared suite (any_kg: the API, question and triage tests) runs
# against each of them: the embedded store in memory and on disk (RocksDB), and real servers started on 127.0.0.1
# by the tests (tests/servers.py).
BACKENDS = ("embedded", "disk", "oxigraph", "virtuoso")


@pytest.fixture(scope="session")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory):
    from .servers import oxigraph_binary, oxigraph_server

    if oxigraph_binary() is None:
        require_tool("oxigraph")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


@pytest.fixture(scope="session")
def virtuoso_url(tmp_path_factory: pytest.TempPathFactory):
    from .servers import virtuoso_server

    require_tool("virtuoso-t")
    require_tool("isql-vt")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server.url


@pytest.fixture(scope="session", params=BACKENDS)
def any_kg(request: pytest.FixtureRequest) -> spineKG.KnowledgeGraph:
    """The same knowledge graph on every backend: the shared suite runs against each."""
    if request.param == "oxigraph":
        return spineKG.connect(request.getfixturevalue("oxigraph_url") + "/query")
    if request.param == "virtuoso":
        return spineKG.connect(request.getfixturevalue("virtuoso_url"), graph="https://w3id.org/spinekg/release")
    if request.param == "disk":
        return spineKG.load(directory=request.getfixturevalue("tmp_path_factory").mktemp("rocksdb"))
    return spineKG.load()


def require_tool(name: str) -> str:
    """The path of a system tool; in CI (where .ci/run installs it) its absence is a failure, not a skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run should have installed it")
        pytest.skip(f"{name} is not installed")
    return path


def labels(results) -> set[str]:
    return {r.label for r in results}
