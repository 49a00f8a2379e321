"""An agent interface: ``spinekg mcp`` serves the knowledge graph to LLM agents over the Model Context Protocol.

Five read-only tools, each with a JSON schema made from its signature: ``ask`` (a question in plain
English), ``triage`` (when to see a doctor about back pain, and whom), ``lookup`` (names, synonyms or
codes), ``find`` (a typed query with constraints) and ``sparql`` (SELECT, ASK, CONSTRUCT or DESCRIBE;
updates and SERVICE are refused, as by ``spinekg serve``). Answers are the same JSON as
``--json`` at the command line, with their evidence and sources; a mistake (an unknown term, a malformed
query) comes back as a tool error with the message and its suggestions.

Needs the ``mcp`` package: ``pip install 'spineKG[mcp]'``. Register it with an MCP client as the command
``spinekg mcp`` (stdio).

>>> import asyncio
>>> sorted(t.name for t in asyncio.run(make_server().list_tools()))
['ask', 'find', 'lookup', 'sparql', 'triage']
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from .errors import MissingDependencyError, SparqlError, SpineKGError
from .terms import Kind, Rank

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from .kg import KnowledgeGraph

__all__ = ["MAX_ROWS", "make_server", "serve"]

MAX_ROWS = 1000      # rows a sparql call returns at most
Values = str | list[str]

INSTRUCTIONS = ("spineKG: a knowledge graph of spinal tumors (types, compartments, regions, symptoms, mechanisms, "
                "risk factors, diagnostics, treatments, when to see a doctor), every statement with its source. "
                "Use `ask` for questions in plain English, `triage` for a patient with back pain, `lookup` to resolve "
                "names or codes (MONDO, NCIT, ICD-10-CM, ...), `find` for precise typed queries and `sparql` for "
                "anything else. It is a reference and teaching tool, not a medical device.")


def make_server(load_graph: Callable[[], KnowledgeGraph] | None = None) -> MCPServer:
    """The MCP server with its five tools; the graph is loaded on the first call (``load_graph``, default
    :func:`spineKG.load`).

    Example (calling a tool in-process, as an MCP client would over stdio):

    >>> import asyncio
    >>> from spineKG import load
    >>> server = make_server(load)
    >>> server.name, all(t.annotations.read_only_hint for t in asyncio.run(server.list_tools()))
    ('spineKG', True)
    >>> result = asyncio.run(server.call_tool("triage", {"age": 45, "red_flags": ["loss of bladder control"]}))
    >>> result.is_error, result.structured_content["tier"], result.structured_content["rule"]["label"]
    (False, 'emergency', 'back pain with a sign of cauda equina syndrome')
    """
    try:
        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError
        from mcp.types import ToolAnnotations
    except ImportError:
        raise MissingDependencyError("mcp", "mcp", "spinekg mcp") from None
    from . import __version__

    @lru_cache(maxsize=1)
    def graph() -> KnowledgeGraph:
        if load_graph is not None:
            return load_graph()
        from .kg import load

        return load()

    server: MCPServer = MCPServer("spineKG", version=__version__, instructions=INSTRUCTIONS)
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

    def tool(fn: Callable[..., Any]) -> Callable[..., Any]:
        """Register a read-only tool; a user's mistake (SpineKGError) reaches the agent as the tool's error message."""
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except SpineKGError as err:
                raise ToolError(str(err)) from None

        server.add_tool(run, annotations=read_only)
        return run

    @tool
    def ask(question: str) -> dict[str, Any]:
        """Answer a question about spinal tumors in plain English, e.g. "which tumors cause myelopathy in
        the cervical spine?". Returns the answers with their evidence chains and sources, and how the
        question was read (including words it did not use)."""
        return dict(graph().ask(question).to_dict())

    @tool
    def triage(age: int | None = None, pain_days: float | None = None, pain_new: bool = True, pain_explained: bool = False,
               severe_interferes_daily: bool = False, tried_rest_self_care: bool | None = None,
               red_flags: list[str] | None = None, neuro_signs: list[str] | None = None,
               cancer_history: Literal["none", "previous", "current"] = "none") -> dict[str, Any]:
        """How soon a person with back pain should see a doctor, and whom, by the graph's rules (each with
        its source). red_flags and neuro_signs are symptom names, e.g. "weight loss", "loss of bladder
        control"; pain_days is how long the pain has lasted."""
        return dict(graph().triage(age=age, pain_days=pain_days, pain_new=pain_new, pain_explained=pain_explained,
                                   severe_interferes_daily=severe_interferes_daily, tried_rest_self_care=tried_rest_self_care,
                                   red_flags=red_flags or [], neuro_signs=neuro_signs or [],
                                   cancer_history=cancer_history).to_dict())

    @tool
    def lookup(names: list[str]) -> list[dict[str, Any]]:
        """The entities that labels, synonyms, CURIEs (skg:Ependymoma) or cross-reference codes
        (MONDO:0003174, ICD10CM:C72.0) name: label, definition, synonyms, codes, kind and source. A code
        several entities share gives all of them."""
        kg = graph()
        out = []
        for name in names:
            for e in kg.xrefs().get(name.strip().casefold()) or (kg.lookup(name),):
                src = kg.index.sources.get(e.source)
                out.append(dict(e.to_dict(), curie=e.curie, source={"iri": src.iri, "title": src.title, "url": src.url}
                                if src else None))
        return out

    @tool
    def find(kind: Kind = "tumors", constraints: dict[str, Values] | None = None, not_: dict[str, Values] | None = None,
             under: str | None = None, typical: bool = False, rank: Rank | None = None) -> dict[str, Any]:
        """Entities of a kind that meet every constraint, each with its evidence and sources. constraints
        maps a relation to a name or list of names, e.g. {"causes": "myelopathy", "region": "neck"};
        the relations: malignancy, behaviour, origin, category, compartment, region, location, causes,
        caused_by, sign_of, mechanism, arises_from, originates_in, growth, demographic, risk_factor,
        purpose, uses, shows, indication, applies_to, treated_by, goal, treatment, part_of, removes,
        removed_by, spreads_to, spreads_from, radiates_to, tumor, related. not_ holds constraints the
        answers must not meet; under a class to search below; typical keeps what holds usually or always."""
        options: dict[str, Any] = dict(constraints or {})
        if not_:
            options["not_"] = dict(not_)
        if under:
            options["under"] = under
        if typical:
            options["typical"] = True
        if rank:
            options["rank"] = rank
        return dict(graph().find(kind, **options).to_dict())

    @tool
    def sparql(query: str) -> dict[str, Any]:
        """Run a read-only SPARQL query (the prefixes skg:, rdfs:, owl:, obo:, oio:, dcterms:, skos: are
        bound) or the name of a bundled query (triage_rules, treatments_for_tumor, evidence_chain, ...).
        Returns the variables and up to 1000 rows; literals as values, IRIs as strings."""
        from .server import Refused, check

        if not re.fullmatch(r"[\w\-]+", query.strip()):     # a bundled query's name is read-only; text is checked
            try:
                check(query)
            except Refused as refused:
                raise SparqlError(refused.message) from None
        rows = graph().sparql(query)
        records = rows.to_dicts()
        return {"vars": list(rows.vars), "rows": records[:MAX_ROWS], "truncated": len(records) > MAX_ROWS}

    return server


def serve() -> None:
    """Serve the tools over standard input and output (``spinekg mcp``).

    It runs until the client closes its input, so an MCP client starts it as a command of its own, here with
    the ``mcp`` package's client:

    >>> import asyncio
    >>> import sys
    >>> from mcp import ClientSession, StdioServerParameters
    >>> from mcp.client.stdio import stdio_client
    >>> async def tool_names() -> list[str]:
    ...     command = StdioServerParameters(command=sys.executable, args=["-c", "from spineKG.agent import serve; serve()"])
    ...     async with stdio_client(command) as (read, write), ClientSession(read, write) as session:
    ...         await session.initialize()
    ...         return sorted(t.name for t in (await session.list_tools()).tools)
    >>> asyncio.run(tool_names())
    ['ask', 'find', 'lookup', 'sparql', 'triage']
    """
    make_server().run("stdio")
