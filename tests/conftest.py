from __future__ import annotations

import os
import shutil

import pytest

import spineKG

# Every store backend the typed API runs on; the shared suite (any_kg) runs against each of them.
BACKENDS = ("embedded",)


@pytest.fixture(scope="session")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


@pytest.fixture(scope="session", params=BACKENDS)
def any_kg(request: pytest.FixtureRequest) -> spineKG.KnowledgeGraph:
    """The same knowledge graph on every embedded backend: the shared suite runs against each."""
    return {"embedded": spineKG.load}[request.param]()


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
