"""Loading data files: entity-expansion limits, a line in every parse error, a warning for empty files, and no
network fetch for remote JSON-LD contexts."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from spineKG.errors import DataError
from spineKG.store import EmbeddedStore, release_paths

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
""" + "".join(f' <!ENTITY {c} "{("&" + p + ";") * 10}">\n' for p, c in zip("abcdefgh", "bcdefghi")) + """]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/x"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore()


def test_a_billion_laughs_is_a_data_error_not_an_abort(tmp_path: Path) -> None:
    """958 bytes made Oxigraph allocate 3 GB and abort (rc -6); it is refused before Oxigraph reads it. In a
    subprocess with a 2 GB address-space cap, so a regression kills that process, not the test run."""
    f = tmp_path / "laughs.rdf"
    f.write_text(LAUGHS)
    assert len(LAUGHS) < 1024
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))\n"
            "from spineKG.errors import DataError\nfrom spineKG.store import EmbeddedStore\n"
            "try:\n    EmbeddedStore().load(sys.argv[1])\nexcept DataError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "expands past 10,000 characters" in out.stdout and "laughs.rdf:6:" in out.stdout


def test_external_and_parameter_entities_are_refused(tmp_path: Path, store: EmbeddedStore) -> None:
    for decl in ('<!ENTITY x SYSTEM "file:///etc/passwd">', '<!ENTITY % p "x">', '<!ENTITY a "&b;"> <!ENTITY b "&a;">'):
        f = tmp_path / "x.rdf"
        f.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {decl} ]>\n'
                     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
        with pytest.raises(DataError, match=r"x\.rdf:2: ") as err:
            store.load(f)
        assert "passwd" not in str(err.value) or "external" in str(err.value)


def test_flat_entities_as_protege_writes_them_still_load(tmp_path: Path) -> None:
    f = tmp_path / "protege.owl"
    f.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY ex "http://example.org/" >\n]>\n'
                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
                 ' <rdf:Description rdf:about="&ex;a"><ex:p rdf:resource="&ex;b"/></rdf:Description>\n</rdf:RDF>\n')
    s = EmbeddedStore()
    before = len(s.select("SELECT * WHERE { ?s ?p ?o }"))
    s.load(f)
    assert s.select("SELECT ?o WHERE { <http://example.org/a> ?p ?o }") == [("http://example.org/b",)]
    assert len(s.select("SELECT * WHERE { ?s ?p ?o }")) == before + 1


@pytest.mark.parametrize("name,text,line", [
    ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
                ' <rdf:Description rdf:about="http://x/a">\n  <rdf:foo>\n</rdf:RDF>\n', 5),
    ("bad.jsonld", '{"@context": {"ex": "http://example.org/"},\n "@id": "ex:a", "ex:p": {"@id": "ex:b"}, }', 2),
    ("bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", 3),
    ("bad.nt", "<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> .\n", 2),
])
def test_every_parse_error_has_a_line(tmp_path: Path, store: EmbeddedStore, name: str, text: str, line: int) -> None:
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(DataError) as err:
        store.load(f)
    assert err.value.line == line, str(err.value)


def test_a_remote_json_ld_context_is_not_fetched(tmp_path: Path, store: EmbeddedStore) -> None:
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(5)
    hits: list[object] = []
    threading.Thread(target=lambda: hits.append(sink.accept()), daemon=True).start()
    f = tmp_path / "remote.jsonld"
    f.write_text('{\n "@context": "http://127.0.0.1:%d/context.jsonld",\n "@id": "http://x/a", "p": "v"\n}\n' % sink.getsockname()[1])
    with pytest.raises(DataError, match="remote JSON-LD @context is not fetched") as err:
        store.load(f)
    time.sleep(0.2)
    assert err.value.line == 2 and hits == []
    sink.close()


def test_an_empty_file_warns_and_a_folder_is_an_error(tmp_path: Path, store: EmbeddedStore) -> None:
    empty = tmp_path / "cohort.nt"
    empty.write_bytes(b"")
    with pytest.warns(UserWarning, match="empty .0 bytes.: nothing was loaded"):
        store.load(empty)
    folder = tmp_path / "some-dir.ttl"
    folder.mkdir()
    with pytest.raises(DataError, match="a folder"):
        store.load(folder)
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "sparql", "ASK {}", "--data", str(empty)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "is empty" in out.stderr


def test_the_release_still_loads() -> None:
    assert all(p.stat().st_size > 0 for p in release_paths())
    assert len(EmbeddedStore().select("SELECT ?s WHERE { ?s a owl:Ontology }")) == 1
