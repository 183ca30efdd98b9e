"""The numba kernels and the plain-Python reference engine follow the same trajectory.

Both engines read the same bulk random draws, so with the same config and seed every discrete
event (innovation, project, betrayal, tie, exit, spin-off) must come out the same and every
number must agree to floating-point tolerance. Each config below switches on a different set of
channels, and the test first checks that the run really exercised them, so that agreement is not
agreement on nothing.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config
from clustersim.mechanisms.spillovers import kernel as spillovers_kernel
from clustersim.model.engine import ENGINE_METHODS, NumbaEngine, ReferenceEngine
from clustersim.model.model import ClusterModel
from clustersim.observe.recording import firm_table, tie_table
from clustersim.world.hooks import StepHook
from clustersim.world.state import FIRM_BOOL, FIRM_FLOAT, FIRM_ID, FIRM_INT

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
    # a closed community in three regions (its own search radius in the focal one), frequent
    # spin-offs, and every region lever moved
    "closed_levers": {
        "n_firms": 80,
        "years": 8,
        "world.n_regions": 3,
        "world.bonding_trust": 0.8,
        "world.bridging_trust": 0.1,
        "world.search_radius": 2,  # a wider reach everywhere, the focal region its own cell only
        "world.focal.search_radius": 0,
        "trust.opportunism_mean": 0.2,
        "entry.spinoff_rate": 0.03,
        "universities.count": 2,
        "levers": True,
    },
    # no spin-offs, foreign MNEs, a 3-D technology space, more contacts and labour mobility
    "mne_3d": {
        "n_firms": 80,
        "years": 6,
        "seed": 8,  # a seed whose six years see a betrayal and dropped ties (assert_exercised)
        "market.critical_mass": 18.75,  # 1,500 employees, the threshold this case was built on
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
    births = model.recorder.events.tables()["births"]
    return {**outputs(model), "tally": tally.total, "births": births}


def outputs(model) -> dict[str, pd.DataFrame]:
    """What the engines must agree on: the time series, firm and tie tables, the ledger and
    the firm event logs (births, exits with their reasons, relocations)."""
    return {
        "timeseries": model.recorder.frame(),
        "firms": firm_table(model),
        "ties": tie_table(model),
        "ledger": pd.DataFrame(model.ledger),
        **model.recorder.events.tables(),
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
    # spin-offs were born and recorded as such (they need not survive a short run)
    assert (run["births"]["origin"] == "spinoff").any() == spec.get("entry.spinoffs", True)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_reference_engine_matches_numba(name):
    spec = CONFIGS[name]
    fast, ref = simulate("numba", spec), simulate("reference", spec)
    assert_exercised(spec, fast)
    assert len(fast["births"]) > spec["n_firms"] and len(fast["exits"]) > 0
    for table in fast.keys() - {"tally"}:
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


# ------------------------------------------------------------------ one rule at a time
STATE = (
    [f"firms.{name}" for name in FIRM_FLOAT + FIRM_INT + FIRM_ID + FIRM_BOOL + ("kpos",)]
    + [f"ties.{name}" for name in ("a", "b", "kind", "trust", "age", "successes")]
    + ["dk", "dpos", "volume", "tie_counts", "tie_upkeep"]
)
METHODS = ENGINE_METHODS


def _array(model, key: str) -> np.ndarray:
    owner, _, name = key.rpartition(".")
    return getattr(getattr(model, owner) if owner else model, name)


@pytest.fixture(scope="module")
def midrun():
    """A model after three years with the levers moved, some firms about to exit, and non-zero
    knowledge accumulators; with its state, so each rule can start from it again."""
    spec = dict(CONFIGS["closed_levers"])
    spec.pop("levers")
    model = ClusterModel(make_config(**spec))
    model.run(12)
    Levers().before_step(model)
    rng = np.random.default_rng(5)
    f, cap = model.firms, model.firms.capacity
    live = f.live
    f.expected_profit[live[::9]] = -1e3  # owners about to close
    f.cash[live[4::13]] = -1e3  # lenders about to call in their debt
    model.dk = 0.01 * rng.random(cap)
    model.dpos = 0.01 * rng.normal(size=(cap, model.dims))
    model.volume[:] = 0.0
    model.tie_counts[:] = 0
    return model, {key: _array(model, key).copy() for key in STATE}


def rule_inputs(model, method: str, keyed: bool) -> tuple:
    """The draws (and adjacency) each rule takes: a stream key, as ``ClusterModel.step`` passes
    (``keyed``), or given numbers (``streams.given_draws``) that reach every branch."""
    rng = np.random.default_rng(11)
    n, ne = model.firms.capacity, model.ties.n
    columns = {"projects": 4, "search": 6, "market": 1}
    columns["spillovers"] = 2 * model.cfg.knowledge.proximity_contacts + 1
    rows = ne if method == "projects" else n
    if keyed or method not in columns:
        draws = np.uint64(rng.integers(2**63))
    elif method == "market":
        draws = rng.normal(size=(n, 1))
    else:
        draws = rng.random((rows, columns[method]))
    if method == "projects":
        return np.ones(ne, dtype=np.bool_), draws
    if method in ("search", "network_stats"):
        start, nbr = NumbaEngine().adjacency(model)
        return (start, nbr, draws) if method == "search" else (start, nbr)
    if method in ("market", "innovate", "spillovers", "spinoff_parents"):
        return (draws,)
    return ()


@pytest.mark.parametrize("keyed", [False, True], ids=["given", "keyed"])
@pytest.mark.parametrize("method", METHODS)
def test_each_rule_matches_on_the_same_state(midrun, method, keyed, monkeypatch):
    """Each engine method, from the same state with the same draws, gives the same outputs and
    leaves the same state: when the whole-run comparison fails, this names the rule. The
    kernels draw each number where they need it, the reference rules whole blocks: keyed, both
    must read the same numbers. Spin-offs are made frequent, so that many firms spawn."""
    model, state = midrun
    monkeypatch.setattr(model.cfg.entry, "spinoff_rate", 0.05)
    assert_rule_matches(model, state, method, keyed)


@pytest.fixture(scope="module")
def many_blocks():
    """A state with several blocks of the kernels that work a block at a time (spillovers:
    ``BLOCK`` firms) and a last block cut short."""
    model = ClusterModel(make_config(n_firms=700, years=2))
    model.run(4)
    assert len(model.firms.live) > 2 * spillovers_kernel.BLOCK
    assert len(model.firms.live) % spillovers_kernel.BLOCK != 0
    model.dk = np.zeros(model.firms.capacity)
    model.dpos = np.zeros((model.firms.capacity, model.dims))
    return model, {key: _array(model, key).copy() for key in STATE}


@pytest.mark.parametrize("keyed", [False, True], ids=["given", "keyed"])
@pytest.mark.parametrize("method", ["spillovers", "projects"])
def test_two_pass_kernels_match_over_many_blocks(many_blocks, method, keyed):
    """The kernels that first decide for a block (spillovers' partners, projects' outcomes) and
    then act give the reference's results across block boundaries."""
    assert_rule_matches(*many_blocks, method, keyed)


def assert_rule_matches(model, state, method: str, keyed: bool) -> None:
    """Both engines' ``method`` from ``state`` with the same draws: the same outputs and state."""
    inputs = rule_inputs(model, method, keyed)
    outcome = {}
    for engine in (NumbaEngine(), ReferenceEngine()):
        for key, value in state.items():
            _array(model, key)[...] = value
        args = copy.deepcopy(inputs)
        result = getattr(engine, method)(model, *args)
        after = {key: _array(model, key).copy() for key in STATE}
        outcome[engine.name] = (result, args, after, model.market_lse.copy())
    (res_n, args_n, after_n, lse_n), (res_r, args_r, after_r, lse_r) = outcome.values()
    for key in STATE:
        np.testing.assert_allclose(after_r[key], after_n[key], rtol=RTOL, atol=ATOL, err_msg=key)
    for x, y in zip(args_r, args_n, strict=True):  # e.g. the ``keep`` mask of projects
        np.testing.assert_array_equal(x, y)
    results_r = res_r if isinstance(res_r, tuple) else (res_r,)
    results_n = res_n if isinstance(res_n, tuple) else (res_n,)
    for x, y in zip(results_r, results_n, strict=True):
        if x is not None or y is not None:
            np.testing.assert_allclose(x, y, rtol=RTOL, atol=ATOL)
            assert np.asarray(x).dtype.kind == np.asarray(y).dtype.kind
    if method == "market":
        np.testing.assert_allclose(lse_r, lse_n, rtol=RTOL)
    changed = any(not np.array_equal(after_n[k], state[k]) for k in STATE)
    returned = any(np.size(x) for x in results_n if x is not None)
    assert changed or returned, f"{method} did nothing on this state: the test would be empty"


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


def test_engines_agree_when_owners_close_on_expected_profit():
    """The closure option and the product life cycle, in both engines: a growing market (so
    selection rises and the margin falls) whose firms close on expected sustainable profit."""
    spec = {
        "n_firms": 60,
        "years": 8,
        "market.closure": "expected_profit",
        "market.standardisation": 2.0,
        "market.demand_growth": 0.02,
    }
    fast, ref = simulate("numba", spec), simulate("reference", spec)
    assert fast["timeseries"]["exits"].sum() > 0
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(ref[table], fast[table], table)


def test_engines_agree_in_the_new_industry():
    """``scenario=new_industry`` in both engines: pioneers in a full economy, a dominant design
    (here in year 3, taking 2 years) after which the product standardises and the fixed cost
    escalates (Sutton 1991; Utterback & Suarez 1993)."""
    spec = {
        "n_firms": 30,
        "years": 8,
        "world.economy_firms": 300,
        "market.standardisation": 2.0,
        "market.sunk_cost_escalation": 1.0,
        "market.dominant_design_year": 3.0,
        "market.design_ramp": 2.0,
        "market.demand_growth": 0.02,
    }
    fast, ref = simulate("numba", spec), simulate("reference", spec)
    assert fast["timeseries"]["entries"].sum() > 0 and fast["timeseries"]["exits"].sum() > 0
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(ref[table], fast[table], table)
