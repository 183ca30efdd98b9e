"""Firm event logs: a demography study from the logs alone reproduces the time series' counts,
exits carry the model's reasons, births their funding, and a run writes the logs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config, run
from clustersim.cli.compose import compose
from clustersim.model.model import ClusterModel
from clustersim.world.hooks import StepHook


@pytest.fixture(scope="module")
def res():
    """FDI (MNE births), frequent relocation reviews and several regions: every event kind."""
    cfg = compose(
        [
            "policy=fdi",
            "n_firms=100",
            "years=10",
            "relocation.review_rate=0.05",
            "relocation.moving_cost=0.05",
            "output.figures=false",
        ]
    )
    return run(cfg)


def per_step(df: pd.DataFrame, region: str, index: pd.Index) -> pd.Series:
    return df.groupby(["step", region]).size().reindex(index, fill_value=0)


def test_demography_from_the_event_log_alone(res):
    ev, ts = res.events, res.timeseries.set_index(["step", "region"])
    births, exits, moves = ev["births"], ev["exits"], ev["relocations"]
    assert len(moves) > 0 and (births.origin == "mne").any() and len(exits) > 20
    idx = ts.index
    # entries, exits, insolvencies and moves per quarter and region, from the log
    entrants = births[births.step > 0]
    assert (per_step(entrants, "region", idx) == ts.entries + ts.mne_entries).all()
    for origin, col in (("startup", "startups"), ("spinoff", "spinoffs"), ("mne", "mne_entries")):
        assert (per_step(entrants[entrants.origin == origin], "region", idx) == ts[col]).all()
    assert (per_step(exits, "region", idx) == ts.exits).all()
    assert (per_step(exits[exits.reason == "debt"], "region", idx) == ts.insolvencies).all()
    assert (per_step(moves, "to_region", idx) == ts.relocations_in).all()
    assert (per_step(moves, "from_region", idx) == ts.relocations_out).all()
    # the firm count of every region at every step, rebuilt from the events
    flow = (
        per_step(births, "region", idx)
        - per_step(exits, "region", idx)
        + per_step(moves, "to_region", idx)
        - per_step(moves, "from_region", idx)
    )
    rebuilt = flow.groupby(level="region").cumsum()
    np.testing.assert_array_equal(rebuilt.to_numpy(), ts.firms.to_numpy())
    # every exit is of a firm born before it; ages agree with the birth step
    life = exits.merge(births, on="uid", suffixes=("", "_birth"))
    assert len(life) == len(exits) and (life.step > life.step_birth).all()
    assert (life.age <= life.step - life.born).all()


def test_births_carry_their_funding_and_parents(res):
    births, ts = res.events["births"], res.timeseries
    own = births.origin.isin(["initial", "mne"])
    assert (births.funding[own] == "own").all() and (births.funding[~own] != "own").all()
    for kind in ("bank", "vc", "seed"):
        assert (births.funding[births.step > 0] == kind).sum() == ts[f"funded_{kind}"].sum()
    spin = births[births.origin == "spinoff"]
    assert (spin.parent >= 0).all() and spin.parent.isin(births.uid).all()
    assert (births.emp > 0).all()


def test_snapshots_and_policy_actions(res):
    firms, ties = res.firms, res.ties
    final = res.events["births"].set_index("uid").born
    np.testing.assert_array_equal(firms.born.to_numpy(), final.loc[firms.uid].to_numpy())
    firm_ties = ties[ties.kind == "firm"]
    region_of = firms.set_index("uid").region
    np.testing.assert_array_equal(firm_ties.b_region, region_of.loc[firm_ties.b].to_numpy())
    uni = res.events["universities"]
    assert (ties[ties.kind == "university"].b_region.isin(uni.region)).all()
    actions = res.events["policy_actions"]
    assert set(actions.instrument) == {"fdi"} and actions.amount.sum() > 0


class Removal(StepHook):
    """Takes the first live firm out at step 6."""

    name = "test_removal"

    def after_step(self, model) -> None:
        if model.t == 6:
            model.remove_firms(model.firms.live[:1])


def test_a_hook_removal_is_logged_as_removed():
    model = ClusterModel(make_config(n_firms=40, years=3, **{"output.figures": False}))
    model.add_hook(Removal())
    model.run()
    exits = model.recorder.events.tables()["exits"]
    assert list(exits[exits.reason == "removed"].step) == [6]


def test_a_written_run_holds_the_event_logs(tmp_path, small_config):
    out = run(small_config).write(tmp_path / "run")
    for name in ("births", "exits", "relocations", "policy_actions", "universities"):
        assert (out / "events" / f"{name}.parquet").is_file(), name
    births = pd.read_parquet(out / "events" / "births.parquet")
    assert births.origin.dtype == "category" and len(births) >= small_config.n_firms


def test_result_tables_are_the_run_end_state_however_late_they_are_read(res):
    """A result's firm, tie, ledger and event tables are built when first read, from what the
    run kept at its end: stepping a kept model on changes none of them, a pickled result
    (a worker's) carries them, and a table set by hand replaces the built one."""
    import pickle

    from clustersim.observe.recording import firm_table, tie_table

    cfg = res.config
    kept = run(cfg, keep_model=True)
    end = {"firms": firm_table(kept.model), "ties": tie_table(kept.model)}
    kept.model.run(8)  # the model goes on; the result stays the run's
    assert kept.model.t == cfg.steps + 8 and len(kept.model.ledger) == cfg.steps + 8
    again = pickle.loads(pickle.dumps(res))
    for other in (kept, again):
        pd.testing.assert_frame_equal(other.firms, end["firms"])
        pd.testing.assert_frame_equal(other.ties, end["ties"])
        pd.testing.assert_frame_equal(other.ledger, res.ledger)
        assert len(other.ledger) == cfg.steps
        assert sorted(other.events) == sorted(res.events)
        for name, table in res.events.items():
            pd.testing.assert_frame_equal(other.events[name], table)
    again.ledger = again.ledger.drop(columns="payouts")
    assert "payouts" not in again.ledger and "payouts" in res.ledger
