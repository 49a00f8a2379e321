"""Blind triage vignette sets as regression tests: no vignette below its minimum safe tier except the known gaps.

Each set in ``tests/data/blind/triage-*.yaml`` was written blind from the guidelines (its header says by whom and
how, and its first-run score). A vignette whose tier comes out below its ``min_safe_tier`` fails, unless it is a
known gap (``xfail(strict=True)``: fixed, it fails until taken off the list). Over-triage of the benign cases has
a ceiling per set.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import spineKG
from tests.scoring import TIERS

DATA = Path(__file__).parent / "data" / "blind"
# the day each set was written: "since October", "last Tuesday" and dates of birth count from it
WRITTEN = {"triage-9": date(2026, 12, 4), "triage-10": date(2026, 12, 4), "triage-11": date(2026, 12, 7),
           "triage-12": date(2026, 12, 4), "triage-13": date(2026, 12, 4), "triage-14": date(2026, 12, 4),
           "triage-15": date(2026, 12, 4)}
WRITTEN_BEFORE = date(2026, 12, 3)   # sets 1-8
SETS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["vignettes"] for p in sorted(DATA.glob("triage-*.yaml"))}
SET_OF = {v["id"]: name for name, vs in SETS.items() for v in vs}
# below the minimum safe tier when last measured (2026-12-04), each with why (strict: a fixed one fails until removed)
KNOWN_GAPS: dict[str, str] = {
    # sets 1-12: none open. Sets 13 and 14: below the safe tier at their first runs, analysed; those left open are
    # listed with why

    "t13p-027": "set 13: an age told as 'born the year Kennedy was shot' is not read",
    "t14p-043": "set 14: an age told as 'born the summer England won the World Cup' is not read",
    "t13p-035": "set 13: a duration told from a trip ('about halfway through' a cruise, 'got back on the 14th of November') is read from "
                "the return, under two weeks",
    # set 15, the last untuned set (the figure of record): below the safe tier at its first run; not fixed (fixing them
    # would leave no untuned set to measure the fix)
    "t15p-006": "set 15: injecting told as 'been on the needle on and off' is not read",
    "t15p-007": "set 15: unplanned weight loss told as 'my jeans are falling off me and I haven't been dieting' is not read",
    "t15p-008": "set 15: thin bones told as a bone scan that said 'thin' after an early menopause, with a pop lifting at 71, is not read "
                "as osteoporosis",
    "t15p-011": "set 15: a motorbike crash 'at about 50' (no 'doing', no mph) with tingling hands is not read as a dangerous mechanism",
    "t15p-047": "set 15: a thyroid cancer told as 'drank the radioactive drink for my thyroid' and thyroxine since is not read as a "
                "cancer history",
    "t15p-065": "set 15: type 1 diabetes out of control with 'hot n cold' spells and a tender spot on the spine is not read as a risk of "
                "infection",
    "t15p-074": "set 15: retention told as 'want make water but nothing come, only little drops, belly is full and hard' is not read",
    "t15p-077": "set 15: a sensory level told as 'a line round my ribs like a belt, below it my skin feels wrapped in cling film' is not "
                "read",
    "t15c-131": "set 15: fracture risk by early menopause, BMI 17 and a previous wrist fracture, with sudden mid-back pain and 'I feel "
                "shorter', has no rule",
}
# share of benign cases over-triaged, when last measured + margin
BENIGN_CEILING = {"triage-1": 0.10, "triage-2": 0.19, "triage-3": 0.18, "triage-4": 0.22, "triage-5": 0.44, "triage-6": 0.30,
                  "triage-7": 0.32, "triage-8": 0.50, "triage-9": 0.55, "triage-10": 0.80, "triage-11": 0.60, "triage-12": 0.60,
                  "triage-13": 0.60, "triage-14": 0.60, "triage-15": 0.40}


@pytest.fixture(scope="module")
def kg() -> spineKG.KnowledgeGraph:
    return spineKG.load()


CASES = [pytest.param(v, id=v["id"], marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[v["id"]])]
                      if v["id"] in KNOWN_GAPS else []) for vs in SETS.values() for v in vs]


@pytest.mark.parametrize("vignette", CASES)
def test_vignette_gets_at_least_its_minimum_safe_tier(kg: spineKG.KnowledgeGraph, vignette: dict[str, Any]) -> None:
    got = kg.triage_text(vignette["text"], today=WRITTEN.get(SET_OF[vignette["id"]], WRITTEN_BEFORE)).tier.key
    assert TIERS.index(got) >= TIERS.index(vignette["min_safe_tier"]), (vignette["text"], got)


@pytest.mark.parametrize("name", sorted(BENIGN_CEILING))
def test_benign_cases_are_seldom_over_triaged(kg: spineKG.KnowledgeGraph, name: str) -> None:
    benign = [v for v in SETS[name] if v.get("benign")]
    over = [v["id"] for v in benign
            if TIERS.index(kg.triage_text(v["text"], today=WRITTEN.get(name, WRITTEN_BEFORE)).tier.key)
            > TIERS.index(v.get("expected_tier") or v["min_safe_tier"])]
    print(f"{name}: {len(over)}/{len(benign)} benign cases over-triaged")
    assert len(over) / len(benign) <= BENIGN_CEILING[name], over
