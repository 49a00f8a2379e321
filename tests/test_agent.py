"""The MCP server, driven by the mcp package's own client over stdio (`spinekg mcp` as a subprocess)."""
from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest

pytest.importorskip("mcp")   # a test extra; CI installs it

from mcp import Client, StdioServerParameters  # noqa: E402


def session(calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[Any]]:
    """Start `spinekg mcp`, list its tools, make the calls in one session; (tools, results)."""
    async def run() -> tuple[list[Any], list[Any]]:
        params = StdioServerParameters(command=sys.executable, args=["-m", "spineKG.cli", "mcp"])
        async with Client(params, read_timeout_seconds=120) as client:
            tools = (await client.list_tools()).tools
            results = [await client.call_tool(name, args) for name, args in calls]
            return tools, results
    return asyncio.run(run())


def payload(result: Any) -> Any:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return data.get("result", data) if set(data) == {"result"} else data
    return json.loads(result.content[0].text)


def test_mcp_server_answers_ask_triage_lookup_find_and_sparql() -> None:
    tools, results = session([
        ("ask", {"question": "which tumors cause myelopathy in the cervical spine"}),
        ("triage", {"age": 61, "pain_days": 2, "cancer_history": "previous"}),
        ("lookup", {"names": ["MONDO:0003174", "epidural"]}),
        ("find", {"kind": "tumors", "constraints": {"compartment": "intramedullary"}, "rank": "most_common"}),
        ("sparql", {"query": "SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }"}),
        ("sparql", {"query": "INSERT DATA { skg:X rdfs:label 'x' }"}),
        ("find", {"kind": "tumors", "constraints": {"cuases": "myelopathy"}}),
        ("triage", {"age": 61, "cancer_history": "sometimes"}),
    ])
    by_name = {t.name: t for t in tools}
    assert set(by_name) == {"ask", "triage", "lookup", "find", "sparql"}
    for t in tools:                                 # each has a JSON schema, and says it only reads
        assert t.input_schema["type"] == "object" and t.annotations.read_only_hint is True
        assert t.description
    assert by_name["ask"].input_schema["required"] == ["question"]
    assert by_name["triage"].input_schema["properties"]["cancer_history"]["enum"] == ["none", "previous", "current"]
    assert "most_common" in json.dumps(by_name["find"].input_schema["properties"]["rank"])

    ask, triage, lookup, find, select, update, typo, bad_choice = results
    answer = payload(ask)
    labels = {a["label"] for a in answer["answers"]}
    assert {"astrocytoma", "ependymoma"} <= labels
    assert all(a["sources"] for a in answer["answers"])            # evidence comes with its sources
    assert payload(triage)["urgency"] == "immediate"
    assert [e["label"] for e in payload(lookup)] == ["astrocytoma", "extradural"]
    assert [a["label"] for a in payload(find)["answers"]] == ["astrocytoma", "ependymoma"]
    assert payload(select)["rows"] == [{"l": "ependymoma"}]
    assert update.is_error and "read-only" in update.content[0].text
    assert typo.is_error and "did you mean: causes" in typo.content[0].text
    assert bad_choice.is_error
