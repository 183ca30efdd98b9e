"""Each study in ``experiments/`` reaches the verdict its full run reaches: the sign of its main
effect and which side of zero its 95% interval lies on, as the study's own ``verdict()`` reads
it. Slow: each runs the study at the smallest replication count whose verdict matched the full
design's on two disjoint seed sets (counts, verdicts and times in experiments/README.md)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_studies import STUDIES, _load

pytestmark = pytest.mark.slow

NUMBER = r"-?\d+\.?\d*"
ESTIMATE = re.compile(rf"^({NUMBER}) \[({NUMBER}), ({NUMBER})\]$")
# verdict() readings: expected=0 gives the sign, expected=+1 reads against the claim
SIDE = {
    "positive": +1,
    "negative": -1,
    "not distinguishable from zero": 0,
    "supports the claim": +1,
    "contradicts the claim": -1,
    "is inconclusive": 0,
}


def run_study(name: str, out, replications: int) -> pd.DataFrame:
    """The study's own main() at ``replications`` into ``out``; its effects table."""
    _load(name).main(["--jobs", "2", "--replications", str(replications), "--out", str(out)])
    return pd.read_csv(out / "effects.csv")


def assert_verdict(effects: pd.DataFrame, label: str, side: int, expected_for_claim: int):
    """The effect ``label`` reads as ``side`` (+1 above zero, -1 below, 0 an interval that
    includes zero); ``expected_for_claim`` says whether the study read it against a claim (+1)
    or only its sign (0), so the reading text is checked too."""
    row = effects[effects["effect"] == label]
    assert len(row) == 1, (label, list(effects["effect"]))
    text, reading = row["estimate [95% CI]"].iloc[0], row["reading"].iloc[0]
    m, lo, hi = map(float, ESTIMATE.match(text).groups())
    got = next(v for k, v in SIDE.items() if reading.startswith(k))
    assert got == side, f"{label}: {text} reads '{reading}', expected side {side}"
    if side:
        assert side * m > 0 and side * lo >= 0 and side * hi >= 0, (label, text)  # rounded
    else:
        assert lo <= 0 <= hi, (label, text)
    claim_words = ("claim", "inconclusive")
    assert any(w in reading for w in claim_words) == bool(expected_for_claim), reading


def test_every_study_has_a_verdict_test():
    tested = {n.removeprefix("test_").removesuffix("_verdict") for n in globals()}
    assert set(STUDIES) <= tested, set(STUDIES) - tested


@pytest.fixture(scope="module")
def clustering_processes(tmp_path_factory):
    """Full design's 40 replications: the engineered route's lead to maturity is a few tenths
    of a year, too small for fewer replications to keep its sign."""
    out = tmp_path_factory.mktemp("clustering_processes")
    return run_study("clustering_processes", out, 40), (out / "summary.md").read_text()


def test_clustering_processes_verdict(clustering_processes):
    """Organic clustering matures no sooner than none; who funds the initiative follows the
    presets, so it holds at any count."""
    effects, summary = clustering_processes
    assert_verdict(effects, "organic - none: years to maturity", 0, 0)
    assert "engineered initiative is more publicly funded" in summary


@pytest.mark.xfail(
    strict=True,
    reason="not reproduced since global pipelines are on by default (issue 13): engineered - "
    "none -0.65 [-1.52, 0.22] years over 40 replications; with pipelines off -0.49 [-0.90, "
    "-0.09] (docs/validation.md, Global pipelines on by default)",
)
def test_clustering_processes_engineered_route_matures_sooner(clustering_processes):
    effects, _ = clustering_processes
    assert_verdict(effects, "engineered - none: years to maturity", -1, 0)


def test_stage_targeting_verdict(tmp_path):
    """Full design's 30 replications: the broker started in year 1 adds more jobs ten years on
    than the same broker started in year 30. With 15 the verdict was lost on one of two other seed
    sets before owners took payouts, and on the test's own seeds after (31.3 [-40.0, 102.5])."""
    eff = run_study("stage_targeting", tmp_path, 30)
    assert_verdict(eff, "earliest (start 1) - latest (start 30)", +1, 0)


def test_packages_verdict(tmp_path):
    """Full design's 40 replications, and not stable there: the package is never more than the
    sum of its parts (the claim's synergy), but whether it is less while the support lasts
    depends on the seed set (seed 0: -24.2 [-58.2, 9.8], inconclusive; seed 1: -59.6 [-116.9,
    -2.4], against the claim), so at support end only the negative sign and the absence of
    support for the claim are asserted. At the run's end both seed sets read inconclusive.
    Each instrument alone adds jobs."""
    eff = run_study("packages", tmp_path, 40)
    row = eff.set_index("effect").loc["package - sum of singles (support end)"]
    assert float(row["estimate [95% CI]"].split()[0]) < 0 and "supports" not in row["reading"]
    assert_verdict(eff, "package - sum of singles (run end)", 0, +1)
    for factor in "BTD":
        assert_verdict(eff, f"main effect {factor} (support end)", +1, 0)


def test_fdi_training_verdict(tmp_path):
    """Full design's 40 replications (the interaction is ~3 standard errors there): FDI and
    training are substitutes, not the complements the book predicts, for domestic firms'
    productivity and for focal jobs while the support lasts."""
    eff = run_study("fdi_training", tmp_path, 40)
    for m in ("domestic productivity", "jobs"):
        assert_verdict(eff, f"FDI x training on {m} at support end (both - sum of singles)", -1, +1)


def test_openness_lockin_verdict(tmp_path):
    """Not stable within the budget, so the largest affordable test: 40 of 50 replications at
    one shock size (2 niche widths, where the full run's diversity effect is tightest), through
    the study's own measurement. The full run (50 replications, sizes 1-4) finds openness not
    distinguishable from zero at sizes 2-4 (+0.026 [0.002, 0.050] at size 1) and low diversity
    losing 0.12-0.15 more at sizes 2-4. With the trust-only closed community, at 40
    replications, openness read the same on two seed sets but the diversity effect's interval
    excluded zero on one and not on the other (seed 1: 0.041 [-0.172, 0.254]), so only its sign
    is asserted; all four sizes would cost ~2.5x this test."""
    mod = _load("openness_lockin")
    st = mod.load(mod.NAME, ["--replications", "40", "--jobs", "2", "--out", str(tmp_path)])
    eff = mod.effects(mod.measure(st, sizes=(2.0,))).set_index("effect")
    assert_verdict(eff.reset_index().drop(columns="_est"), "loss closed - open", 0, +1)
    assert eff.loc["loss low - high diversity", "_est"][0] > 0


def test_exit_vs_permanent_verdict(tmp_path):
    """30 of 40 replications: the jobs a temporary broker programme adds are still there 15
    years after its exit, and per unit spent it beats permanent support."""
    eff = run_study("exit_vs_permanent", tmp_path, 30)
    assert_verdict(eff, "broker temporary: additional jobs 15 years after the exit", +1, +1)
    assert_verdict(eff, "broker: jobs per 100 spent, temporary - permanent", +1, +1)


def test_capture_verdict(tmp_path):
    """Full design's 40 replications (at 15 the ties verdict held on two seed sets but the
    jobs one did not): the neutral broker builds more ties than a captured one, but the
    captured one adds more jobs while the support lasts (against the claim), and at the run's
    end the two are not distinguishable."""
    eff = run_study("capture", tmp_path, 40)
    assert_verdict(eff, "ties at support end: neutral - captured", +1, +1)
    assert_verdict(eff, "jobs at support end: neutral - captured", -1, +1)
    assert_verdict(eff, "jobs at run end: neutral - captured", 0, +1)
