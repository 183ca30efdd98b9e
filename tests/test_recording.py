"""The recorder keeps each step as one block of columns and builds the time series from them."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest

from clustersim.conf import ConfigError
from clustersim.model.model import ClusterModel
from clustersim.observe.recording import _COLUMNS, _NETWORK
from clustersim.observe.reporters import FULL_ONLY, MODEL_REPORTERS
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


@pytest.mark.parametrize("route", ["none", "organic"])
def test_a_core_time_series_is_the_full_one_less_what_it_skips(route):
    """``output.timeseries = core`` measures less, never changes the run: the same firms, ties,
    ledger and events, and each column it records is the full run's, bit for bit. With the
    initiative on, the life-cycle observer still runs (the initiative reads its stages)."""
    cfg = {"n_firms": 60, "years": 6, "initiative.route": route}
    full = ClusterModel(collect=False, **cfg)
    core = ClusterModel(collect=False, **cfg, **{"output.timeseries": "core"})
    full.run()
    core.run()
    a, b = full.recorder.frame(), core.recorder.frame()
    skipped = [c for c in a.columns if c not in b.columns]
    assert set(skipped) == set(_NETWORK) | set(full.lifecycle.columns(full))
    assert list(b.columns) == [c for c in a.columns if c not in skipped]
    pd.testing.assert_frame_equal(a[list(b.columns)], b)
    assert full.ledger == core.ledger
    for name in ("uid", "emp", "cash", "kstock", "x"):
        assert np.array_equal(getattr(full.firms, name), getattr(core.firms, name))
    assert np.array_equal(full.ties.trust[: full.ties.n], core.ties.trust[: core.ties.n])
    assert (core.lifecycle is None) == (route == "none")
    with pytest.raises(KeyError, match="'ties': a network statistic.*output.timeseries=full"):
        core.recorder.blocks[-1]["ties"]
    assert "ties" not in list(core.recorder.blocks[-1])


def test_a_core_run_collects_the_reporters_it_can():
    m = ClusterModel(n_firms=40, years=1, **{"output.timeseries": "core"})
    m.run()
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == [k for k in MODEL_REPORTERS if k not in FULL_ONLY]
    assert {"stage", "focal_trust", "focal_tie_density"} == FULL_ONLY
    with pytest.raises(ConfigError, match=r"output.timeseries='lean'.*full.*core"):
        ClusterModel(n_firms=40, **{"output.timeseries": "lean"})


def test_a_core_scenario_runs_writes_and_summarises_without_the_stages(tmp_path):
    """The run command's job on a core time series: no stage line or life-cycle figure to
    draw, the rest as usual; a policy evaluation still records the stages it reports."""
    from clustersim import make_config
    from clustersim.experiment.evaluation.pairing import _simulate, twin_config
    from clustersim.experiment.jobs import simulate

    lines = []
    cfg = make_config(n_firms=30, years=2, replications=2, **{"output.timeseries": "core"})
    ts = simulate(cfg, tmp_path, echo=lines.append)
    assert "stage" not in ts.columns and "ties" not in ts.columns and len(ts) > 0
    assert "focal cluster: life-cycle stages not recorded (output.timeseries=core)" in lines
    assert (tmp_path / "figures" / "regions.png").exists()
    assert not (tmp_path / "figures" / "lifecycle.png").exists()
    rec = _simulate(twin_config(cfg), "none", twin=True)
    assert "stage" in rec.ts.columns


def test_the_experiments_that_read_the_stages_record_them_whatever_the_config_asks(tmp_path):
    """A study, the shock experiment and the removal experiment read the life-cycle observer's
    or the network's columns, so a core config given to them records the full series."""
    from clustersim import make_config
    from clustersim.cli.study import Study
    from clustersim.experiment.perturb import removal_dose_response, shock_response

    study = Study("s", {"replications": 1}, tmp_path, 1, True, ["output.timeseries=core"])
    assert study.config().output.timeseries == "full"
    cfg = make_config(n_firms=30, years=3, **{"output.timeseries": "core"})
    shocked = shock_response(cfg, {"open": {}}, [0.3], step=4, replications=1)
    assert np.isfinite(shocked["pre_external_share"]).all() and len(shocked) == 1
    removed = removal_dose_response(cfg, [0.0, 0.5], step=4, replications=1)
    assert removed["end_stage"].map(type).eq(str).all() and len(removed) == 2
