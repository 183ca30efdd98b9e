"""Accounting invariants: employment sums agree across tables, cash flows balance, and every
firm that appears, leaves or moves is counted, with every policy and process preset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clustersim import run
from clustersim.cli.compose import compose
from clustersim.cli.run import config_dir
from clustersim.experiment.perturb import FirmRemoval
from clustersim.mechanisms.demography.entry import place_firm
from clustersim.model import ClusterModel
from clustersim.observe.recording import expected_cash_after
from clustersim.world.hooks import StepHook
from clustersim.world.state import ORIGIN_INITIAL, TIE_FIRM

# every policy and process preset (a new preset file is picked up), plus variants that reach
# what a 12-year run would miss: the re-engineered route's break and restart, and FDI
# affiliates moving region once their incentives end
PRESETS = {
    f"{group}={p.stem}": [f"{group}={p.stem}"]
    for group in ("policy", "process")
    for p in sorted((Path(config_dir()) / group).glob("*.yaml"))
}
PRESETS["reengineered_early"] = [
    "process=reengineered",
    "initiative.break_step=16",
    "initiative.start_step=28",
]
# market.critical_mass=18.75: 1,500 employees at 80 firms, the threshold this variant was built on
PRESETS["fdi_footloose"] = [
    "policy=fdi",
    "policy.programmes.fdi.duration_years=3",
    "market.critical_mass=18.75",
]
SMALL = ["n_firms=80", "years=12", "output.figures=false"]


def assert_firm_counts_reconcile(ts: pd.DataFrame) -> None:
    """Per region and step t >= 1: firms(t) - firms(t-1) = entries + mne_entries - exits
    + relocations_in - relocations_out, with entries = startups + spinoffs + university_spinoffs
    and as many relocations in as out over all regions."""
    wide = ts.pivot(index="step", columns="region")
    change = wide["firms"].diff().iloc[1:]
    flows = (
        wide["entries"]
        + wide["mne_entries"]
        - wide["exits"]
        + wide["relocations_in"]
        - wide["relocations_out"]
    ).iloc[1:]
    bad = change.index[(change != flows).any(axis=1)].tolist()
    assert not bad, f"firm counts do not reconcile at steps {bad}"
    parts = wide["startups"] + wide["spinoffs"] + wide["university_spinoffs"]
    pd.testing.assert_frame_equal(wide["entries"], parts)
    moves = wide[["relocations_in", "relocations_out"]].T.groupby(level=0).sum().T
    np.testing.assert_array_equal(moves["relocations_in"], moves["relocations_out"])


def assert_ledger_balances(ledger: pd.DataFrame, steps: int) -> None:
    """Cash after each step equals cash before plus the step's flows, to 1e-10 of the gross
    amounts booked (a net balance of large opposite flows carries their rounding)."""
    assert len(ledger) == steps
    gross = ledger.select_dtypes("number").abs().sum(axis=1)
    error = (expected_cash_after(ledger) - ledger.cash_after).abs()
    assert (error <= 1e-10 * gross).all(), error[error > 1e-10 * gross]


def test_employment_and_firm_counts_match_firm_table(small_config):
    res = run(small_config, keep_model=True)
    last = res.timeseries[res.timeseries.step == small_config.steps]
    np.testing.assert_allclose(last["employment"].sum(), res.firms["emp"].sum(), rtol=1e-12)
    assert last["firms"].sum() == len(res.firms)
    by_region = res.firms.groupby("region")["emp"].sum()
    for _, row in last.iterrows():
        np.testing.assert_allclose(row.employment, by_region.get(row.region, 0.0), rtol=1e-12)
    snap = res.snapshots[small_config.steps]["firms"]
    np.testing.assert_allclose(snap["emp"].sum(), res.firms["emp"].sum(), rtol=1e-12)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_firm_counts_and_cash_reconcile_every_step(preset):
    """No instrument or initiative adds, removes or moves a firm, or cash, uncounted."""
    cfg = compose([*PRESETS[preset], *SMALL])
    res = run(cfg)
    assert_firm_counts_reconcile(res.timeseries)
    assert_ledger_balances(res.ledger, cfg.steps)
    if preset == "fdi_footloose":  # the variant must exercise what it is there for
        assert res.timeseries.mne_entries.sum() > 0 and res.timeseries.relocations_in.sum() > 0


def test_firms_a_hook_removes_are_counted_and_their_cash_booked(small_config):
    """An experiment's removal (``model.remove_firms``) is counted as exits, cash included."""
    model = ClusterModel(small_config, collect=False)
    removal = FirmRemoval(step=12, share=0.5)
    model.add_hook(removal)
    model.run()
    ts = model.recorder.frame()
    assert removal.removed > 0
    assert ts.loc[ts.step == 13, "exits"].sum() >= removal.removed
    assert_firm_counts_reconcile(ts)
    assert_ledger_balances(pd.DataFrame(model.ledger), small_config.steps)


@pytest.mark.parametrize("origin", [ORIGIN_INITIAL, -1, 99])
def test_a_firm_placed_during_the_run_needs_a_counted_origin(small_config, origin):
    """Only the set-up places 'initial' firms: a hook must say what kind of entrant it adds. A
    refused firm leaves nothing behind: no slot, no agent, no count."""
    model = ClusterModel(small_config, collect=False)
    where = {"uid": 10**9, "x": 1.0, "y": 1.0, "region": 0, "kstock": 1.0, "emp": 5.0}
    traits = {"rd": 0.05, "opportunism": 0.1, "openness": 0.5, "cash": 0.0}
    live, counter = model.firms.live.tolist(), model.agent_id_counter
    with pytest.raises(ValueError, match=f"origin {origin}: a firm placed during the run is one"):
        place_firm(
            model,
            **where,
            kpos=np.zeros(model.dims),
            origin=origin,
            parent_slot=-1,
            **traits,
        )
    assert model.firms.live.tolist() == live and model.agent_id_counter == counter
    assert not model.step_counts.array.any()


def test_ties_reference_live_firms_and_trust_in_unit_interval(small_config):
    res = run(small_config)
    firm_ids = set(res.firms["uid"])
    ties = res.ties
    assert set(ties["a"]) <= firm_ids
    assert set(ties.loc[ties.kind == "firm", "b"]) <= firm_ids
    assert ties["trust"].between(0, 1).all()
    pairs = ties.loc[ties.kind == "firm", ["a", "b"]].to_numpy()
    assert len({tuple(sorted(p)) for p in pairs}) == len(pairs), "duplicate firm ties"


class NoDoubleTies(StepHook):
    """Checks after every phase that no pair of firms holds two ties (the clustering counts of
    observe.network.kernel.triangles rely on it)."""

    def __init__(self):
        self.checked = 0

    def _check(self, model):
        t = model.ties
        firm = t.view("kind") == TIE_FIRM
        a, b = t.view("a")[firm], t.view("b")[firm]
        pairs = np.minimum(a, b) * model.firms.capacity + np.maximum(a, b)
        assert len(np.unique(pairs)) == len(pairs), f"a pair of firms with two ties at {model.t}"
        self.checked += 1

    before_step = after_market = after_search = before_entry = after_step = _check


@pytest.mark.parametrize("policy", ["broker", "fdi", "package", "incubator"])
def test_no_pair_of_firms_holds_two_ties_under_policies(policy):
    """Search, brokers, the initiative and FDI suppliers all skip pairs already linked."""
    model = ClusterModel(n_firms=80, years=10, collect=False, policy=policy)
    watch = NoDoubleTies()
    model.add_hook(watch)
    model.run()
    assert watch.checked == 5 * model.cfg.steps and model.ties.n > 0
