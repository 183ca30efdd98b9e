"""Same config and seed give identical outputs; other seeds give other outputs."""

from __future__ import annotations

import dataclasses

import pandas as pd

from clustersim import run


def test_same_seed_is_bit_identical(small_config):
    a, b = run(small_config), run(small_config)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.firms, b.firms, check_exact=True)
    pd.testing.assert_frame_equal(a.ties, b.ties, check_exact=True)
    assert a.run_id == b.run_id


def test_other_seed_or_replication_differs(small_config):
    base = run(small_config).timeseries
    other_seed = run(dataclasses.replace(small_config, seed=1)).timeseries
    other_rep = run(dataclasses.replace(small_config, replication=1)).timeseries
    for other in (other_seed, other_rep):
        assert not base["employment"].equals(other["employment"])
    assert run(dataclasses.replace(small_config, replication=1)).run_id.endswith("-r1")


def test_rows_carry_run_id_seed_and_replication(small_config):
    ts = run(dataclasses.replace(small_config, seed=3, replication=2)).timeseries
    assert (ts["seed"] == 3).all() and (ts["replication"] == 2).all()
    assert ts["run_id"].nunique() == 1
    n_regions = small_config.world.n_regions
    assert len(ts) == (small_config.steps + 1) * n_regions
    assert ts.groupby("step").size().eq(n_regions).all()
