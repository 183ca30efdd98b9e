"""Parallel kernels (``threads`` > 1: innovation, spillovers, the market's per-firm passes and
the partner search's choices over numba prange) give the same run as the serial ones, bit for
bit: each firm's arithmetic is the same, every sum over firms stays in a serial pass in firm
order and the chosen partners link in a serial pass in slot order."""

from __future__ import annotations

import pytest
from test_golden import digest

from clustersim import make_config, run
from clustersim.conf import ConfigError

SPEC = {"n_firms": 400, "years": 6, "replications": 1, "output.figures": False}


def test_two_threads_give_the_same_run_as_one():
    one = run(make_config(**SPEC))
    two = run(make_config(threads=2, **SPEC))
    assert one.timeseries["innovations_incremental"].sum() > 0
    assert one.timeseries["spill_proximity"].sum() > 0
    assert one.timeseries.groupby("step")["ties"].sum().diff().max() > 0  # search linked firms
    assert digest(two) == digest(one)


def test_threads_need_the_numba_engine():
    with pytest.raises(ConfigError, match="threads=2: only the numba engine"):
        make_config(threads=2, engine="reference")
