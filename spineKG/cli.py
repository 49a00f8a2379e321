"""The ``spinekg`` command line.

    spinekg ask "which tumors cause myelopathy in the cervical spine" [--json]
    spinekg triage --age 61 --cancer-history previous --pain-days 2
    spinekg lookup epidural
    spinekg sparql "SELECT ?t WHERE { ?t skg:mayCause skg:Myelopathy }" [--format json|csv|tsv|table]
    spinekg sparql @cohort-query.rq --data cohort.nt     # the release and your own linked data
    spinekg build

User mistakes (an unknown term, a question it cannot read, malformed SPARQL, a bad ontology file) print
a clear message and exit with status 2, never a traceback. Imports are lazy: nothing heavier than the
store is loaded for a one-shot question.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime

USER_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse with a did-you-mean for an option value outside its choices."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            from .errors import suggest

            choices = [str(c) for c in action.choices]
            close = suggest(str(value), choices, cutoff=60)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise argparse.ArgumentError(action, f"invalid choice: {value!r}{hint} (choose from {', '.join(choices)})")


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .export import FORMATS

    p = _Parser(prog="spinekg", description="Query the spineKG knowledge graph of spinal tumors.")
    p.add_argument("--version", action="version", version=f"spinekg {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("ask", help="answer a question in plain English")
    a.add_argument("question", nargs="+", help="the question (quote it, or give it as several words)")
    a.add_argument("--json", action="store_true", help="print the answer as JSON")

    t = sub.add_parser("triage", help="how soon to see a doctor about back pain, and whom")
    t.add_argument("story", nargs="*", help="the person's own words or a clinician's note (quote it); "
                                           "or describe the patient with the options below instead")
    t.add_argument("--today", type=_date, help="the day the story was written, YYYY-MM-DD (default: today)")
    t.add_argument("--age", type=int)
    t.add_argument("--pain-days", type=float, help="how many days the back pain has lasted")
    t.add_argument("--not-new", dest="pain_new", action="store_false", help="the back pain is not a new episode")
    t.add_argument("--explained", dest="pain_explained", action="store_true", help="an obvious benign cause is known")
    t.add_argument("--severe", dest="severe_interferes_daily", action="store_true",
                   help="severe pain that interferes with daily activities")
    t.add_argument("--tried-rest", dest="tried_rest_self_care", action="store_true", default=None,
                   help="rest and self-care have been tried")
    t.add_argument("--red-flag", dest="red_flags", action="append", default=[], metavar="SYMPTOM",
                   help="a red-flag symptom (repeatable), e.g. 'weight loss'")
    t.add_argument("--neuro-sign", dest="neuro_signs", action="append", default=[], metavar="SIGN",
                   help="a neurological sign (repeatable), e.g. 'loss of bladder control'")
    t.add_argument("--cancer-history", choices=("none", "previous", "current"), default="none")
    t.add_argument("--json", action="store_true")

    lk = sub.add_parser("lookup", help="show the entities that labels, synonyms, CURIEs or cross-reference codes name")
    lk.add_argument("name", nargs="+", help="one name or code each (quote names of several words), e.g. "
                                            "MONDO:0003174 ependymoma 'lower back'")
    lk.add_argument("--json", action="store_true")

    s = sub.add_parser("sparql", help="run a SPARQL query (text, @file, or the name of a bundled query)")
    s.add_argument("query")
    s.add_argument("--format", choices=("table", "json", "csv", "tsv"), default="table")
    s.add_argument("--bind", action="append", default=[], metavar="VAR=VALUE", help="bind a variable (repeatable)")
    s.add_argument("--data", action="append", default=[], metavar="FILE",
                   help="an RDF file to query along with the release, e.g. a cohort (repeatable)")

    sc = sub.add_parser("score", help="compute a clinical instrument: sins, tokuhashi, tomita, noms", add_help=False,
                        description="Options are the instrument's components; `spinekg score sins --help` lists them "
                                    "with their options and points.")
    sc.add_argument("instrument", nargs="?", choices=INSTRUMENTS)
    sc.add_argument("-h", "--help", action="store_true", help="show the instrument's components and options")

    v = sub.add_parser("viz", help="draw an entity's neighbourhood, or a question's answer, as an interactive HTML page")
    v.add_argument("entity", nargs="*", help="an entity (label or synonym)")
    v.add_argument("--question", help="draw the answer to this question and its evidence instead")
    v.add_argument("--depth", type=int, default=2)
    v.add_argument("--derived", action="store_true", help="include inherited and chained relations")
    v.add_argument("-o", "--output", default="graph.html")

    sv = sub.add_parser("serve", help="a read-only SPARQL 1.1 endpoint over the embedded store")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run (default 10)")
    sv.add_argument("--limit", type=int, default=10_000, help="most result rows returned (default 10,000)")
    sv.add_argument("--data", action="append", default=[], metavar="FILE",
                    help="an RDF file to serve along with the release, e.g. a cohort (repeatable)")
    sv.add_argument("--memory", type=int, default=1024, metavar="MB", help="memory a query may use (default 1024 MB)")
    sv.add_argument("--workers", type=int, default=0,
                    help="query worker processes kept ready (default: twice the number of CPUs); more are forked, up to "
                         "--max-workers, when queries wait (long queries hold the others)")
    sv.add_argument("--max-workers", type=int, default=32, help="query worker processes at most (default 32)")
    sv.add_argument("--header-timeout", type=float, default=10.0, metavar="S",
                    help="seconds a client has to send a request head, or its body (default 10)")
    sv.add_argument("--body-limit", type=int, default=1 << 20, metavar="BYTES",
                    help="largest request body (default 1 MiB; larger ones get 413)")
    sv.add_argument("--recycle", type=int, default=0, metavar="N",
                    help="replace a worker after N queries (default 0: never; 1: a fresh fork for every query)")

    up = sub.add_parser("upload", help="put the release into a triple store (SPARQL 1.1 Graph Store Protocol)")
    up.add_argument("url", help="the store's Graph Store endpoint, e.g. http://127.0.0.1:7878/store")
    up.add_argument("--graph", help="named graph IRI (default: the default graph)")
    up.add_argument("--append", action="store_true", help="add to the graph instead of replacing it")

    gc = sub.add_parser("generate-cohort", help="write a synthetic patient cohort linked to the ontology (N-Triples)")
    gc.add_argument("n", type=int, help="number of patients")
    gc.add_argument("-o", "--output", default="cohort.nt")
    gc.add_argument("--seed", type=int, default=1)

    ex = sub.add_parser("export", help="write the graph for other tools: owl, ttl, jsonld, obo, graphml, gexf, csv, sssom")
    ex.add_argument("--format", required=True, choices=FORMATS,
                    help="owl (RDF/XML for Protégé, ROBOT, pronto), ttl, jsonld, obo, graphml, gexf (Gephi), "
                         "csv (one relation a row), sssom (the cross-references as SSSOM)")
    ex.add_argument("-o", "--output", help="the file to write (default: standard output)")
    ex.add_argument("--data", action="append", default=[], metavar="FILE",
                    help="an RDF file to export along with the release (repeatable)")

    sub.add_parser("mcp", help="serve ask, triage, lookup, find and SPARQL to LLM agents (Model Context Protocol, stdio)",
                   description="An MCP server over standard input and output; register the command `spinekg mcp` "
                               "with an MCP client. Needs the mcp package: pip install 'spineKG[mcp]'.")

    cp = sub.add_parser("completion", help="print a shell completion script: eval \"$(spinekg completion bash)\"")
    cp.add_argument("shell", choices=("bash", "zsh", "tcsh"))

    b = sub.add_parser("build", help="rebuild the ontology release from ontology/src (needs owlready2 and Java)")
    b.add_argument("--source", help="source folder (default: ontology/src)")
    b.add_argument("--out", help="output folder (default: ontology/)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args, extra = _parser().parse_known_args(argv)
    if extra and args.command != "score":
        _parser().parse_args(argv)   # reports the unknown arguments and exits 2
    args.extra = extra
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # user mistakes get a message; anything else is a bug worth a traceback
        msg = _user_error(exc)
        if msg is None:
            raise
        print(f"spinekg: {msg}", file=sys.stderr)
        return USER_ERROR


def _user_error(exc: Exception) -> str | None:
    from .errors import SpineKGError

    if isinstance(exc, SpineKGError):
        return str(exc)
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):   # a path the user gave
        return f"{exc.strerror}: {exc.filename}"
    return None


def _run(args: argparse.Namespace) -> int:
    command = COMMANDS[args.command]
    if command.__name__ in _NO_GRAPH:
        return command(args)
    from .kg import load

    kg = load(*getattr(args, "data", ()), progress=sys.stderr.isatty())
    return command(args, kg)


def _build(args: argparse.Namespace) -> int:
    from .builder import ONTOLOGY_DIR, SOURCE_DIR, build

    print(build(args.source or SOURCE_DIR, args.out or ONTOLOGY_DIR))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .server import serve

    serve(args.host, args.port, args.timeout, args.limit, args.data, memory=args.memory, workers=args.workers,
          max_workers=args.max_workers, recycle=args.recycle,
          header_timeout=args.header_timeout, body_bytes=args.body_limit)
    return 0


def _upload(args: argparse.Namespace) -> int:
    from .upload import upload

    report = upload(args.url, args.graph, replace=not args.append)
    held = f"; the store now holds {report.stored:,}" if report.stored is not None else ""
    print(f"uploaded {', '.join(report.files)} as one {report.method}: {report.triples:,} triples "
          f"({report.bytes:,} bytes) to {report.url}{held}")
    return 0


def _ask(args: argparse.Namespace, kg: Any) -> int:
    answer = kg.ask(" ".join(args.question))
    print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) if args.json else str(answer))
    return 0


_TRIAGE_OPTIONS: dict[str, Any] = {"age": None, "pain_days": None, "pain_new": True, "pain_explained": False,
                   "severe_interferes_daily": False, "tried_rest_self_care": None, "red_flags": [],
                   "cancer_history": "none", "neuro_signs": []}


def _date(text: str) -> datetime.date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def _triage(args: argparse.Namespace, kg: Any) -> int:
    from .errors import TriageInputError

    options = {f: getattr(args, f) for f in _TRIAGE_OPTIONS}
    if args.story:
        given = [f"--{f.replace('_', '-')}" for f, v in options.items() if v != _TRIAGE_OPTIONS[f]]
        if given:
            raise TriageInputError(f"give either a story or options, not both: {', '.join(given)} came with a story; "
                                   "put everything in the story, or leave the story out")
        result = kg.triage_text(" ".join(args.story), today=args.today)
    else:
        result = kg.triage(**options)
    print(json.dumps(result.to_dict(), indent=2) if args.json else str(result))
    return 0


def _lookup(args: argparse.Namespace, kg: Any) -> int:
    from .errors import UnknownTermError

    found = []
    for name in args.name:
        shared = kg.xrefs().get(name.strip().casefold())   # a code: every entity that has it
        if shared:
            found += shared
            continue
        try:
            found.append(kg.lookup(name))
        except UnknownTermError as exc:
            whole = " ".join(args.name)
            if len(args.name) > 1 and kg.index.find(whole):
                raise UnknownTermError(name, [f"spinekg lookup '{whole}' (quote a name of several words)"]) from None
            raise exc
    if args.json:
        records = [dict(e.to_dict(), curie=e.curie, source=_source(kg, e.source)) for e in found]
        print(json.dumps(records[0] if len(records) == 1 else records, indent=2, ensure_ascii=False))
        return 0
    for n, e in enumerate(found):
        print(("\n" if n else "") + f"{e.label}  [{e.kind}; {e.curie}]\n  {e.definition}")
        if e.synonyms:
            print(f"  synonyms: {', '.join(e.synonyms)}")
        if e.xrefs:
            print(f"  xrefs: {', '.join(e.xrefs)}")
        src = kg.index.sources.get(e.source)
        print(f"  source: {src.title if src else e.source}")
    return 0


def _source(kg: Any, iri: str) -> dict[str, str] | None:
    src = kg.index.sources.get(iri)
    return {"iri": src.iri, "title": src.title, "url": src.url} if src else ({"iri": iri} if iri else None)


def _export(args: argparse.Namespace, kg: Any) -> int:
    if args.output:
        path = kg.export(args.format, args.output)
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
        return 0
    from .export import export_text

    sys.stdout.write(export_text(kg, args.format))
    return 0


def _generate_cohort(args: argparse.Namespace, kg: Any) -> int:
    from .cohort import write

    if args.n <= 0:
        _parser().error("the number of patients must be positive")
    triples = write(kg, args.n, args.output, args.seed, progress=sys.stderr.isatty())
    print(f"wrote {args.output}: {args.n:,} patients, {triples:,} triples")
    return 0


def _viz(args: argparse.Namespace, kg: Any) -> int:
    if args.question:
        drawing = kg.show(answer=kg.ask(args.question))
    elif args.entity:
        drawing = kg.show(entity=" ".join(args.entity), depth=args.depth, derived=args.derived)
    else:
        _parser().error("viz: give an entity or --question")
    path = drawing.save(args.output)
    print(f"wrote {path} ({drawing.nodes} nodes, {drawing.edges} edges)")
    return 0


INSTRUMENTS = ("sins", "tokuhashi", "tomita", "noms")   # the functions of spineKG.scores the CLI offers


def _score_parser(instrument: str) -> argparse.ArgumentParser:
    """The options of one instrument, read from its table in the graph: one required ``--component``
    a component, its choices the options (with their points in the help)."""
    from . import scores

    p = _Parser(prog=f"spinekg score {instrument}")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    if instrument == "noms":
        inst, scale = scores.instrument("NOMSFramework"), scores.instrument("BilskyESCC")
        p.description = f"{inst.label}: {inst.definition} ({inst.citation})"
        p.add_argument("--escc", required=True, choices=[g["key"] for g in scale.grades],
                       help=("Bilsky ESCC grade: " + "; ".join(f"{g['key']} {g['label']}" for g in scale.grades)).replace("%", "%%"))
        kind = p.add_mutually_exclusive_group(required=True)
        kind.add_argument("--histology", help="a tumor or cancer named in the graph, whose radiosensitivity it states")
        kind.add_argument("--radiosensitivity", choices=scores.RADIOSENSITIVITY)
        stab = p.add_mutually_exclusive_group()
        stab.add_argument("--stability", choices=scores.STABILITY, help="default: stable, or from --sins")
        stab.add_argument("--sins", type=int, help="a SINS total (0-18), read as its stability category")
        p.add_argument("--can-tolerate-surgery", choices=("yes", "no"), default="yes")
        return p
    inst = scores.instrument(scores.INSTRUMENT_OF[instrument])
    p.description = f"{inst.label}: {inst.definition} ({inst.citation})"
    for comp in inst.components:
        p.add_argument("--" + comp.key.replace("_", "-"), dest=comp.key, required=True, choices=[o.key for o in comp.options],
                       metavar=comp.key.upper(),
                       help=(f"{comp.label}: " + "; ".join(f"{o.key} = {o.label} ({o.points})" for o in comp.options)).replace("%", "%%"))
    return p


def _score(args: argparse.Namespace) -> int:
    from . import scores

    if args.instrument is None:
        print(f"usage: spinekg score {{{','.join(INSTRUMENTS)}}} [--json] --COMPONENT OPTION ...\n"
              "`spinekg score INSTRUMENT --help` lists an instrument's components and options.",
              file=sys.stdout if args.help else sys.stderr)
        return 0 if args.help else USER_ERROR
    parser = _score_parser(args.instrument)
    opts = vars(parser.parse_args([*args.extra, *(["--help"] if args.help else [])]))
    as_json = opts.pop("json")
    if args.instrument == "noms":
        opts["can_tolerate_surgery"] = opts["can_tolerate_surgery"] == "yes"
    result = getattr(scores, args.instrument)(**opts)
    print(json.dumps(result.to_dict(), indent=2) if as_json else str(result))
    return 0


def _mcp(args: argparse.Namespace) -> int:
    from .agent import serve

    serve()
    return 0


def _completion(args: argparse.Namespace) -> int:
    import shtab

    print(shtab.complete(_parser(), shell=args.shell))
    return 0


def _sparql(args: argparse.Namespace, kg: Any) -> int:
    from .errors import SparqlError

    text = args.query
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as fh:
                text = fh.read()
        except UnicodeDecodeError as exc:
            raise SparqlError(f"{text[1:]} is not UTF-8 text (byte {exc.start:,})") from None
    bindings: dict[str, str] = {}
    for b in args.bind:
        name, eq, value = b.partition("=")
        if not eq or not name.strip():
            _parser().error(f"--bind takes VAR=VALUE (e.g. --bind tumor=skg:Ependymoma), not {b!r}")
        bindings[name.strip()] = value   # a term, never text: see spineKG.query.named.binding_terms
    rows = kg.sparql(text, **bindings)
    if args.format == "json":
        print(json.dumps(rows.to_dicts(), indent=2, ensure_ascii=False, default=str))
        return 0
    if args.format in ("csv", "tsv"):
        import csv

        cells = [[("" if c is None else str(c)) for c in row] for row in rows]
        w = csv.writer(sys.stdout, delimiter="," if args.format == "csv" else "\t", lineterminator="\n")
        w.writerow(rows.vars)
        w.writerows(cells)
        return 0
    print(rows)
    return 0


# subcommand -> the function that runs it; those in _NO_GRAPH do not load the knowledge graph first
COMMANDS: dict[str, Callable[..., int]] = {
    "ask": _ask, "triage": _triage, "lookup": _lookup, "sparql": _sparql, "score": _score, "viz": _viz,
    "serve": _serve, "upload": _upload, "generate-cohort": _generate_cohort, "export": _export, "mcp": _mcp,
    "completion": _completion, "build": _build,
}
_NO_GRAPH = {"_build", "_serve", "_upload", "_score", "_completion", "_mcp"}


if __name__ == "__main__":
    sys.exit(main())
