"""Accounting invariants: employment sums agree across tables and cash flows balance."""

from __future__ import annotations

import numpy as np

from clustersim import run
from clustersim.observe.recording import expected_cash_after


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


def test_cash_flows_balance_every_step(small_config):
    ledger = run(small_config).ledger
    np.testing.assert_allclose(
        expected_cash_after(ledger), ledger.cash_after, rtol=1e-10, atol=1e-8
    )
    assert len(ledger) == small_config.steps


def test_entries_and_exits_reconcile_firm_counts(small_config):
    ts = run(small_config).timeseries
    total = ts.groupby("step")[["firms", "entries", "exits"]].sum()
    change = total["firms"].diff().iloc[1:]
    net = (total["entries"] - total["exits"]).iloc[1:]
    np.testing.assert_array_equal(change.to_numpy(), net.to_numpy())


def test_ties_reference_live_firms_and_trust_in_unit_interval(small_config):
    res = run(small_config)
    firm_ids = set(res.firms["uid"])
    ties = res.ties
    assert set(ties["a"]) <= firm_ids
    assert set(ties.loc[ties.kind == "firm", "b"]) <= firm_ids
    assert ties["trust"].between(0, 1).all()
    pairs = ties.loc[ties.kind == "firm", ["a", "b"]].to_numpy()
    assert len({tuple(sorted(p)) for p in pairs}) == len(pairs), "duplicate firm ties"
