"""Every error spineKG raises for a user's mistake, under one base class, and the one ``suggest()``.

Catch :class:`SpineKGError` to handle any of them; each message says what was wrong and what to do.
The command line turns any of them into a message and exit status 2.

>>> from spineKG.errors import SpineKGError, UnknownTermError, suggest
>>> issubclass(UnknownTermError, SpineKGError)
True
>>> suggest("cervicl", ["cervical spine", "thoracic spine", "cerebrospinal fluid"])
['cervical spine']
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AmbiguousTermError", "BudgetError", "DataError", "ExportFormatError", "InvalidOptionError",
    "MissingDependencyError", "QueryRefusedError", "QuestionError", "ReasonerError", "ScoreInputError", "SourceError",
    "SparqlError", "SpineKGError", "TriageInputError", "UnknownTermError", "UploadError", "WriteError", "suggest",
]


def suggest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 75.0) -> list[str]:
    """The closest of ``choices`` to a misspelt ``word``, best first (rapidfuzz's weighted ratio, 0-100).

    >>> suggest("mielopathy", ["myelopathy", "radiculopathy", "meningioma"])
    ['myelopathy']
    """
    from rapidfuzz import fuzz, process, utils

    pool = list(dict.fromkeys(choices))
    found = process.extract(word, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=max(n * 3, n),
                            score_cutoff=cutoff)
    # ties in the weighted ratio (a short word inside long names) go to the closer plain ratio
    found.sort(key=lambda m: (-m[1], -fuzz.ratio(utils.default_process(word), utils.default_process(m[0]))))
    return [m[0] for m in found[:n]]


class SpineKGError(Exception):
    """The base of every error spineKG raises for input it cannot use.

    >>> import spineKG
    >>> try:
    ...     spineKG.load().lookup("cervicl")
    ... except SpineKGError as err:
    ...     print(type(err).__name__, "-", err)
    UnknownTermError - unknown term 'cervicl'; did you mean: cervical spine, neck pain?
    """


class UnknownTermError(SpineKGError, LookupError):
    """A name that matches no entity; ``suggestions`` holds the closest labels.

    >>> str(UnknownTermError("cervicl", ["cervical spine"]))
    "unknown term 'cervicl'; did you mean: cervical spine?"
    """

    def __init__(self, term: str, suggestions: Sequence[str] = (), kind: str | None = None) -> None:
        self.term, self.suggestions, self.kind = term, list(suggestions), kind
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind or 'term'} {term!r}{hint}")


class AmbiguousTermError(UnknownTermError):
    """A name or code that several entities share; ``suggestions`` holds their labels.

    >>> str(AmbiguousTermError("ICD10CM:D36.10", ["neurofibroma", "schwannoma"]))
    "'ICD10CM:D36.10' names several entities: neurofibroma, schwannoma; give one of their names"
    """

    def __init__(self, term: str, suggestions: Sequence[str] = (), kind: str | None = None) -> None:
        super().__init__(term, suggestions, kind)
        self.args = (f"{term!r} names several entities: {', '.join(self.suggestions)}; give one of their names",)


class QuestionError(SpineKGError, ValueError):
    """A question spineKG will not answer: it could not read it, or it is not about what the graph holds.

    ``suggestions`` are the closest questions it can answer ("did you mean ..."), best first.

    >>> str(QuestionError("I can't answer that.", ["which tumors cause myelopathy?"]))
    "I can't answer that. Did you mean: which tumors cause myelopathy?"
    """

    def __init__(self, reason: str, suggestions: Sequence[str] = (), unknown: Sequence[str] = ()) -> None:
        self.reason, self.suggestions, self.unknown = reason, list(suggestions), list(unknown)
        hint = " Did you mean: " + " | ".join(self.suggestions) if self.suggestions else ""
        super().__init__(reason + hint)


class SparqlError(SpineKGError, ValueError):
    """A query the SPARQL parser or engine rejected, with its message and position when known.

    >>> str(SparqlError("expected '}'", 2, 7))
    "SPARQL error at line 2, column 7: expected '}'"
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None, query: str = "") -> None:
        self.message, self.line, self.column, self.query = message, line, column, query
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"SPARQL error{where}: {message}")


class QueryRefusedError(SparqlError):
    """A query spineKG will not run: an update, a federated ``SERVICE``, or one past a size or nesting bound.

    ``reason`` says which: ``update``, ``service``, ``too-large``, ``too-deep``, ``too-complex`` or ``unchecked``
    (one the checking parser could not read).

    >>> err = QueryRefusedError("SPARQL Update is refused", 1, 1, reason="update")
    >>> isinstance(err, SparqlError), err.reason
    (True, 'update')
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None, query: str = "", *,
                 reason: str = "refused") -> None:
        super().__init__(message, line, column, query)
        self.reason = reason


class DataError(SpineKGError, ValueError):
    """An RDF file that could not be loaded, with the file and line of the mistake.

    >>> str(DataError("cohort.nt", 12, "expected '.'"))
    "cohort.nt:12: expected '.'"
    """

    def __init__(self, path: object, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class SourceError(SpineKGError, ValueError):
    """A problem in the ontology source (``ontology/src``), with the file and line where it is.

    >>> str(SourceError("tumors.yaml", 3, "unknown parent 'SpinalTumour'"))
    "tumors.yaml:3: unknown parent 'SpinalTumour'"
    """

    def __init__(self, path: object, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class ReasonerError(SpineKGError, RuntimeError):
    """The reasoner found the ontology inconsistent, or classes unsatisfiable.

    >>> issubclass(ReasonerError, SpineKGError), issubclass(ReasonerError, RuntimeError)
    (True, True)
    """


class ScoreInputError(SpineKGError, ValueError):
    """Inputs an instrument cannot score (an unknown or missing component or option).

    >>> from spineKG.scores import tomita
    >>> try:
    ...     tomita(primary_growth="fast", visceral_mets="none", bone_mets="solitary")
    ... except ScoreInputError as err:
    ...     print(err)
    Tomita score: 'fast' is not a valid primary_growth; use one of: slow, moderate, rapid
    """


class InvalidOptionError(ScoreInputError):
    """An option (or component) that the instrument does not have; the message lists the valid ones.

    >>> from spineKG.scores import tomita
    >>> try:
    ...     tomita(primary_growth="slow", visceral_mets="none", bone_mets="isolated")
    ... except InvalidOptionError as exc:
    ...     print(exc)
    ...     print(exc.component, exc.valid)
    Tomita score: 'isolated' is not a valid bone_mets; use one of: solitary, multiple
    bone_mets ['solitary', 'multiple']
    """

    def __init__(self, instrument: str, component: str, value: Any, valid: list[str]) -> None:
        self.instrument, self.component, self.value, self.valid = instrument, component, value, valid
        super().__init__(f"{instrument}: {value!r} is not a valid {component}; use one of: {', '.join(valid)}")


class ExportFormatError(SpineKGError, ValueError):
    """A format spineKG does not export; the message lists those it does.

    >>> from spineKG import load
    >>> try:
    ...     load().export("pdf")
    ... except ExportFormatError as exc:
    ...     print(type(exc).__name__, isinstance(exc, ValueError))
    ExportFormatError True
    """


class TriageInputError(SpineKGError, ValueError):
    """Triage inputs that are not a valid description of a patient (an age of -5, an unknown option).

    >>> import spineKG
    >>> spineKG.load().triage(age=-5)
    Traceback (most recent call last):
    ...
    spineKG.errors.TriageInputError: age must be a whole number of years from 0 to 120, not -5
    """


class UploadError(SpineKGError, RuntimeError):
    """The triple store refused an upload, or it could not be reached; the message says how much landed.

    >>> from spineKG.upload import upload
    >>> upload("localhost:7878/store")    # the URL lacks its http://
    Traceback (most recent call last):
    ...
    spineKG.errors.UploadError: cannot reach localhost:7878/store?default: unknown url type: localhost; nothing was sent
    """


class WriteError(SpineKGError, OSError):
    """A file that could not be written (a full disk, a missing folder, no permission, a check that failed);
    the old file, if any, is unchanged (see :mod:`spineKG.files`).

    >>> str(WriteError("cohort.nt", "No space left on device"))
    'could not write cohort.nt: No space left on device; the old file is unchanged'
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"could not write {path}: {reason}; the old file is unchanged")


class BudgetError(SpineKGError, TimeoutError):
    """A question or query that would take longer than its time budget; it was stopped.

    >>> import spineKG
    >>> try:
    ...     spineKG.load().tumors(causes=["myelopathy"] * 201)
    ... except TimeoutError as err:
    ...     print(type(err).__name__, "-", str(err).split(" (")[0])
    BudgetError - a query of 201 constraints is over the limit of 200
    """


class MissingDependencyError(SpineKGError, ImportError):
    """An optional dependency a feature needs is not installed; the message names the extra to install.

    >>> str(MissingDependencyError("pyvis", "viz", "drawing"))
    "drawing needs pyvis, which is not installed: pip install 'spineKG[viz]'"
    """

    def __init__(self, module: str, extra: str, feature: str) -> None:
        self.module, self.extra, self.feature = module, extra, feature
        super().__init__(f"{feature} needs {module}, which is not installed: pip install 'spineKG[{extra}]'")
