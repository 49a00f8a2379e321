"""Reading a source YAML file with the line of every mapping, so that every error can name its file and line.

(Its own module, below :mod:`.source`, :mod:`.lexicon` and :mod:`.triage`, which all read YAML: source reads
the other two's files through them.)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError

__all__ = ["read_yaml"]


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the line of every mapping under the key ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:   # a key given twice would silently hide the first value
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"the key '{key}' is given twice", key_node.start_mark)
        seen.add(key)
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return {str(k): v for k, v in mapping.items()}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """The YAML file's content, each mapping with its line under ``__line__``; a SourceError names file and line.

    >>> from spineKG.builder.source import SOURCE_DIR
    >>> tumors = read_yaml(SOURCE_DIR / "tumors.yaml")
    >>> tumors[0]["id"], tumors[0]["__line__"]
    ('SpinalTumor', 6)
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     bad = Path(d) / "bad.yaml"
    ...     n = bad.write_text("id: A\\nlabel: a\\nid: B\\n")
    ...     try:
    ...         read_yaml(bad)
    ...     except SourceError as exc:
    ...         print(exc.line, exc.message)
    3 not valid YAML: the key 'id' is given twice
    """
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SourceError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}") from None
