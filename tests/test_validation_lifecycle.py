"""Life-cycle validation patterns (docs/validation.md): P1, P2, P7, P8, W2.

Each runs the model with honest parameters and measures the pattern on its outputs; the measures
live in ``clustersim.analysis.lifecycle_patterns``. All are slow (run by ``make test-slow``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config
from clustersim.analysis.lifecycle_patterns import (
    CLOSED_COMMUNITY,
    SHOCK_SIZES,
    SHOCK_YEAR,
    is_shakeout,
    renewal,
    shakeout,
    stage_order,
    threshold,
)
from clustersim.analysis.stats import paired_diff_ci
from clustersim.conf.merge import configure
from clustersim.experiment.batch import run_many
from clustersim.experiment.perturb import removal_dose_response, shock_response

pytestmark = pytest.mark.slow

SHOCK_STEP = 80  # year 20: the default cluster is mature by then in most runs
RADICAL = 2.0  # W2: demand jumps two niche widths, a radical technology shock (L1675-1686)


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


def test_p2_shakeout_in_a_new_technology():
    """The new industry (``scenario=new_industry``): 30 pioneers in a full economy, demand
    growing 8 % a year, a dominant design in year 15 after which the product standardises and
    fixed outlays escalate (Gort & Klepper 1982; Abernathy & Utterback 1978; Sutton 1991;
    Utterback & Suarez 1993). In at least 80 % of 30 runs the count rises by a third or more,
    then falls by 30 % or more from its peak while output grows."""
    cfg = configure(None, overrides={"scenario": "new_industry", "seed": 7})
    measures = pd.DataFrame([shakeout(ts) for ts in replicate(cfg, 30)])
    assert is_shakeout(measures).mean() >= 0.8, measures.round(2)


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
    """Open and closed focal clusters hit by the same radical shock, same seeds (W2)."""
    base = make_config(seed=21, **{"shocks.steps": [SHOCK_STEP], "shocks.size": RADICAL})
    n = 16
    open_runs = replicate(base, n)
    closed_runs = replicate(configure(base, overrides=CLOSED_COMMUNITY), n)
    return open_runs, closed_runs


@pytest.fixture(scope="module")
def lock_in():
    """P8 and study 5's one design: open and closed focal clusters hit by radical shocks of the
    shared sizes (3 and 4 niche widths) at year 25, each against the same seed without one."""
    radical = [s for s in SHOCK_SIZES if s >= 3]
    arms = {"open": {}, "closed": CLOSED_COMMUNITY}
    return shock_response(make_config(seed=21), arms, radical, 4 * SHOCK_YEAR, 32, n_jobs=2)


@pytest.mark.xfail(
    strict=True,
    reason="P8 not reproduced once a closed community also meets partners only nearby (issue "
    "13): closed - open loss -0.002 [-0.078, 0.074]; with its trust culture alone +0.076 "
    "[0.004, 0.148]: fewer ties, less converged knowledge (docs/validation.md, P8 and study 5)",
)
def test_p8_closed_clusters_lose_more_to_a_radical_shock(lock_in):
    df = lock_in.set_index(["size", "replication", "arm"]).unstack("arm")
    ext, het = df["pre_external_share"], df["pre_heterogeneity"]
    assert (ext["closed"] < ext["open"]).mean() > 0.9, "closed clusters have fewer external ties"
    assert het["closed"].mean() < het["open"].mean(), "and less knowledge diversity"
    diff, lo, hi = paired_diff_ci(df["loss"]["closed"], df["loss"]["open"])
    assert lo > 0, f"closed - open loss {diff:.3f} [{lo:.3f}, {hi:.3f}]"


def test_w2_renewal_reuses_related_capabilities(shocked_pairs):
    fit_width = make_config().market.fit_width
    found = [renewal(ts, SHOCK_STEP, fit_width) for ts in sum(shocked_pairs, [])]
    found = [r for r in found if r is not None]
    assert len(found) >= 5, "enough clusters declined and renewed"
    observed = np.array([r["observed"] for r in found])
    chance = np.array([r["chance"] for r in found])
    assert (observed < chance).mean() >= 0.8
    assert (observed / chance).mean() < 0.9
