"""Interactive drawings of the graph with vis-network (through pyvis), for notebooks and standalone HTML.

The page is self-contained and works offline: vis-network (the copy pyvis ships) is embedded gzipped and
unpacked in the browser, so a page is about 170 KB instead of 700 KB. Nodes are coloured and shaped by
kind, with a legend; tooltips give the definition and source; edges are labelled with their relation,
and an answer's evidence path is highlighted. The network fills the page, which fills its frame.

In a notebook a drawing shows the interactive page in a sandboxed frame laid over a small static SVG of
the same graph (made here, without a browser) and a one-line note: a front-end that drops frames (an
untrusted notebook, a static preview) shows the picture and the note instead of a blank space.

>>> from spineKG import load
>>> d = load().show(entity="ependymoma")
>>> "vis.Network" in d.html and "bootstrap" not in d.html and d.svg.startswith("<svg")
True
>>> repr(d) == f"<Drawing 'ependymoma and its neighbours': {d.nodes} nodes, {d.edges} edges>"
True
"""
from __future__ import annotations

import base64
import gzip
import html as html_lib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from ..errors import MissingDependencyError

__all__ = ["Drawing", "TRUST_NOTE", "draw", "svg_preview"]

# colours and shapes are given to the kinds in the order the graph lists them (``g.graph["kinds"]``)
PALETTE = ("#d62728", "#8c564b", "#1f77b4", "#17becf", "#ff7f0e", "#9467bd", "#e377c2", "#2ca02c", "#006d2c",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#843c39", "#5254a3", "#ad494a", "#8ca252")
SHAPES = ("dot", "square", "triangle", "diamond", "star", "box", "ellipse", "hexagon", "triangleDown")
HIGHLIGHT = "#e6007e"
EDGE = "#9e9e9e"
TRUST_NOTE = "Static view: trust this notebook to see the interactive view."
FRAME_HEIGHT = 640        # pixels of a drawing's frame in a notebook
VIS_REMOTE = "https://cdnjs.cloudflare.com/ajax/libs/vis-network/9.1.2/dist/vis-network.min.js"


@dataclass(frozen=True)
class Drawing:
    """A drawing: ``.html`` (a self-contained page), ``.svg`` (a static picture of the same graph),
    ``.save(path)``, and inline display in Jupyter (the page over the picture; one line of text/plain).

    Example:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from spineKG import load
    >>> d = load().show(entity="ependymoma")
    >>> d
    <Drawing 'ependymoma and its neighbours': 9 nodes, 9 edges>
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page, picture = d.save(Path(tmp) / "ependymoma.html"), d.save(Path(tmp) / "ependymoma.svg")
    ...     page.read_text().startswith("<!DOCTYPE html>"), picture.read_text() == d.svg
    (True, True)
    """

    html: str
    nodes: int
    edges: int
    title: str = ""
    svg: str = ""

    def __repr__(self) -> str:
        return f"<Drawing {self.title!r}: {self.nodes} nodes, {self.edges} edges>"

    def save(self, path: str | Path) -> Path:
        """Write the page (``.html``) or the static picture (``.svg``), by the file's extension."""
        from ..files import atomic_write

        path = Path(path)
        return atomic_write(path, self.svg if path.suffix.lower() == ".svg" else self.html)

    def _repr_html_(self) -> str:
        # the frame covers the picture; where a front-end strips frames (untrusted), the picture and note remain
        picture = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return (f'<div class="spinekg-drawing" style="position:relative;height:{FRAME_HEIGHT}px;overflow:hidden">'
                f'<div class="spinekg-static"><small>{TRUST_NOTE}</small><br>'
                f'<img src="data:image/svg+xml;base64,{picture}" alt="{html_lib.escape(repr(self), quote=True)}" '
                f'style="max-width:100%;max-height:{FRAME_HEIGHT - 30}px"></div>'
                f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'title="{html_lib.escape(self.title, quote=True)}" '
                f'style="position:absolute;top:0;left:0;width:100%;height:100%;border:0;background:#ffffff"></iframe></div>')


def draw(g: nx.MultiDiGraph[str], title: str = "", cdn_resources: Literal["in_line", "remote"] = "in_line") -> Drawing:
    """Draw a graph made by :func:`spineKG.views.graph.to_networkx` (needs ``pip install 'spineKG[viz]'``).

    ``cdn_resources="remote"`` links vis-network from a CDN instead of embedding it (a smaller page that
    needs the network).

    Example:

    >>> from spineKG import load
    >>> from spineKG.views.graph import to_networkx
    >>> g = to_networkx(load(), entity="ependymoma", relations=["is a kind of"])
    >>> draw(g, title="ependymoma's classes")
    <Drawing "ependymoma's classes": 4 nodes, 3 edges>
    >>> len(draw(g, cdn_resources="remote").html) < len(draw(g).html), VIS_REMOTE in draw(g, cdn_resources="remote").html
    (True, True)
    """
    try:
        from pyvis.network import Network
    except ImportError:
        raise MissingDependencyError("pyvis", "viz", "drawing the graph") from None

    net = Network(directed=True, heading="")
    net.set_options("""{"physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 150}},
      "edges": {"arrows": {"to": {"enabled": true, "scaleFactor": 0.5}}, "font": {"size": 10, "align": "middle"},
                "smooth": {"type": "dynamic"}},
      "nodes": {"font": {"size": 14}}, "interaction": {"hover": true}}""")
    style = _styles(g)
    kinds = []
    for n, d in g.nodes(data=True):
        colour, shape = style.get(d.get("kind", ""), ("#999999", "dot"))
        if d.get("kind") and d["kind"] not in kinds:
            kinds.append(d["kind"])
        tip = "\n".join(x for x in (f"{d.get('label', n)} ({d.get('kind', '')})", d.get("definition", ""),
                                     f"synonyms: {d['synonyms']}" if d.get("synonyms") else "",
                                     f"source: {d['source']}" if d.get("source") else "", d.get("curie", "")) if x)
        net.add_node(n, label=d.get("label", n), title=tip,
                     color={"background": colour, "border": HIGHLIGHT if d.get("answer") else colour},
                     shape=shape, borderWidth=4 if d.get("answer") else 1)
    for u, v, d in g.edges(data=True):
        tip = "\n".join(x for x in (f"{g.nodes[u].get('label')} {d.get('relation')} {g.nodes[v].get('label')}",
                                     f"typicality: {d.get('typicality')}" if d.get("typicality") else "",
                                     f"derivation: {d.get('derivation')}" if d.get("derivation") else "",
                                     f"source: {d['source']}" if d.get("source") else "") if x)
        on_path = bool(d.get("evidence"))
        net.add_edge(u, v, label=d.get("relation", ""), title=tip, color=HIGHLIGHT if on_path else EDGE,
                     width=3 if on_path else 1, dashes=_hedged(d))
    nodes, edges, _, _, _, options = net.get_network_data()
    legend = _legend([(k, style[k][0]) for k in kinds], title)
    page = _page(title, legend, nodes, edges, options, cdn_resources)
    return Drawing(page, g.number_of_nodes(), g.number_of_edges(), title, svg_preview(g, title))


def _styles(g: nx.MultiDiGraph[str]) -> dict[str, tuple[str, str]]:
    order = [k for k in str(g.graph.get("kinds", "")).split(",") if k] or sorted({d.get("kind", "") for _, d in g.nodes(data=True)} - {""})
    return {k: (PALETTE[n % len(PALETTE)], SHAPES[n % len(SHAPES)]) for n, k in enumerate(order)}


def _hedged(d: dict[str, Any]) -> bool:
    return d.get("typicality") not in ("always", "", None)


def _json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


@lru_cache(maxsize=1)
def _vis_network_gz() -> str:
    """The vis-network build pyvis ships, gzipped and base64-encoded (read once)."""
    import pyvis

    js = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return base64.b64encode(gzip.compress(js.read_bytes(), 9, mtime=0)).decode("ascii")


_CSS = ("html,body{margin:0;height:100%;overflow:hidden;font:12px sans-serif;background:#ffffff}"
        "body{display:flex;flex-direction:column}#spinekg-legend{flex:none;padding:6px 8px}"
        "#mynetwork{flex:1;min-height:0;border-top:1px solid #e0e0e0}"
        "div.vis-tooltip{position:absolute;visibility:hidden;padding:5px;white-space:pre-wrap;max-width:380px;"
        "background:#f5f4ed;border:1px solid #808074;border-radius:3px;box-shadow:3px 3px 10px rgba(0,0,0,.2);"
        "pointer-events:none;z-index:5;font:12px sans-serif}")

# unpack the embedded vis-network (DecompressionStream: every current browser), then draw
_LOADER = """async function loadVis() {
  var packed = document.getElementById('vis-network-gz');
  if (!packed) return;
  var bytes = Uint8Array.from(atob(packed.textContent), function (c) { return c.charCodeAt(0); });
  var text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  var s = document.createElement('script'); s.text = text; document.head.appendChild(s);
}"""


def _page(title: str, legend: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: str,
          cdn_resources: str) -> str:
    vis = (f'<script type="application/gzip;base64" id="vis-network-gz">{_vis_network_gz()}</script>'
           if cdn_resources == "in_line" else f'<script src="{VIS_REMOTE}"></script>')
    script = (f"{_LOADER}\nvar network;\nfunction drawGraph() {{\n"
              f"  var data = {{nodes: new vis.DataSet({_json(nodes)}), edges: new vis.DataSet({_json(edges)})}};\n"
              f"  network = new vis.Network(document.getElementById('mynetwork'), data, {options});\n}}\n"
              "loadVis().then(drawGraph);")
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html_lib.escape(title or "spineKG")}</title>'
            f"<style>{_CSS}</style></head>\n<body>{legend}<div id=\"mynetwork\"></div>\n{vis}\n<script>{script}</script>\n"
            "</body></html>\n")


def svg_preview(g: nx.MultiDiGraph[str], title: str = "", width: int = 900, height: int = 600) -> str:
    """A static SVG of the graph (a seeded spring layout: the same picture every time), for front-ends
    that cannot run the interactive page; answers and the evidence path are highlighted as on the page.

    Example:

    >>> from spineKG import load
    >>> from spineKG.views.graph import to_networkx
    >>> g = to_networkx(load(), entity="ependymoma")
    >>> svg = svg_preview(g, title="ependymoma")
    >>> svg.startswith("<svg"), svg.count("<circle"), svg == svg_preview(g, title="ependymoma")
    (True, 9, True)
    """
    if g.number_of_nodes() == 0:
        pos: dict[Any, tuple[float, float]] = {}
    else:
        try:
            layout: dict[Any, Any] = nx.spring_layout(nx.Graph(g), k=2.0 / max(g.number_of_nodes(), 1) ** 0.5, seed=7)
        except ImportError:
            raise MissingDependencyError("numpy", "viz", "drawing the graph") from None
        pos = {n: (float(x), float(y)) for n, (x, y) in layout.items()}
    top, pad = 44, 40
    xs, ys = [p[0] for p in pos.values()] or [0.0], [p[1] for p in pos.values()] or [0.0]
    sx, sy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(n: Any) -> tuple[float, float]:
        x, y = pos[n]
        return (pad + (x - min(xs)) / sx * (width - 2 * pad), top + pad / 2 + (y - min(ys)) / sy * (height - top - pad))

    style = _styles(g)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11"><rect width="100%" height="100%" fill="#ffffff"/>']
    if title:
        out.append(f'<text x="8" y="18" font-size="14" font-weight="bold">{html_lib.escape(title)}</text>')
    x = 8.0
    for k in [k for k in style if any(d.get("kind") == k for _, d in g.nodes(data=True))]:
        out.append(f'<rect x="{x:.0f}" y="27" width="9" height="9" fill="{style[k][0]}"/>'
                   f'<text x="{x + 12:.0f}" y="36">{html_lib.escape(k.replace("_", " "))}</text>')
        x += 26 + 6 * len(k)
    for u, v, d in g.edges(data=True):
        (x1, y1), (x2, y2) = at(u), at(v)
        colour, w = (HIGHLIGHT, 2.5) if d.get("evidence") else (EDGE, 1)
        dash = ' stroke-dasharray="4 3"' if _hedged(d) else ""
        out.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" stroke-width="{w}"{dash}/>')
    labels = []
    for n, d in g.nodes(data=True):
        cx, cy = at(n)
        colour = style.get(d.get("kind", ""), ("#999999", "dot"))[0]
        ring = f' stroke="{HIGHLIGHT}" stroke-width="3"' if d.get("answer") else ""
        out.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="6" fill="{colour}"{ring}/>')
        labels.append(f'<text x="{cx:.0f}" y="{cy + 18:.0f}">{html_lib.escape(str(d.get("label", n)))}</text>')
    # labels last, with a white halo, so lines do not cross them
    out.append(f'<g text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="3">{"".join(labels)}</g></svg>')
    return "".join(out)


def _legend(kinds: list[tuple[str, str]], title: str) -> str:
    items = "".join(f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:11px;'
                    f'height:11px;background:{colour};margin-right:4px"></span>{k.replace("_", " ")}</span>'
                    for k, colour in kinds)
    head = f"<b>{html_lib.escape(title)}</b><br>" if title else ""
    return (f'<div id="spinekg-legend" style="font:12px sans-serif;padding:6px 8px">{head}{items}'
            f'<span style="white-space:nowrap"><span style="display:inline-block;width:18px;height:3px;background:{HIGHLIGHT};'
            f'vertical-align:middle;margin-right:4px"></span>evidence path</span>'
            f'<span style="margin-left:12px;color:#666">dashed: hedged (usually, may)</span></div>')
