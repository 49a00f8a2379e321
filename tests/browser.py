"""Render a page in headless Chromium (Debian's chromium and chromium-driver) and read what vis-network drew."""
from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1200,800")

PAINTED = """var c = document.querySelector('canvas'); if (!c) return 0;
var x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
for (var i = 0; i < x.length; i += 4) { if (x[i + 3] > 0 && (x[i] < 250 || x[i + 1] < 250 || x[i + 2] < 250)) n++; }
return n;"""


@dataclass(frozen=True)
class Rendered:
    nodes: int | None      # vis-network's node count, None when the library never loaded
    edges: int | None
    painted_pixels: int


def available() -> bool:
    return bool(shutil.which("chromium") and shutil.which("chromedriver"))


def chrome() -> Any:
    """A headless Chromium under Selenium, with a fresh profile; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (*FLAGS, f"--user-data-dir={tempfile.mkdtemp()}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)


def render(path: Path, screenshot: Path | None = None, wait: float = 3.0) -> Rendered:
    driver = chrome()
    try:
        driver.get(Path(path).resolve().as_uri())
        deadline = time.time() + wait
        counts = None
        while time.time() < deadline:
            counts = driver.execute_script(
                "return typeof network === 'undefined' ? null : [network.body.data.nodes.length, network.body.data.edges.length]")
            if counts:
                break
            time.sleep(0.2)
        time.sleep(1.0)   # let the layout settle before reading the canvas
        painted = driver.execute_script(PAINTED) or 0
        if screenshot is not None:
            driver.save_screenshot(str(screenshot))
        return Rendered(counts[0] if counts else None, counts[1] if counts else None, int(painted))
    finally:
        driver.quit()
