"""Results and drawings as notebook users see them: executed notebooks, and JupyterLab in headless Chromium.

The JupyterLab test opens an executed notebook twice in a real JupyterLab server on 127.0.0.1: untrusted
(as any notebook someone else ran), where JupyterLab's sanitizer drops the drawing's frame and the static
picture with its note must show; then trusted (``jupyter trust``), where the interactive drawing must
render inside its frame without a scrollbar.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from . import browser
from .conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def outputs_of(nb: nbformat.NotebookNode, marker: str) -> list[dict]:
    cell = next(c for c in nb.cells if c.cell_type == "code" and marker in c.source)
    return [o for o in cell.outputs if o.get("output_type") == "execute_result"]


class Tags(HTMLParser):
    """Counts start tags and checks that every opened element is closed (the HTML is well formed)."""

    VOID = {"br", "img", "input", "meta", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.count: dict[str, int] = {}
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
        self.stack.pop()


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    t.close()
    assert not t.stack, t.stack
    return t


def test_executed_quickstart_shows_a_compact_table() -> None:
    nb = execute(NOTEBOOKS / "01-quickstart.ipynb")
    [out] = outputs_of(nb, 'res = kg.tumors(causes="myelopathy"')
    html, text = out["data"]["text/html"], out["data"]["text/plain"]
    assert len(html.encode()) < 10_000, len(html.encode())
    tags = parse(html)
    rows = tags.count["tr"] - 2          # the header row and the sources row
    assert rows >= 3 and tags.count["details"] == rows + 1      # evidence under each row, sources under the table
    for label in ("astrocytoma", "ependymoma", "intramedullary tumor"):
        assert f"<b>{label}</b>" in html
    assert "Spine Tumors" in html                      # the sources are listed
    assert "\n" not in text and len(text) < 120        # a short text/plain
    [df] = outputs_of(nb, "res.to_df()")
    assert "<table" in df["data"]["text/html"] and "astrocytoma" in df["data"]["text/html"]


def test_executed_visualisation_notebook_is_small() -> None:
    nb = execute(NOTEBOOKS / "03-visualisation.ipynb")
    size = len(nbformat.writes(nb).encode())
    assert size < 1_000_000, size
    drawings = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.get("output_type") == "execute_result" and "spinekg-drawing" in o["data"].get("text/html", "")]
    assert len(drawings) == 2
    for o in drawings:
        assert o["data"]["text/plain"].startswith("<Drawing ") and "\n" not in o["data"]["text/plain"]
        assert "data:image/svg+xml;base64," in o["data"]["text/html"] and "trust this notebook" in o["data"]["text/html"]


# ---------------------------------------------------------------------------------------------- JupyterLab

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """A JupyterLab server on 127.0.0.1 serving a folder with an executed drawing notebook (unsigned)."""
    require_tool("chromium")
    require_tool("chromedriver")
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("jupyterlab is not installed (it is a test extra)")
    root = tmp_path_factory.mktemp("lab")
    home = root / "jupyter"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_PLATFORM_DIRS": "1"}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'import spineKG\nkg = spineKG.load()\nkg.show(entity="intramedullary tumor", depth=1)')])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nbformat.write(nb, root / "drawing.ipynb")
    port, token = _free_port(), "spinekg-test"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=(root / "lab.log").open("wb"), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
        yield f"{base}/lab/tree/drawing.ipynb?token={token}", root / "drawing.ipynb", env
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def _output(driver, timeout: float = 90.0):   # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".jp-OutputArea-output .spinekg-drawing")))


def test_untrusted_notebook_shows_the_static_picture_and_note(lab: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = lab
    driver = browser.chrome()
    try:
        driver.get(url)
        out = _output(driver)
        assert out.find_elements("tag name", "iframe") == []          # JupyterLab dropped the frame
        img = out.find_element("css selector", ".spinekg-static img")
        deadline = time.time() + 10
        while not driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) and time.time() < deadline:
            time.sleep(0.2)
        assert driver.execute_script("return arguments[0].naturalWidth", img) == 900
        assert img.is_displayed() and img.size["height"] > 200
        note = out.find_element("css selector", ".spinekg-static small")
        assert note.is_displayed() and "trust this notebook to see the interactive view" in note.text
    finally:
        driver.quit()


def test_trusted_notebook_draws_the_graph_in_its_frame(lab: tuple[str, Path, dict[str, str]]) -> None:
    url, path, env = lab
    text = nbformat.read(path, as_version=4).cells[0].outputs[0]["data"]["text/plain"]
    expected = [int(n) for n in re.fullmatch(r"<Drawing .*: (\d+) nodes, (\d+) edges>", text).groups()]   # type: ignore[union-attr]
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "trust", str(path)], env=env, check=True,
                   capture_output=True)
    driver = browser.chrome()
    try:
        driver.get(url)
        out = _output(driver)
        frame = out.find_element("tag name", "iframe")
        assert frame.size["height"] == 640
        driver.switch_to.frame(frame)
        counts, deadline = None, time.time() + 20
        while counts is None and time.time() < deadline:
            counts = driver.execute_script(
                "return typeof network === 'undefined' ? null : [network.body.data.nodes.length, network.body.data.edges.length]")
            time.sleep(0.3)
        assert counts == expected
        time.sleep(1.0)
        assert driver.execute_script(browser.PAINTED) > 2000
        # the page fits its frame: nothing to scroll
        assert driver.execute_script(
            "var d = document.documentElement; return d.scrollHeight <= d.clientHeight && d.scrollWidth <= d.clientWidth")
    finally:
        driver.quit()
