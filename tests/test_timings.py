"""``ClusterModel.timings``: where a step's CPU time goes (``make bench``), without touching the
trajectory."""

from __future__ import annotations

import time

import numpy as np

from clustersim.model.model import ClusterModel

SUBSTEPS = {
    "world",
    "hooks",
    "market",
    "finance",
    "innovate",
    "projects",
    "spillovers",
    "search",
    "universities",
    "exits",
    "relocation",
    "entry",
    "lifecycle",
    "recording",
}


def test_timings_cover_every_sub_step_and_change_nothing():
    timed, plain = ClusterModel(n_firms=60, years=2), ClusterModel(n_firms=60, years=2)
    assert plain.timings is None  # off by default
    timed.timings = {}
    c0 = time.process_time()
    timed.run(6)
    cpu = time.process_time() - c0
    plain.run(6)
    assert set(timed.timings) == SUBSTEPS
    assert all(v >= 0.0 for v in timed.timings.values())
    assert sum(timed.timings.values()) <= cpu
    assert sum(timed.timings.values()) > 0.5 * cpu  # the laps account for the step
    for name in ("cash", "kstock", "emp", "x"):
        assert np.array_equal(getattr(timed.firms, name), getattr(plain.firms, name))
    assert timed.recorder.frame().equals(plain.recorder.frame())
