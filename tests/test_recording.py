"""The recorder keeps each step as one block of columns and builds the time series from them."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest

from clustersim.model.model import ClusterModel
from clustersim.observe.recording import _COLUMNS
from clustersim.world.hooks import StepHook
from clustersim.world.state import STEP_COUNTS


class Counts(StepHook):
    """Adds columns of its own, and a start-up to region 1's count before the market."""

    name = "counts"

    def __init__(self, columns=("counted",)):
        self.names = columns

    def before_step(self, model) -> None:
        model.step_counts["startups"][1] += 1

    def columns(self, model) -> dict:
        return {name: float(model.t) for name in self.names}


def test_each_block_reads_as_its_rows_of_the_time_series():
    m = ClusterModel(n_firms=40, years=2, collect=False)
    m.add_hook(Counts())
    m.run()
    ts = m.recorder.frame()
    blocks = m.recorder.blocks
    assert [b.t for b in blocks] == list(range(m.t + 1))
    # the life-cycle observer's columns from the start, then those of the hook added later
    assert list(ts.columns) == [*blocks[0], "counted"] == [*_COLUMNS, *blocks[3].hooks]
    assert "stage" in blocks[0] and "counted" not in blocks[0]
    for b in (blocks[0], blocks[3], blocks[-1]):
        rows = ts[ts.step == b.t]
        for name in b:
            assert np.array_equal(rows[name].to_numpy(), b[name]), name
    # before the hook came, its column is zero
    assert (ts[ts.step == 0].counted == 0.0).all() and (ts[ts.step == 3].counted == 3.0).all()
    assert ts.year.iloc[-1] == m.t / 4.0 and ts.is_focal.sum() == m.t + 1
    # the hook's count made before the market is in its quarter's row, and was reset after it
    assert (ts[ts.step > 0].query("region == 1").startups >= 1).all()
    assert (ts[ts.step == 0].startups == 0).all()


def test_the_tallies_are_views_into_one_array_reset_at_once():
    m = ClusterModel(n_firms=40, years=1, collect=False)
    tallies = m.step_counts.array
    for key in STEP_COUNTS:
        assert np.shares_memory(m.step_counts[key], tallies), key
    assert np.shares_memory(m.funded, tallies) and np.shares_memory(m.refused, tallies)
    m.run()
    last = m.recorder.blocks[-1]
    for key in STEP_COUNTS:
        assert np.array_equal(last[key], m.step_counts[key]), key
    for k, kind in enumerate(("bank", "vc", "seed")):
        assert np.array_equal(last[f"funded_{kind}"], m.funded[k])
        assert np.array_equal(last[f"refused_{kind}"], m.refused[k])


@pytest.mark.parametrize("name", ["employment", "step", "spill_proximity"])
def test_a_hook_column_with_a_recorded_name_is_refused(name):
    m = ClusterModel(n_firms=30, years=1, collect=False)
    m.add_hook(Counts(("fine", name)))
    with pytest.raises(ValueError, match=f"hook column '{name}': the recorder's own"):
        m.step()


@pytest.mark.parametrize("copy_model", ["deepcopy", "pickle"])
def test_a_copied_model_counts_into_one_array(copy_model):
    """A copy (``copy.deepcopy``, as the threads' benchmark makes, or a pickle round trip)
    runs on as the original: its counts are reset each quarter and recorded."""
    m = ClusterModel(n_firms=40, years=2, collect=False)
    m.run(3)
    c = copy.deepcopy(m) if copy_model == "deepcopy" else pickle.loads(pickle.dumps(m))
    m.run(3)
    c.run(3)
    assert c.step_counts["entries"].sum() == m.step_counts["entries"].sum() > 0
    assert np.array_equal(c.funded, m.funded) and np.array_equal(c.refused, m.refused)
    pd.testing.assert_frame_equal(c.recorder.frame(), m.recorder.frame())


def test_the_counts_are_fixed_names():
    m = ClusterModel(n_firms=30, years=1, collect=False)
    m.step_counts["exits"] += 2
    assert m.step_counts["exits"].sum() == 2 * m.regions.n
    with pytest.raises(KeyError, match="'closures': not a count; the counts are entries, exits"):
        m.step_counts["closures"] = 1
    assert m.step_counts.get("closures") is None
