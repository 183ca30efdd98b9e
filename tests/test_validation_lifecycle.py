"""Life-cycle validation patterns (docs/validation.md): P1, P2, P7, P8, W2.

Each runs the model with honest parameters and measures the pattern on its outputs; the measures
live in ``clustersim.analysis.lifecycle_patterns``. All are slow (run by ``make test-slow``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from clustersim import make_config
from clustersim.analysis.lifecycle_patterns import (
    after_shock,
    renewal,
    shakeout,
    stage_order,
    threshold,
)
from clustersim.experiment.batch import run_many
from clustersim.experiment.perturb import removal_dose_response

pytestmark = pytest.mark.slow

SHOCK_STEP = 80  # year 20: the default cluster is mature by then in most runs
RADICAL = 2.0  # demand jumps two niche widths: a radical technology shock (L1675-1686)
CLOSED = {  # the focal region as a closed community: in-group trust 0.8, out-group 0.1
    "world.focal.bonding": 0.8 / 0.55,
    "world.focal.bridging": 0.1 / 0.35,
}


def replicate(cfg, n: int) -> list:
    return run_many([dataclasses.replace(cfg, replication=r) for r in range(n)])


def test_p1_most_replications_pass_emerging_developing_mature_in_order():
    runs = replicate(make_config(seed=100), 30)
    order = stage_order(runs)
    share = order["passes"].mean()
    assert share >= 0.5, f"only {share:.0%} pass in order:\n{order['sequence'].value_counts()}"
    assert order["year_mature"].notna().mean() >= 0.8
    ok = order[order["passes"]]
    assert (ok["year_emerging"] < ok["year_developing"]).all()
    assert (ok["year_developing"] < ok["year_mature"]).all()


@pytest.mark.xfail(
    strict=True,
    reason="P2 not reproduced: the firm count tracks demand and keeps rising (docs/validation.md)",
)
def test_p2_shakeout_in_a_new_technology():
    """A new industry: 30 founding firms, demand growing 8 % a year (Gort & Klepper 1982)."""
    cfg = make_config(seed=7, n_firms=30, **{"market.demand_growth": 0.02})
    measures = [shakeout(ts) for ts in replicate(cfg, 6)]
    drops = np.array([m["drop"] for m in measures])
    growth = np.array([m["output_growth_after_peak"] for m in measures])
    assert np.median(drops) >= 0.3, f"firm count falls by {drops.round(2)} from its peak"
    assert (growth[drops >= 0.3] > 1.0).all()


@pytest.mark.xfail(
    strict=True,
    reason="threshold not reproduced since labour moves (issue 13): losses rise steadily with the "
    "dose (0.09 at 10 %, 0.26 at 50 %, 0.73 at 90 %), largest step 2.5x the median; the workers "
    "of removed firms leave, so small removals are not made good (docs/validation.md, P7)",
)
def test_p7_removing_firms_shows_a_threshold_and_hysteresis():
    """Remove 0-90 % of the focal firms at year 15; measure the loss 25 years later (L1067-1101)."""
    shares = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    df = removal_dose_response(make_config(seed=11), shares, step=60, replications=8)
    m = threshold(df)
    assert m["loss"][0.1] < 0.05 and m["loss"][0.2] < 0.1, m  # small removals: recovered
    assert m["jump_ratio"] > 3, m  # one step far above the rest: a threshold
    assert m["jump_at"] >= 0.5, m
    assert m["unrecovered_below"] < 0.35, m  # below the threshold most of the loss recovers
    assert m["unrecovered_at_max"] > 0.6, m  # past it the loss persists (hysteresis)
    assert m["lead_kept"][0.3] == 1.0 and m["lead_kept"][0.9] < 0.5, m


@pytest.fixture(scope="module")
def shocked_pairs():
    """Open and closed focal clusters hit by the same radical shock, same seeds."""
    base = make_config(seed=21, **{"shocks.steps": [SHOCK_STEP], "shocks.size": RADICAL})
    n = 16
    open_runs = replicate(base, n)
    closed_runs = replicate(make_config(seed=21, **base_kw(base), **CLOSED), n)
    return open_runs, closed_runs


def base_kw(cfg) -> dict:
    return {"shocks.steps": cfg.shocks.steps, "shocks.size": cfg.shocks.size}


@pytest.mark.xfail(
    strict=True,
    reason="not reproduced with common random numbers: closed 56 % vs open 47 % declined, "
    "discordant pairs 6 vs 3 (32 pairs, p = 0.51; docs/validation.md, P8)",
)
def test_p8_closed_clusters_decline_more_often_after_a_radical_shock(shocked_pairs):
    open_runs, closed_runs = shocked_pairs
    o = [after_shock(ts, SHOCK_STEP) for ts in open_runs]
    c = [after_shock(ts, SHOCK_STEP) for ts in closed_runs]
    ext = np.array([[x["pre_external_share"] for x in arm] for arm in (o, c)])
    het = np.array([[x["pre_heterogeneity"] for x in arm] for arm in (o, c)])
    assert (ext[1] < ext[0]).mean() > 0.9, "closed clusters have fewer external ties"
    assert het[1].mean() < het[0].mean(), "and less knowledge diversity"
    declined = np.array([[x["declined"] for x in arm] for arm in (o, c)])
    assert declined[1].mean() - declined[0].mean() >= 0.2, declined.mean(axis=1)
    only_closed = (declined[1] & ~declined[0]).sum()
    only_open = (declined[0] & ~declined[1]).sum()
    assert only_closed > 2 * only_open, (only_closed, only_open)


def test_w2_renewal_reuses_related_capabilities(shocked_pairs):
    fit_width = make_config().market.fit_width
    found = [renewal(ts, SHOCK_STEP, fit_width) for ts in sum(shocked_pairs, [])]
    found = [r for r in found if r is not None]
    assert len(found) >= 5, "enough clusters declined and renewed"
    observed = np.array([r["observed"] for r in found])
    chance = np.array([r["chance"] for r in found])
    assert (observed < chance).mean() >= 0.8
    assert (observed / chance).mean() < 0.9
