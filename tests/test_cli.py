"""The command line as a user meets it: --version, completion, score options from the graph, lookups by
several names and codes, option values checked with a did-you-mean."""
from __future__ import annotations

import json
import subprocess
import sys

import spineKG


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spineKG.cli", *args], capture_output=True, text=True)


def test_version() -> None:
    out = cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"spinekg {spineKG.__version__}"


def test_completion_scripts_name_the_commands() -> None:
    bash = cli("completion", "bash")
    assert bash.returncode == 0
    for word in ("spinekg", "lookup", "sparql", "export", "--format", "gexf"):
        assert word in bash.stdout
    # the script works in bash: sourcing it registers a completion function for spinekg
    check = subprocess.run(["bash", "-c", 'eval "$1"; complete -p spinekg', "_", bash.stdout], capture_output=True, text=True)
    assert check.returncode == 0 and "spinekg" in check.stdout
    assert cli("completion", "zsh").stdout.startswith("#compdef spinekg")


def test_score_help_lists_each_component_and_its_options() -> None:
    out = cli("score", "sins", "--help")
    assert out.returncode == 0
    for flag in ("--location", "--pain", "--bone-lesion", "--alignment", "--collapse", "--posterolateral"):
        assert flag in out.stdout
    assert "junctional" in out.stdout and "lytic = lytic (2)" in out.stdout and "Fisher" in out.stdout
    noms = cli("score", "noms", "--help")
    assert "--escc {0,1a,1b,1c,2,3}" in noms.stdout and "radioresistant" in noms.stdout


def test_score_mistakes_use_the_cli_names() -> None:
    missing = cli("score", "sins", "--location", "junctional", "--pain", "mechanical")
    assert missing.returncode == 2 and "--bone-lesion" in missing.stderr and "bone_lesion" not in missing.stderr
    typo = cli("score", "tomita", "--primary-growth", "slow", "--visceral-mets", "none", "--bone-mets", "solitry")
    assert typo.returncode == 2 and "did you mean: solitary?" in typo.stderr
    assert cli("score", "sinz").returncode == 2 and "did you mean: sins?" in cli("score", "sinz").stderr
    ok = cli("score", "noms", "--escc", "2", "--radiosensitivity", "radioresistant", "--sins", "14", "--json")
    assert ok.returncode == 0 and "surgical stabilization" in json.loads(ok.stdout)["recommendations"]


def test_option_values_outside_their_choices_get_a_suggestion() -> None:
    out = cli("triage", "--cancer-history", "previus")
    assert out.returncode == 2 and "did you mean: previous?" in out.stderr
    out = cli("sparql", "--format", "tabel", "triage_rules")
    assert out.returncode == 2 and "did you mean: table?" in out.stderr
    out = cli("expotr", "--format", "owl")
    assert out.returncode == 2 and "did you mean: export?" in out.stderr


def test_lookup_takes_several_names_and_codes() -> None:
    out = cli("lookup", "MONDO:0003174", "ependymoma")
    assert out.returncode == 0
    heads = [line for line in out.stdout.splitlines() if line and not line.startswith(" ")]
    assert heads == ["astrocytoma  [tumor; skg:Astrocytoma]", "ependymoma  [tumor; skg:Ependymoma]"]
    shared = cli("lookup", "ICD10CM:D36.10")     # a code two entities share: both are shown
    assert "neurofibroma  [" in shared.stdout and "schwannoma  [" in shared.stdout
    joined = cli("lookup", "lower", "back")
    assert joined.returncode == 2 and "spinekg lookup 'lower back'" in joined.stderr


def test_lookup_json_has_the_source() -> None:
    one = json.loads(cli("lookup", "--json", "epidural").stdout)
    assert one["label"] == "extradural" and one["source"]["title"].startswith("Spine Tumors")
    two = json.loads(cli("lookup", "--json", "ependymoma", "MONDO:0003174").stdout)
    assert [d["label"] for d in two] == ["ependymoma", "astrocytoma"] and all(d["source"]["iri"] for d in two)


def test_python_lookup_by_code(kg: spineKG.KnowledgeGraph) -> None:
    assert kg.lookup("mondo:0003174").label == "astrocytoma"
    try:
        kg.lookup("ICD10CM:D36.10")
    except spineKG.UnknownTermError as err:
        assert "neurofibroma" in str(err) and "schwannoma" in str(err)
    else:
        raise AssertionError("a shared code must not silently pick one entity")


def test_build_without_a_source_says_so(tmp_path) -> None:   # type: ignore[no-untyped-def]
    out = cli("build", "--source", str(tmp_path), "--out", str(tmp_path / "out"))
    assert out.returncode == 2 and "needs a source checkout" in out.stderr and "Traceback" not in out.stderr


def test_triage_reads_a_story_and_shows_its_reading() -> None:
    out = cli("triage", "--today", "2026-12-03",
              "58 yo, had breast cancer in 2019, back pain for 3 weeks, no fever, no numbness")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("SAME-DAY MEDICAL ASSESSMENT")
    assert 'cancer history ("breast cancer")' in out.stdout and "not a medical device" in out.stdout
    assert "negated" in out.stdout and "fever" in out.stdout
    saddle = cli("triage", "--json", "cant feel the toilet paper when i wipe and my back is agony")
    assert saddle.returncode == 0 and json.loads(saddle.stdout)["tier"] == "emergency"


def test_triage_story_and_options_together_is_a_clear_error() -> None:
    out = cli("triage", "back ache since Monday", "--age", "40")
    assert out.returncode == 2 and "either a story or options" in out.stderr and "Traceback" not in out.stderr
    bad = cli("triage", "--today", "yesterday", "back ache")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
