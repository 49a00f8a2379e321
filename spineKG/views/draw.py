"""Interactive drawings of the graph with pyvis (vis-network), for notebooks and standalone HTML.

The HTML is self-contained: vis-network is inlined (``cdn_resources="in_line"``) and the Bootstrap
links pyvis adds are removed, so a drawing works offline, in Jupyter, VS Code and a plain browser.
Nodes are coloured and shaped by kind, with a legend; tooltips give the definition and source; edges
are labelled with their relation, and an answer's evidence path is highlighted.

>>> from spineKG import load
>>> html = load().show(entity="ependymoma").html
>>> "vis.Network" in html and "bootstrap" not in html
True
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

# colours and shapes are given to the kinds in the order the graph lists them (``g.graph["kinds"]``)
PALETTE = ("#d62728", "#8c564b", "#1f77b4", "#17becf", "#ff7f0e", "#9467bd", "#e377c2", "#2ca02c", "#006d2c",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#843c39", "#5254a3", "#ad494a", "#8ca252")
SHAPES = ("dot", "square", "triangle", "diamond", "star", "box", "ellipse", "hexagon", "triangleDown")
HIGHLIGHT = "#e6007e"


@dataclass(frozen=True)
class Drawing:
    """A drawing: ``.html`` (self-contained page), ``.save(path)``, and inline display in Jupyter."""

    html: str
    nodes: int
    edges: int
    title: str = ""

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # an isolated iframe: the page's scripts run in every notebook front-end, with no file to serve
        return (f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" style="width:100%;height:640px;border:0" '
                f'sandbox="allow-scripts"></iframe>')


def draw(g: nx.MultiDiGraph, title: str = "", height: str = "620px", cdn_resources: str = "in_line") -> Drawing:
    """Draw a graph made by :func:`spineKG.views.graph.to_networkx`."""
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources=cdn_resources, heading="")
    net.set_options("""{"physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 150}},
      "edges": {"arrows": {"to": {"enabled": true, "scaleFactor": 0.5}}, "font": {"size": 10, "align": "middle"},
                "smooth": {"type": "dynamic"}},
      "nodes": {"font": {"size": 14}}, "interaction": {"hover": true}}""")
    order = [k for k in str(g.graph.get("kinds", "")).split(",") if k] or sorted({d.get("kind", "") for _, d in g.nodes(data=True)} - {""})
    style = {k: (PALETTE[n % len(PALETTE)], SHAPES[n % len(SHAPES)]) for n, k in enumerate(order)}
    kinds = []
    for n, d in g.nodes(data=True):
        colour, shape = style.get(d.get("kind", ""), ("#999999", "dot"))
        if d.get("kind") and d["kind"] not in kinds:
            kinds.append(d["kind"])
        tip = "\n".join(x for x in (f"{d.get('label', n)} ({d.get('kind', '')})", d.get("definition", ""),
                                     f"synonyms: {d['synonyms']}" if d.get("synonyms") else "",
                                     f"source: {d['source']}" if d.get("source") else "", d.get("curie", "")) if x)
        net.add_node(n, label=d.get("label", n), title=tip, color={"background": colour, "border": HIGHLIGHT if d.get("answer") else colour},
                     shape=shape, borderWidth=4 if d.get("answer") else 1)
    for u, v, d in g.edges(data=True):
        tip = "\n".join(x for x in (f"{g.nodes[u].get('label')} {d.get('relation')} {g.nodes[v].get('label')}",
                                     f"typicality: {d.get('typicality')}" if d.get("typicality") else "",
                                     f"derivation: {d.get('derivation')}" if d.get("derivation") else "",
                                     f"source: {d['source']}" if d.get("source") else "") if x)
        on_path = bool(d.get("evidence"))
        net.add_edge(u, v, label=d.get("relation", ""), title=tip, color=HIGHLIGHT if on_path else "#9e9e9e",
                     width=3 if on_path else 1, dashes=d.get("typicality") not in ("always", ""))
    page = net.generate_html()
    page = _strip_bootstrap(page)
    page = page.replace("<body>", "<body>" + _legend([(k, style[k][0]) for k in kinds], title), 1)
    return Drawing(page, g.number_of_nodes(), g.number_of_edges(), title)


def _strip_bootstrap(page: str) -> str:
    """pyvis links Bootstrap from a CDN even for in-line pages; it is unused here and fails offline."""
    return re.sub(r'\s*<(link|script)[^>]*bootstrap[^>]*>(\s*</script>)?', "", page)


def _legend(kinds: list[tuple[str, str]], title: str) -> str:
    items = "".join(f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:11px;'
                    f'height:11px;background:{colour};margin-right:4px"></span>{k.replace("_", " ")}</span>'
                    for k, colour in kinds)
    head = f"<b>{html_lib.escape(title)}</b><br>" if title else ""
    return (f'<div id="spinekg-legend" style="font:12px sans-serif;padding:6px 8px">{head}{items}'
            f'<span style="white-space:nowrap"><span style="display:inline-block;width:18px;height:3px;background:{HIGHLIGHT};'
            f'vertical-align:middle;margin-right:4px"></span>evidence path</span>'
            f'<span style="margin-left:12px;color:#666">dashed: hedged (usually, may)</span></div>')
