"""Validation patterns of the foundation and of knowledge and trust (docs/validation.md).

Agglomeration (issue 2), P3 spin-offs concentrate industry, P4 localised spillovers, P5 small
world, and the shock response. Each runs the model and checks the pattern on its outputs.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from clustersim import make_config, run
from clustersim.analysis.patterns import flow_locality, shock_response, small_world
from clustersim.experiment.jobs import concentration_by_replication
from clustersim.observe.indicators import concentration

REPS = 5


@pytest.fixture(scope="module")
def baseline_runs():
    cfg = make_config()  # the default scenario: 300 firms over 4 regions, 40 years
    return [run(dataclasses.replace(cfg, replication=r)) for r in range(REPS)]


def test_agglomeration_emerges_in_the_default_scenario(baseline_runs):
    conc = [concentration_by_replication(r.timeseries).iloc[0] for r in baseline_runs]
    start = np.array([c.start for c in conc])
    end = np.array([c.end for c in conc])
    assert start.max() < 0.05, "firms start scattered"
    assert (end > start + 0.1).all()
    assert stats.ttest_rel(end, start, alternative="greater").pvalue < 0.01
    assert end.mean() > 0.25


def test_p4_flows_decay_with_distance(baseline_runs):
    tables = [flow_locality(r.firms, r.ties) for r in baseline_runs]
    mean_ratio = np.nanmean([t["ratio"].to_numpy() for t in tables], axis=0)
    assert mean_ratio[0] > mean_ratio[2] > mean_ratio[4], mean_ratio
    assert mean_ratio[0] > 1.0 > mean_ratio[4], mean_ratio  # likelier than random near, rarer far


@pytest.mark.xfail(
    strict=True,
    reason="nearby flows 2.46x random (5 runs; 2.40, se 0.14, over 20) since global pipelines "
    "are on by default (issue 13), against 2.70 without them; Jaffe, Trajtenberg & Henderson "
    "find 5-10x in the same metro (docs/validation.md, P4)",
)
def test_p4_nearby_flows_are_several_times_random(baseline_runs):
    near = np.array([flow_locality(r.firms, r.ties)["ratio"].iloc[0] for r in baseline_runs])
    assert near.mean() > 2.5, f"nearby flows only {near.mean():.2f}x random"  # within 5 km


def test_p5_tie_network_is_a_small_world(baseline_runs):
    measures = [small_world(r.firms, r.ties) for r in baseline_runs]
    ratios = np.array([m["clustering"] / max(m["clustering_random"], 1e-9) for m in measures])
    assert ratios.min() > 4, ratios
    paths = np.array([m["path_length"] / m["path_length_random"] for m in measures])
    # short paths, as in a random graph (measured 0.96-1.02): a lattice-like network fails
    assert ((paths > 0.85) & (paths < 1.2)).all(), paths
    assert (ratios / paths).min() > 4, "small-world index (C/C_rand) / (L/L_rand)"


def test_p3_spinoffs_concentrate_firms_without_agglomeration_economies():
    """Klepper 2007: with agglomeration externalities off, spin-offs alone concentrate firms.

    With persistent demand shocks and fixed labour pools this fell short (0.0075 on average,
    an expected failure); since labour moves (issue 13) the difference is 0.014 on average, four
    of six replications positive (p = 0.036): it holds, narrowly."""
    base = make_config(**{"market.agglomeration": 0.0, "entry.agglomeration_pull": 0.0})
    diffs = []
    for rep in range(6):
        cfg = dataclasses.replace(base, replication=rep)
        on = run(cfg).timeseries
        off = run(
            dataclasses.replace(cfg, entry=dataclasses.replace(cfg.entry, spinoffs=False))
        ).timeseries
        last = cfg.steps
        diffs.append(
            concentration(on[on.step == last]["firms"].to_numpy())
            - concentration(off[off.step == last]["firms"].to_numpy())
        )
    diffs = np.array(diffs)
    assert diffs.mean() > 0.01
    assert stats.ttest_1samp(diffs, 0.0, alternative="greater").pvalue < 0.05


@pytest.fixture(scope="module")
def shock_measures():
    """Demand jumps 1.5 niche widths at year 20; firms measured before, just after, 5 years on.
    Sixteen replications: the diversity effect (rho about 0.06-0.09, sd about 0.1 between
    replications) is not distinguishable from zero with eight."""
    rows = []
    for rep in range(16):
        cfg = make_config(
            replication=rep,
            years=30,
            **{"shocks.steps": [80], "shocks.size": 1.5, "output.snapshot_steps": [80, 81, 100]},
        )
        res = run(cfg, keep_model=True)
        s = res.snapshots
        rows.append(
            shock_response(
                s[80]["firms"], s[81]["firms"], s[100]["firms"], s[80]["ties"], res.model.demand
            )
        )
    return rows


def test_shock_cuts_sales_of_firms_far_from_the_new_demand(shock_measures):
    rhos = np.array([m["rho_distance_sales"] for m in shock_measures])
    assert rhos.max() < -0.8, rhos


def test_firms_with_diverse_partners_recover_faster(shock_measures):
    rhos = np.array([m["rho_diversity_recovery"] for m in shock_measures])
    assert rhos.mean() > 0 and stats.ttest_1samp(rhos, 0.0, alternative="greater").pvalue < 0.05
