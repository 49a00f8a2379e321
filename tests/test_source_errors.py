"""A bad ontology source file is reported with its file and line."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spineKG.builder.source import SOURCE_DIR, SourceError, load_source


@pytest.fixture()
def src_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "src"
    shutil.copytree(SOURCE_DIR, dst)
    return dst


def test_unknown_entity_in_an_assertion_names_file_line_and_suggestion(src_copy: Path) -> None:
    path = src_copy / "assertions.yaml"
    lines = path.read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("- {s: SpinalTumor, p: locatedIn, o: LumbarSpine"))
    lines[n] = lines[n].replace("o: LumbarSpine", "o: LumbarSpin")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceError) as err:
        load_source(src_copy)
    assert err.value.path.endswith("assertions.yaml")
    assert err.value.line == n + 1
    assert "LumbarSpine" in str(err.value)   # the suggestion


def test_yaml_syntax_error_names_the_line(src_copy: Path) -> None:
    path = src_copy / "tumors.yaml"
    text = path.read_text().splitlines()
    text.insert(10, "- id: [unclosed")
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(SourceError) as err:
        load_source(src_copy)
    assert err.value.path.endswith("tumors.yaml") and err.value.line is not None


def test_duplicate_label_is_rejected(src_copy: Path) -> None:
    path = src_copy / "findings.yaml"
    path.write_text(path.read_text().replace("label: deep ache", "label: night pain"))
    with pytest.raises(SourceError, match="already used"):
        load_source(src_copy)


def test_missing_definition_is_rejected(src_copy: Path) -> None:
    path = src_copy / "care.yaml"
    text = path.read_text()
    start = text.index("- id: Palpation")
    block_end = text.index("\n- id:", start + 1)
    block = "\n".join(line for line in text[start:block_end].splitlines() if not line.strip().startswith("definition:"))
    path.write_text(text[:start] + block + text[block_end:])
    with pytest.raises(SourceError, match="definition") as err:
        load_source(src_copy)
    assert err.value.line is not None


def test_build_cli_reports_a_bad_file_without_traceback(src_copy: Path, tmp_path: Path) -> None:
    path = src_copy / "assertions.yaml"
    path.write_text(path.read_text().replace("src: art-pain-cause}", "src: art-pain-causes}", 1))
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "build", "--source", str(src_copy),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert out.returncode == 2
    assert "assertions.yaml:" in out.stderr and "art-pain-cause" in out.stderr
    assert "Traceback" not in out.stderr


# ---------------------------------------------------------------- RDF data files added to the store
def test_bad_data_file_names_file_and_line_even_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spineKG.store.embedded
    from spineKG.errors import DataError
    from spineKG.store import EmbeddedStore

    good = "<https://example.org/p/{n}> <https://example.org/age> \"{n}\" .\n"
    path = tmp_path / "patients.nt"
    path.write_text("".join(good.format(n=n) for n in range(40)) + "<https://example.org/p/x> <https://example.org/age> 41 .\n")
    store = EmbeddedStore()
    monkeypatch.setattr(spineKG.store.embedded, "_BLOCK", 100)   # many blocks: the line is counted over all of them
    with pytest.raises(DataError) as err:
        store.load(path)
    assert (err.value.path, err.value.line) == (str(path), 41)
    assert "object" in err.value.message


def test_bad_turtle_release_file_names_file_and_line(tmp_path: Path) -> None:
    from spineKG.errors import DataError
    from spineKG.store import EmbeddedStore

    path = tmp_path / "broken.ttl"
    path.write_text("@prefix s: <https://w3id.org/spinekg/> .\n\ns:A s:b s:C .\ns:A s:b \"unterminated .\n")
    with pytest.raises(DataError) as err:
        EmbeddedStore([path])
    assert err.value.line == 4 and str(err.value).startswith(f"{path}:4: ")


def test_sparql_cli_with_a_bad_data_file_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.nt"
    path.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\nnot rdf\n")
    for data, expect in ((path, f"{path}:2:"), (tmp_path / "missing.nt", "not found"), (tmp_path / "x.csv", "unknown RDF format")):
        out = subprocess.run([sys.executable, "-m", "spineKG.cli", "sparql", "ASK {}", "--data", str(data)],
                             capture_output=True, text=True)
        assert out.returncode == 2 and expect in out.stderr and "Traceback" not in out.stderr
