"""A synthetic patient cohort linked to the ontology, for scale tests and benchmarks.

Each patient gets an age, a tumor type, a region and a compartment, findings, diagnostics, treatments
and an outcome, about ten triples in all. Proportions come from the graph where it has them: regions
by the shares of spinal tumors (thoracic 70 %, lumbar 20 %, cervical 10 %), a tumor type's typical
compartment and region, findings by how typical each is of the tumor (always, usually, may), treatments
stated for the tumor or its superclasses. Where the graph has no number, the generator assumes one and
says so here: metastatic tumors are 60 % of cases ("the most common type"), the other tumor types share
the rest equally; a hedged finding is present with probability 0.7 (usually) or 0.25 (may).
It is synthetic data for testing software, not epidemiology.

    spinekg generate-cohort 100000 -o cohort.nt
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .query import Engine, HasEngine, engine_of
from .terms import COHORT_SHARE
from .vocab import SKG

COHORT = "https://w3id.org/spinekg/cohort/"
P_TYPICAL = COHORT_SHARE


class _Profile:
    """What the graph says about one tumor type, ready for sampling."""

    def __init__(self, engine: Engine, iri: str) -> None:
        rows = engine.store.select(f"""
            SELECT ?p ?o ?typ ?share WHERE {{ ?ax owl:annotatedSource <{iri}> ; owl:annotatedProperty ?p ;
              owl:annotatedTarget ?o ; skg:typicality ?typ ; skg:derivation ?how . FILTER(isIRI(?ax) && ?how != "generalised")
              OPTIONAL {{ ?ax skg:share ?share }} }}""")
        regions = [str(SKG.CervicalSpine), str(SKG.ThoracicSpine), str(SKG.LumbarSpine), str(SKG.SacralSpine)]
        comps = [str(SKG.Extradural), str(SKG.IntraduralExtramedullary), str(SKG.Intramedullary)]
        self.regions: list[tuple[str, float]] = []
        self.compartments: list[tuple[str, float]] = []
        self.findings: list[tuple[str, float]] = []
        self.treatments: list[tuple[str, float]] = []
        loc, cause, treat = (engine.index.strict_to_weak[str(SKG[p])] for p in ("locatedIn", "causes", "treats"))
        for p, o, typ, share in rows:
            p, o, w = str(p), str(o), P_TYPICAL.get(str(typ), 0.25)
            if p == loc and o in regions:
                self.regions.append((o, float(share) / 100 if share is not None else w))
            elif p == loc and o in comps:
                self.compartments.append((o, w))
            elif p == cause and engine.index.is_a(o, str(SKG.ClinicalFinding)) and o in engine.index.entities:
                self.findings.append((o, w))
        for tr, typ in engine.store.select(f"""
            SELECT ?tr ?typ WHERE {{ <{iri}> rdfs:subClassOf* ?t . ?ax owl:annotatedSource ?tr ;
              owl:annotatedProperty <{treat}> ; owl:annotatedTarget ?t ; skg:typicality ?typ . FILTER(isIRI(?ax)) }}"""):
            self.treatments.append((str(tr), P_TYPICAL.get(str(typ), 0.25)))
        if not self.regions:   # the population shares of all spinal tumors
            self.regions = [(str(SKG.ThoracicSpine), 0.7), (str(SKG.LumbarSpine), 0.2), (str(SKG.CervicalSpine), 0.1)]
        if not self.compartments:
            self.compartments = [(str(SKG.Extradural), 1.0)]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    items, weights = zip(*weighted)
    return str(rng.choices(items, weights=weights)[0])


def tumor_mix(kg: Engine | HasEngine) -> list[tuple[str, float]]:
    """Named tumor types (leaves of the hierarchy) and their assumed shares."""
    index = engine_of(kg).index
    tumors = [i for i, e in index.entities.items() if "tumor" in e.kinds and not any(
        i in index.parents.get(x, ()) for x in index.entities)]
    metastatic = [t for t in tumors if index.is_a(t, str(SKG.SecondarySpinalTumor))]
    primary = [t for t in tumors if t not in metastatic]
    return [(t, 0.6 / len(metastatic)) for t in metastatic] + [(t, 0.4 / len(primary)) for t in primary]


def patients(kg: Engine | HasEngine, n: int, seed: int = 1) -> Iterator[str]:
    """N-Triples lines for n synthetic patients."""
    engine = engine_of(kg)
    rng = random.Random(seed)
    mix = tumor_mix(engine)
    profiles = {t: _Profile(engine, t) for t, _ in mix}
    diagnostics = [str(SKG[x]) for x in ("MRI", "CTScan", "PercutaneousNeedleBiopsy", "BloodTest", "PETScan", "BoneScan")]
    outcomes = ["improved", "stable", "worse", "died"]
    a, has = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", COHORT
    for i in range(n):
        p = f"<{COHORT}patient/{i}>"
        tumor = _pick(rng, mix)
        prof = profiles[tumor]
        age = rng.randint(10, 40) if not engine.index.is_a(tumor, str(SKG.SecondarySpinalTumor)) and rng.random() < 0.5 \
            else rng.randint(35, 90)
        yield f"{p} {a} <{COHORT}Patient> ."
        yield f'{p} <{has}age> "{age}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
        yield f"{p} <{has}hasTumor> <{tumor}> ."
        yield f"{p} <{has}region> <{_pick(rng, prof.regions)}> ."
        yield f"{p} <{has}compartment> <{_pick(rng, prof.compartments)}> ."
        for f, w in prof.findings:
            if rng.random() < w * 0.5:
                yield f"{p} <{has}hasFinding> <{f}> ."
        yield f"{p} <{has}hadDiagnostic> <{rng.choice(diagnostics)}> ."
        if prof.treatments:
            yield f"{p} <{has}receivedTreatment> <{_pick(rng, prof.treatments)}> ."
        yield f'{p} <{has}outcome> "{rng.choice(outcomes)}" .'


def write(kg: Engine | HasEngine, n: int, path: str | Path, seed: int = 1, progress: bool = True) -> int:
    """Write n patients as N-Triples, atomically (:func:`spineKG.files.atomic_write`: a killed or failed run
    leaves the old file as it was, never a part of a cohort); returns the number of triples."""
    from tqdm import tqdm

    from .files import atomic_write

    count = 0

    def lines(fh: IO[str]) -> None:
        nonlocal count
        with tqdm(total=n, unit="patient", disable=not progress, desc="generating") as bar:
            last = None
            for line in patients(kg, n, seed):
                fh.write(line + "\n")
                count += 1
                subject = line.split(" ", 1)[0]
                if subject != last:
                    bar.update(1 if last is not None else 0)
                    last = subject
            bar.update(1)

    atomic_write(path, lines)
    return count
