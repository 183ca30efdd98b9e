"""Sensitivity (SALib) and scenario discovery (EMA Workbench) on tiny designs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config, run
from clustersim.analysis.outcomes import OUTCOMES, run_outcomes, timeseries_for
from clustersim.conf import ConfigError
from clustersim.experiment.sensitivity import (
    analyze,
    evaluate,
    factor,
    main,
    parse_factor,
    sample,
    sensitivity,
)

TINY = {"years": 2, "n_firms": 40}


def test_morris_separates_an_inert_parameter_from_a_live_one(tmp_path):
    # with no public seed fund, its capital cannot matter; the number of firms must
    factors = [factor("finance.seed_capital", 5, 50), factor("n_firms", 30, 80)]
    ind = sensitivity("morris", factors, ["focal_firms"], 3, TINY, out=tmp_path)
    mu = ind[ind["index"] == "mu_star"].set_index("parameter")
    assert mu.loc["finance.seed_capital", "estimate"] == 0.0
    assert mu.loc["n_firms", "estimate"] > 1.0
    assert (mu["ci_low"] <= mu["estimate"]).all() and (mu["estimate"] <= mu["ci_high"]).all()
    design = pd.read_parquet(tmp_path / "design.parquet")
    assert len(design) == 3 * (len(factors) + 1)  # Morris: N trajectories of D+1 points
    assert (tmp_path / "indices.png").stat().st_size > 5_000
    assert set(pd.read_csv(tmp_path / "indices.csv")["index"]) == {"mu_star", "sigma"}


def test_sobol_ranks_the_live_parameter_first_and_the_inert_one_at_zero():
    """N=32 (160 runs): the number of firms drives focal employment, selection barely, and the
    seed fund's capital (there is no seed fund) not at all; the first's interval lies above the
    second's (stable over sampling seeds 3-5, checked when this test was written)."""
    factors = [
        factor("market.selection", 1, 5),
        factor("n_firms", 30, 60),
        factor("finance.seed_capital", 5, 50),
    ]
    ind = sensitivity("sobol", factors, ["focal_employment"], 32, TINY, seed=3)
    st = ind[ind["index"] == "ST"].set_index("parameter")
    assert (st.loc["finance.seed_capital", ["estimate", "ci_low", "ci_high"]] == 0).all()
    assert st.loc["n_firms", "estimate"] > 0.5
    assert st.loc["n_firms", "ci_low"] > st.loc["market.selection", "ci_high"], st
    assert (ind["ci_low"] <= ind["estimate"]).all() and (ind["estimate"] <= ind["ci_high"]).all()


def test_sobol_indices_are_reproducible():
    factors = [factor("market.selection", 1, 5), factor("n_firms", 30, 60)]
    a = sensitivity("sobol", factors, ["focal_employment"], 4, TINY, seed=3)
    b = sensitivity("sobol", factors, ["focal_employment"], 4, TINY, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["index"]) == {"S1", "ST"} and len(a) == 4


@pytest.mark.parametrize("seed", [0, 3])
def test_sobol_intervals_are_fixed_by_the_seed_zero_included(seed):
    """SALib takes a seed of 0 for none; the intervals must not change from call to call, and
    numpy's global generator is left as it was."""
    factors = [factor("market.selection", 1, 5), factor("n_firms", 30, 60)]
    X = sample("sobol", factors, 64, seed)
    y = pd.DataFrame({"y": X[:, 0] ** 2 + 0.1 * X[:, 1]})
    np.random.seed(11)
    before = np.random.random()
    np.random.seed(11)
    a = analyze("sobol", factors, X, y, seed)
    b = analyze("sobol", factors, X, y, seed)
    assert np.random.random() == before
    pd.testing.assert_frame_equal(a, b)
    assert (a.ci_high > a.ci_low).all()


def test_sensitivity_refuses_bad_factors_by_name(capsys):
    with pytest.raises(ConfigError, match="market.selecton: unknown parameter"):
        parse_factor("market.selecton=1:5")
    with pytest.raises(
        ConfigError, match=r"market.selection=50: out of range; allowed: float in \[0, 20\]"
    ):
        factor("market.selection", 1, 50)
    with pytest.raises(ConfigError, match="entry.spinoffs: a bool parameter"):
        factor("entry.spinoffs", 0, 1)
    with pytest.raises(SystemExit):
        main(["--param", "n_firms=10", "--out", "x"])
    assert "expected key=lo:hi" in capsys.readouterr().err


def test_ema_model_reports_replication_means_and_zero_additionality_for_an_identical_twin():
    from ema_workbench import perform_experiments

    from clustersim.experiment.ema import clustersim_model

    model = clustersim_model(
        uncertainties={"world.bridging_trust": (0.1, 0.6), "n_firms": (30, 60)},
        levers={"trust.tie_cost": (0.0, 0.2)},
        outcomes=["focal_employment", "focal_ties"],
        base=TINY,
        replications=2,
        twin={},  # the twin changes nothing: additionality must be exactly zero
    )
    experiments, outcomes = perform_experiments(model, scenarios=3, policies=1)
    assert len(experiments) == 3
    assert np.all(outcomes["added_focal_employment"] == 0.0)
    row = experiments.iloc[1]
    direct = [
        run_outcomes(
            run(
                make_config(
                    TINY,
                    replication=r,
                    n_firms=int(row["n_firms"]),
                    **{
                        "world.bridging_trust": float(row["world__bridging_trust"]),
                        "trust.tie_cost": float(row["trust__tie_cost"]),
                    },
                )
            ).timeseries,
            ["focal_employment"],
        )["focal_employment"]
        for r in range(2)
    ]
    assert outcomes["focal_employment"][1] == pytest.approx(np.mean(direct), rel=1e-12)


def test_ema_model_refuses_unknown_keys_and_bad_ranges():
    from clustersim.experiment.ema import clustersim_model

    with pytest.raises(ConfigError, match="world.bridgin_trust: unknown parameter"):
        clustersim_model({"world.bridgin_trust": (0, 1)}, ["focal_firms"])
    with pytest.raises(ConfigError, match="world.bridging_trust=3"):
        clustersim_model({"world.bridging_trust": (0, 3)}, ["focal_firms"])
    with pytest.raises(ValueError, match="outcome 'jobs': unknown"):
        clustersim_model({"world.bridging_trust": (0, 1)}, ["jobs"])


def test_prim_recovers_a_planted_box():
    from clustersim.experiment.ema import discover

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 600), "b": rng.uniform(0, 1, 600)})
    x["noise"] = rng.uniform(0, 1, 600)
    y = (x["a"] > 0.6) & (x["b"] < 0.5)
    box, stats, limits = discover(x, y.to_numpy(), density=0.9)
    assert stats["density"] >= 0.9 and stats["coverage"] > 0.7
    assert set(limits.index) == {"a", "b"}
    assert limits.loc["a", "min"] == pytest.approx(0.6, abs=0.1)
    assert limits.loc["b", "max"] == pytest.approx(0.5, abs=0.1)


def test_each_outcome_reads_only_the_columns_it_declares():
    """``OUTCOMES`` names the columns each outcome reads, which decides what a sweep records
    (``timeseries_for``): computed from those columns alone, each is what the full table gives."""
    ts = run(make_config(TINY)).timeseries
    for name, (outcome, _, reads) in OUTCOMES.items():
        assert outcome(ts[["step", "region", "is_focal", *reads]]) == outcome(ts), name
    assert timeseries_for(["focal_employment", "concentration", "focal_innovations"]) == "core"
    assert timeseries_for(["focal_employment", "focal_trust"]) == "full"
    with pytest.raises(ValueError, match="outcome 'nope': unknown"):
        timeseries_for(["nope"])


def test_a_sensitivity_design_records_less_and_gets_the_full_runs_outcomes(monkeypatch):
    from clustersim.experiment import sensitivity as module

    recorded = []

    def run_many(configs, *args):
        recorded.extend(c.output.timeseries for c in configs)
        return module_run_many(configs, *args)

    module_run_many = module.run_many
    monkeypatch.setattr(module, "run_many", run_many)
    factors = [factor("market.selection", 2, 4)]
    X = np.array([[2.5], [3.5]])
    design = evaluate(X, factors, ["focal_employment", "concentration"], TINY)
    assert recorded == ["core", "core"]
    for (x,), got in zip(X, design.itertuples(), strict=True):
        cfg = make_config(TINY, **{"market.selection": x})
        assert cfg.output.timeseries == "full"
        want = run_outcomes(run(cfg).timeseries, ["focal_employment", "concentration"])
        assert (got.focal_employment, got.concentration) == tuple(want.values())
