"""The check every untrusted SPARQL query passes before a store sees it: bounded, parsed, read-only, local.

:func:`guard` raises :class:`~spineKG.errors.QueryRefusedError` for a query spineKG will not run, and
:class:`~spineKG.errors.SparqlError` (with the line and column) for a malformed one; it returns nothing
for a query that is safe to hand to a store. In order:

1. **Bounds, before any parser sees the text**: its length (``max_chars``), how deeply its brackets nest
   (``max_depth``) and how many operators, brackets and group keywords it has (``max_operators``: each can
   add a level to the query's algebra tree; Oxigraph overflows its stack, and kills the process, at about
   2,100 nested braces or 2,500 ``MINUS`` or ``BIND`` clauses in a row). They are counted by a tokenizer
   that knows IRIs (``<...#...>``), strings (all four quote forms, with escapes), comments and escaped
   names (``ex:a\\#b``), and it reads the text twice: as Oxigraph does (``\\u`` escapes only inside
   strings and IRIs) and as rdflib and Jena do (``\\u`` escapes expanded everywhere first); the larger
   count decides.
2. **Refusals from the parsed query**: rdflib's SPARQL parser parses it; an update (``INSERT``,
   ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``, ``DROP``, ``ADD``, ``MOVE``, ``COPY``) is refused, and so
   is a ``SERVICE`` pattern anywhere in the tree (in subqueries, ``EXISTS``, ``MINUS``, ...). As a second
   line, a bare ``SERVICE`` or update keyword among the tokens (outside strings, IRIs, comments, variable
   and prefixed names) is refused as well, in either reading, so a text the two parsers read differently
   cannot slip one through.
3. **Syntax, without evaluating anything**: Oxigraph parses it and stops before evaluation (see
   :func:`_oxigraph_syntax`: its ``Store.query`` otherwise evaluates at once, so a ``SERVICE`` there connects
   out and an ``ORDER BY`` over big ``VALUES`` runs for minutes). A mistake is reported with Oxigraph's line
   and column; a query Oxigraph parses but rdflib cannot is refused (``unchecked``), since its tree could
   not be checked.

Nothing here opens a connection or evaluates the query.

>>> guard("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }")
>>> guard("SELECT * WHERE { ?x a <http://www.w3.org/2002/07/owl#Ontology> SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
spineKG.errors.QueryRefusedError: SPARQL error at line 1, column 64: federated queries (SERVICE) are refused: spineKG does not ...
>>> guard("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000)
Traceback (most recent call last):
...
spineKG.errors.QueryRefusedError: SPARQL error at line 1, column 40: the query nests brackets more than 24 deep (the most allowed)
>>> sorted(query_variables("SELECT ?l WHERE { ?x rdfs:label ?l # ?not_a_variable\\n }"))
['l', 'x']
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import QueryRefusedError, SparqlError
from .base import parse_error, with_prefixes

if TYPE_CHECKING:
    from rdflib.term import Node

__all__ = ["MAX_CHARS", "MAX_DEPTH", "MAX_OPERATORS", "check_syntax", "declared_prefixes", "guard", "query_variables", "with_values"]

MAX_CHARS = 50_000      # characters of query text
MAX_DEPTH = 24          # nested brackets ({, (, [, <<); rdflib's parser runs out of recursion at about 24 to 36
MAX_OPERATORS = 1_000   # operators, opening brackets and group keywords; rdflib parses about 1,000 in 1.5 s

UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"})
_GROUP_WORDS = frozenset({"UNION", "MINUS", "OPTIONAL", "FILTER", "BIND", "GRAPH", "SERVICE", "VALUES", "EXISTS",
                          "LATERAL", "IN"})
_UPDATE_FORMS = frozenset({"Load", "Clear", "Drop", "Create", "Add", "Move", "Copy", "InsertData", "DeleteData",
                           "DeleteWhere", "Modify"})
_UPDATE_MESSAGE = ("SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ADD, MOVE, COPY) is refused: "
                   "queries here are read-only")
_SERVICE_MESSAGE = "federated queries (SERVICE) are refused: spineKG does not reach out to other services"

_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"     # every character any reader might take for the end of a line
_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_VAR = re.compile(r"[?$]([0-9A-Za-z_\u00B7\u00C0-\U000EFFFF]+)")
_WORD = re.compile(r"(?:[\w\-.:%\u00B7\u00C0-\U000EFFFF]|\\.)+", re.DOTALL)
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_OPERATORS = ("||", "&&", "!=", "<=", ">=", "^^", "<<", ">>", "=", "<", ">", "+", "-", "*", "/", "|", "^", "!", "?")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class _Reading:
    """What the tokenizer found in one reading of the text."""

    depth: int = 0                # the deepest nesting of brackets
    deep_at: int = 0              # where it first went past the limit
    operators: int = 0
    many_at: int = 0              # where the operators first went past the limit
    update_at: int | None = None  # the first bare update keyword
    service_at: int | None = None
    variables: set[str] = field(default_factory=set)


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) for each token: open, close, op, word, var, iri, string, punct, other."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":                                   # a comment, to the end of the line
            while i < n and text[i] not in _BREAKS:
                i += 1
        elif c in "\"'":
            start = i
            if text.startswith(c * 3, i):                # a long string: up to the first unescaped closing triple
                i += 3
                while i < n and not text.startswith(c * 3, i):
                    i += 2 if text[i] == "\\" else 1
                i += 3
            else:                                        # a short string: ends at its quote, or (malformed) a line break
                i += 1
                while i < n and text[i] != c and text[i] not in _BREAKS:
                    i += 2 if text[i] == "\\" else 1
                i += 1 if i < n and text[i] == c else 0
            yield "string", text[start:i], start
        elif c == "<" and (m := _IRI.match(text, i)):
            yield "iri", m.group(), i
            i = m.end()
        elif c in "{([":
            yield "open", c, i
            i += 1
        elif c in "})]":
            yield "close", c, i
            i += 1
        elif c in "?$" and (m := _VAR.match(text, i)):
            yield "var", m.group(1), i
            i = m.end()
        elif c == "@" and (m := _LANG.match(text, i)):
            yield "lang", m.group(), i
            i = m.end()
        elif c in ".;,":
            yield "punct", c, i
            i += 1
        elif m := _WORD.match(text, i):                  # keywords, prefixed names, numbers, blank node labels
            word = m.group().rstrip(".")                  # a name never ends with '.': that ends the triple
            yield "word", word or m.group(), i
            i += len(word) or len(m.group())
        else:
            op = next((o for o in _OPERATORS if text.startswith(o, i)), c)
            kind = "open" if op == "<<" else "close" if op == ">>" else "op"
            yield kind, op, i
            i += len(op)


def _read(text: str, max_depth: int, max_operators: int) -> _Reading:
    r = _Reading()
    depth = 0
    for kind, tok, at in _tokens(text):
        if kind == "open":
            depth += 1
            if depth > r.depth:
                r.depth = depth
                if depth == max_depth + 1:
                    r.deep_at = at
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "var":
            r.variables.add(tok)
        if kind == "word" and ":" not in tok and not tok.startswith("_"):
            word = tok.upper()
            if word in UPDATE_WORDS and r.update_at is None:
                r.update_at = at
            elif word == "SERVICE" and r.service_at is None:
                r.service_at = at
            counted = word in _GROUP_WORDS
        else:
            counted = kind == "open" or (kind == "op" and tok != "^^")
        if counted:
            r.operators += 1
            if r.operators == max_operators + 1:
                r.many_at = at
    return r


def _expand_escapes(text: str) -> str:
    """The text with ``\\uXXXX`` and ``\\UXXXXXXXX`` replaced everywhere, as rdflib and Jena read it."""
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _BadEscape(m.start())
        return chr(code)

    return _ESCAPE.sub(one, text)


class _BadEscape(Exception):
    def __init__(self, at: int) -> None:
        self.at = at


def _position(text: str, at: int) -> tuple[int, int]:
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _refuse(query: str, at: int | None, message: str, reason: str) -> QueryRefusedError:
    line, col = _position(query, at) if at is not None else (None, None)
    return QueryRefusedError(message, line, col, query, reason=reason)


@lru_cache(maxsize=256)
def _readings(query: str, max_depth: int, max_operators: int) -> tuple[_Reading, _Reading | None]:
    try:
        expanded = _expand_escapes(query)
    except _BadEscape as bad:
        line, col = _position(query, bad.at)
        raise SparqlError("an escape names no character (a surrogate or past U+10FFFF)", line, col, query) from None
    raw = _read(query, max_depth, max_operators)
    return raw, (_read(expanded, max_depth, max_operators) if expanded != query else None)


def query_variables(query: str) -> frozenset[str]:
    """The names of the variables a query mentions (``?x`` and ``$x``, without the sign), as Oxigraph reads it.

    >>> sorted(query_variables("SELECT ?tumor (COUNT(?s) AS ?n) WHERE { ?tumor skg:causes $s } GROUP BY ?tumor"))
    ['n', 's', 'tumor']
    >>> sorted(query_variables('SELECT ?l WHERE { ?x rdfs:label ?l FILTER(?l != "?in_a_string") }'))
    ['l', 'x']
    """
    return frozenset(_readings(query, MAX_DEPTH, MAX_OPERATORS)[0].variables)


def declared_prefixes(query: str) -> dict[str, str]:
    """The prefixes a query declares itself (``PREFIX ex: <http://example.org/>``), read by the tokenizer.

    >>> declared_prefixes("PREFIX ex: <http://example.org/> # PREFIX no: <urn:no>\\nSELECT * { ?s ?p ex:o }")
    {'ex': 'http://example.org/'}
    """
    found: dict[str, str] = {}
    tokens = list(_tokens(query))
    for (k1, t1, _), (k2, t2, _), (k3, t3, _) in zip(tokens, tokens[1:], tokens[2:]):
        if k1 == "word" and t1.upper() == "PREFIX" and k2 == "word" and t2.endswith(":") and k3 == "iri":
            found[t2[:-1]] = t3[1:-1]
    return found


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with a ``VALUES`` block that binds each variable to its term at the start of its WHERE
    block; the terms are written by Oxigraph's N-Triples serialiser (IRIs checked, literals escaped), so
    no value can change the query, and the block's place is found by the tokenizer, not a pattern.

    (Oxigraph's ``substitutions=`` would keep the terms out of the text altogether, but it substitutes only
    variables the query projects, and the named queries bind others; a trailing ``VALUES`` clause is
    joined after projection by Virtuoso. A block in the WHERE clause binds alike on every store.)

    >>> from rdflib import Literal, URIRef
    >>> with_values("SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": URIRef("https://w3id.org/spinekg/Ependymoma")})
    'SELECT ?l WHERE { VALUES (?x) { (<https://w3id.org/spinekg/Ependymoma>) }\\n ?x rdfs:label ?l }'
    >>> with_values("SELECT ?l { ?x rdfs:label ?l }", {"l": Literal('x> } ; DROP ALL ; #')})
    'SELECT ?l { VALUES (?l) { ("x> } ; DROP ALL ; #") }\\n ?x rdfs:label ?l }'
    """
    if not bindings:
        return query
    import pyoxigraph
    from rdflib import Literal, URIRef

    names, terms = [], []
    for name, value in bindings.items():
        if not re.fullmatch(r"[A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]+", name):
            raise SparqlError(f"{name!r} is not a variable name")
        try:
            if isinstance(value, URIRef):
                term: object = pyoxigraph.NamedNode(str(value))
            elif isinstance(value, Literal):
                term = (pyoxigraph.Literal(str(value), language=value.language) if value.language else
                        pyoxigraph.Literal(str(value), datatype=pyoxigraph.NamedNode(str(value.datatype)))
                        if value.datatype else pyoxigraph.Literal(str(value)))
            else:
                raise SparqlError(f"?{name} is bound to a {type(value).__name__}; bind an IRI or a literal")
        except ValueError as exc:
            raise SparqlError(f"?{name} cannot be bound to {str(value)!r}: {exc}") from None
        names.append("?" + name)
        terms.append(str(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"
    form, where, depth = "", False, 0
    for kind, tok, at in _tokens(query):
        if depth == 0 and kind == "word":
            word = tok.upper()
            form = form or (word if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "")
            where = where or word == "WHERE"
        if depth == 0 and tok == "{" and kind == "open" and form and (form != "CONSTRUCT" or where):
            return query[:at + 1] + block + query[at + 1:]   # the WHERE block (a CONSTRUCT's template comes first)
        depth += kind == "open"
        depth -= kind == "close" and depth > 0
    raise SparqlError("bindings need a query with a WHERE block to bind them in", query=query)


def guard(query: str, *, max_chars: int = MAX_CHARS, max_depth: int = MAX_DEPTH, max_operators: int = MAX_OPERATORS) -> None:
    """Refuse a query that is too big, nested too deeply, an update, or federated (``SERVICE``); report a
    malformed one with its line and column. Returns nothing for a query that is safe to run; never runs it.

    Raises :class:`~spineKG.errors.QueryRefusedError` (its ``reason`` one of ``too-large``, ``too-deep``,
    ``too-complex``, ``update``, ``service``, ``unchecked``) or :class:`~spineKG.errors.SparqlError`.

    >>> guard("SELECT ?l WHERE { skg:Ependymoma rdfs:label ?l }") is None
    True
    >>> for query in ["DROP ALL", "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"]:
    ...     try:
    ...         guard(query)
    ...     except QueryRefusedError as err:
    ...         print(err.reason, err.line, err.column)
    update 1 1
    service 1 12
    >>> guard("SELECT * { ?s ?p ?o }", max_chars=10)
    Traceback (most recent call last):
    ...
    spineKG.errors.QueryRefusedError: SPARQL error at line 1, column 11: the query is 21 characters long; the most allowed is 10
    """
    if not isinstance(query, str):
        raise SparqlError(f"a query is text, not {type(query).__name__}")
    if len(query) > max_chars:
        raise _refuse(query, max_chars, f"the query is {len(query):,} characters long; the most allowed is {max_chars:,}",
                      "too-large")
    try:
        query.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, col = _position(query, exc.start)
        raise SparqlError("the query holds a character that is not Unicode text (a lone surrogate, "
                          "such as an undecodable byte)", line, col, query) from None
    if next(_tokens(query), None) is None:
        raise SparqlError("the query is empty (only spaces or comments)", query=query)
    readings = [r for r in _readings(query, max_depth, max_operators) if r is not None]
    deep = max(readings, key=lambda r: r.depth)
    if deep.depth > max_depth:
        raise _refuse(query, deep.deep_at, f"the query nests brackets more than {max_depth} deep (the most allowed)",
                      "too-deep")
    many = max(readings, key=lambda r: r.operators)
    if many.operators > max_operators:
        raise _refuse(query, many.many_at, f"the query has more than {max_operators:,} operators, brackets and "
                      "group keywords (the most allowed)", "too-complex")

    tree, parse_failure = _parse(query)
    if tree is None:
        update = _parse_update(query)
        if update:
            raise _refuse(query, _first(readings, "update_at"), _UPDATE_MESSAGE, "update")
    elif any(name == "ServiceGraphPattern" for name in _names(tree)):
        raise _refuse(query, _first(readings, "service_at"), _SERVICE_MESSAGE, "service")
    # the second line: the tokens, in both readings, whatever the parser made of them
    if (at := _first(readings, "update_at")) is not None:
        raise _refuse(query, at, _UPDATE_MESSAGE, "update")
    if (at := _first(readings, "service_at")) is not None:
        raise _refuse(query, at, _SERVICE_MESSAGE, "service")
    _oxigraph_syntax(query)
    if tree is None:   # Oxigraph parses it, rdflib cannot: it could not be checked, so it is refused
        failure = parse_failure or SparqlError("the query could not be parsed", query=query)
        raise QueryRefusedError(f"the query could not be checked ({failure.message})", failure.line, failure.column,
                                query, reason="unchecked")


def check_syntax(query: str) -> None:
    """:func:`guard` with its default bounds: what every store runs on a user's query, so every store reports
    mistakes alike (Oxigraph's line and column) and refuses the same queries.

    >>> check_syntax("SELECT ?x WHERE { ?x a owl:Class ")
    Traceback (most recent call last):
    ...
    spineKG.errors.SparqlError: SPARQL error at line 1, column 34: expected one of ...
    """
    guard(query)


def _first(readings: list[_Reading], attr: str) -> int | None:
    found = [getattr(r, attr) for r in readings if getattr(r, attr) is not None]
    return min(found) if found else None


def _parse(query: str) -> tuple[object | None, SparqlError | None]:
    """rdflib's parse tree of the query, or None and the error (with rdflib's line and column)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(query), None
    except RecursionError:
        return None, QueryRefusedError("the query is nested too deeply for the parser", query=query, reason="too-deep")
    except Exception as exc:   # pyparsing's ParseException, and whatever else rdflib's parser raises
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        text = re.sub(r"\s*\(at char \d+\),?\s*(?:\(line:\d+, col:\d+\))?\s*$", "", text)
        return None, SparqlError(text[:1].lower() + text[1:], getattr(exc, "lineno", None), getattr(exc, "col", None), query)


def _parse_update(query: str) -> bool:
    """Whether the text is a SPARQL Update with at least one operation."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = parseUpdate(query)
    except (Exception, RecursionError):
        return False
    return any(name in _UPDATE_FORMS for name in _names(tree))


def _names(tree: object) -> Iterator[str]:
    """The name of every rdflib CompValue in a parse tree (iteratively: the tree may be deep)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node.name
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _oxigraph_syntax(query: str) -> None:
    """Oxigraph's syntax error, with its line and column; nothing if it parses. Never evaluates the query.

    ``Store.query`` evaluates at once (a ``SERVICE`` connects out there and then, an ``ORDER BY`` over big
    ``VALUES`` runs for minutes), but it first checks its substitutions against the parsed query's
    projection: binding a variable the text does not contain makes it stop right after parsing.
    """
    import pyoxigraph

    text = with_prefixes(query)
    unused = next(f"spinekg_unused{n}" for n in range(len(text) + 1) if f"spinekg_unused{n}" not in text)
    try:
        pyoxigraph.Store().query(text, substitutions={pyoxigraph.Variable(unused): pyoxigraph.NamedNode("urn:spinekg:unused")})
    except SyntaxError as exc:
        raise parse_error(exc, query) from None
    except RuntimeError as exc:
        if unused in str(exc):
            return   # parsed, and stopped before evaluation
        raise SparqlError(str(exc), query=query) from None
    raise QueryRefusedError("the query could not be checked", query=query, reason="unchecked")   # not reached
