"""The numba kernels and the plain-Python reference engine follow the same trajectory.

Both engines read the same bulk random draws, so with the same config and seed every discrete
event (innovation, project, betrayal, tie, exit, spin-off) must come out the same and every
number must agree to floating-point tolerance. Each config below switches on a different set of
channels, and the test first checks that the run really exercised them, so that agreement is not
agreement on nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config
from clustersim.hooks import StepHook
from clustersim.model import ClusterModel
from clustersim.recording import firm_table, tie_table

RTOL, ATOL = 1e-9, 1e-12


class Levers(StepHook):
    """Moves every region lever away from neutral after the first year, differently per region,
    as policies would (public procurement, broker awareness and tie cost, labour mobility)."""

    name = "test_levers"

    def before_step(self, model) -> None:
        if model.t < 4:
            return
        reg = model.regions
        reg.public_demand[model.focal] = 40.0
        reg.search_factor[:] = np.linspace(1.8, 0.5, reg.n)
        reg.tie_cost_factor[:] = np.linspace(0.3, 2.0, reg.n)
        reg.mobility_factor[:] = np.linspace(2.5, 0.2, reg.n)


class TieTally(StepHook):
    """Adds up the tie events of every quarter: [projects, successes, betrayals, dropped]."""

    name = "test_tie_tally"

    def __init__(self) -> None:
        self.total = np.zeros(4, dtype=np.int64)

    def after_search(self, model) -> None:
        self.total += model.tie_counts


CONFIGS = {
    # a technology shock, two universities, two VCs and a public seed fund
    "shock": {
        "n_firms": 80,
        "years": 8,
        "shocks.steps": [12],
        "universities.count": 2,
        "finance.vcs": 2,
        "finance.seed_funds": 1,
    },
    # a closed community in three regions, frequent spin-offs, and every region lever moved
    "closed_levers": {
        "n_firms": 80,
        "years": 8,
        "world.n_regions": 3,
        "trust.closed_community": True,
        "trust.opportunism_mean": 0.2,
        "entry.spinoff_rate": 0.03,
        "universities.count": 2,
        "levers": True,
    },
    # no spin-offs, foreign MNEs, a 3-D technology space, more contacts and labour mobility
    "mne_3d": {
        "n_firms": 80,
        "years": 6,
        "seed": 7,
        "initial_mne_share": 0.15,
        "entry.spinoffs": False,
        "knowledge.dims": 3,
        "knowledge.proximity_contacts": 4,
        "knowledge.mobility_rate": 0.1,
        "knowledge.radical_rate": 0.5,
        "universities.count": 3,
        "universities.openness": 0.9,
        "shocks.steps": [8, 16],
    },
}


def simulate(engine: str, spec: dict):
    """Run one engine; returns the time series, firm table, tie table, ledger and tie tally."""
    spec = dict(spec)
    levers = spec.pop("levers", False)
    cfg = make_config(engine=engine, replications=1, **{"output.figures": False}, **spec)
    model = ClusterModel(cfg)
    tally = TieTally()
    model.add_hook(tally)
    if levers:
        model.add_hook(Levers())
    model.run()
    return {
        "timeseries": model.recorder.frame(),
        "firms": firm_table(model),
        "ties": tie_table(model),
        "ledger": pd.DataFrame(model.ledger),
        "tally": tally.total,
    }


def assert_same(ref: pd.DataFrame, other: pd.DataFrame, what: str) -> None:
    """Floats agree to ``RTOL``; integers, booleans and categories are identical."""
    assert list(ref.columns) == list(other.columns), what
    assert len(ref) == len(other), f"{what}: {len(ref)} rows vs {len(other)}"
    for col in ref.columns:
        x, y = ref[col].to_numpy(), other[col].to_numpy()
        msg = f"{what}.{col}"
        if x.dtype.kind == "f":
            np.testing.assert_allclose(y, x, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=msg)
        else:
            np.testing.assert_array_equal(y, x, err_msg=msg)


def assert_exercised(spec: dict, run: dict) -> None:
    """The run used the channels the comparison is meant to cover."""
    ts = run["timeseries"]
    total = ts.sum(numeric_only=True)
    for col in ("exits", "startups", "funded_bank", "refused", "innovations_radical"):
        assert total[col] > 0, col
    for channel in ("tie", "proximity", "mobility", "university"):
        assert total[f"spill_{channel}"] > 0, channel
    assert total["university_spinoffs"] > 0 and total["university_ties"] > 0
    assert total["funded_vc"] > 0
    assert (total["spinoffs"] > 0) == spec.get("entry.spinoffs", True)
    projects, successes, betrayals, dropped = run["tally"]
    assert projects > successes > 0 and betrayals > 0 and dropped > 0
    assert (run["ties"]["kind"] == "firm").sum() > 0
    assert (run["firms"]["origin"] == "spinoff").any() == spec.get("entry.spinoffs", True)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_reference_engine_matches_numba(name):
    spec = CONFIGS[name]
    fast, ref = simulate("numba", spec), simulate("reference", spec)
    assert_exercised(spec, fast)
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(ref[table], fast[table], f"{name}.{table}")
    np.testing.assert_array_equal(ref["tally"], fast["tally"])


def test_levers_change_the_trajectory():
    """The lever hook is not a no-op: the comparison above covers the levers' code paths."""
    spec = dict(CONFIGS["closed_levers"])
    with_levers = simulate("numba", spec)["timeseries"]
    spec.pop("levers")
    without = simulate("numba", spec)["timeseries"]
    last = with_levers["step"].max()
    focal = (with_levers["step"] == last) & with_levers["is_focal"]
    assert with_levers.loc[focal, "sales"].item() > without.loc[focal, "sales"].item()
    assert not np.allclose(with_levers["spill_mobility"], without["spill_mobility"])


@pytest.mark.parametrize("engine", ["numba", "reference"])
def test_each_engine_is_deterministic(engine):
    spec = {**CONFIGS["shock"], "years": 4}
    a, b = simulate(engine, spec), simulate(engine, spec)
    for table in ("timeseries", "firms", "ties", "ledger"):
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True)


@pytest.mark.slow
def test_reference_engine_matches_numba_long():
    """The default scenario at 400 firms over 40 years, with a shock and the levers moved:
    rounding differences must not grow into different trajectories."""
    spec = {"n_firms": 400, "years": 40, "shocks.steps": [80], "levers": True}
    fast, ref = simulate("numba", spec), simulate("reference", spec)
    assert_exercised(spec, fast)
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(ref[table], fast[table], f"long.{table}")
