"""The synthetic cohort: linked to the ontology, with the graph's proportions, and queryable."""
from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import spineKG
from spineKG.cohort import COHORT, tumor_mix, write


def test_cohort_is_linked_and_proportioned(kg: spineKG.KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "c.nt"
    triples = write(kg, 3000, path, progress=False)
    assert triples > 3000 * 8
    lines = path.read_text().splitlines()
    tumors = collections.Counter(line.split()[2] for line in lines if f"<{COHORT}hasTumor>" in line)
    metastatic = sum(c for t, c in tumors.items() if kg.index.is_a(t.strip("<>"), str(spineKG.vocab.SKG.SecondarySpinalTumor)))
    assert 0.5 < metastatic / 3000 < 0.7          # metastases are the most common type
    assert all(t.strip("<>") in kg.index.entities for t in tumors)
    assert abs(sum(w for _, w in tumor_mix(kg)) - 1.0) < 1e-9
    store = spineKG.EmbeddedStore()
    store.load(path)
    rows = store.select(f"""PREFIX c: <{COHORT}>
        SELECT ?r (COUNT(?p) AS ?n) WHERE {{ ?p c:hasTumor ?t ; c:region ?r . ?t rdfs:subClassOf skg:SecondarySpinalTumor }}
        GROUP BY ?r ORDER BY DESC(?n)""")
    assert str(rows[0][0]).endswith("ThoracicSpine")   # 70 % of spinal tumors are thoracic


def test_generate_cohort_cli(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "generate-cohort", "50", "-o", str(tmp_path / "c.nt")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "50 patients" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "spineKG.cli", "generate-cohort", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "positive" in bad.stderr


def test_cohort_queried_with_the_release_through_load_and_the_cli(kg: spineKG.KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "c.nt"
    write(kg, 500, path, progress=False)
    with_cohort = spineKG.load(path)
    rows = with_cohort.sparql(f"""PREFIX c: <{COHORT}>
        SELECT (COUNT(?p) AS ?n) WHERE {{ ?p c:hasTumor ?t . ?t rdfs:subClassOf skg:SecondarySpinalTumor }}""")
    assert 200 < int(rows[0][0]) < 400
    assert with_cohort.lookup("epidural").label == "extradural"   # the ontology is all there too
    out = subprocess.run([sys.executable, "-m", "spineKG.cli", "sparql", "--format", "csv", "--data", str(path),
                          f"PREFIX c: <{COHORT}> SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a c:Patient }}"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["n", "500"]


def test_on_disk_store_keeps_data_and_is_reopened_without_reloading(kg: spineKG.KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "c.nt"
    write(kg, 200, path, progress=False)
    first = spineKG.load(path, directory=tmp_path / "db")
    count = f"PREFIX c: <{COHORT}> SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}"
    n = int(first.sparql(count)[0][0])
    del first
    import gc

    gc.collect()   # RocksDB allows one writer: the first store must be closed
    again = spineKG.load(directory=tmp_path / "db")
    assert int(again.sparql(count)[0][0]) == n          # the cohort is still there
    assert [r.label for r in again.tumors(compartment="intramedullary", rank="most_common")] == ["astrocytoma", "ependymoma"]
