"""The industrial-dynamics measures (clustersim.analysis.industry) on panels with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim.analysis import industry


def _panel(years: dict[int, list[int]], emp=1.0, born=None) -> pd.DataFrame:
    rows = [
        {"year": y, "uid": u, "emp": emp, "prod": 1.0, "born": (born or {}).get(u, 0)}
        for y, uids in years.items()
        for u in uids
    ]
    return pd.DataFrame(rows)


def test_entry_and_exit_rates_count_firms_that_appear_and_disappear():
    p = _panel({1: [1, 2, 3, 4], 2: [1, 2, 5, 6, 7], 3: [1, 5, 6, 7]})
    d = industry.demography(p)
    assert d["entry_rate"] == pytest.approx((3 / 4 + 0 / 5) / 2)
    assert d["exit_rate"] == pytest.approx((2 / 4 + 1 / 5) / 2)


def test_survival_and_hazard_by_age():
    # born in year 2 (quarter 8): uid 10 lives to year 5, uid 11 dies after year 2; uid 1 is old
    born = {1: -40, 10: 8, 11: 8}
    p = _panel({1: [1], 2: [1, 10, 11], 3: [1, 10], 4: [1, 10], 5: [1, 10]}, born=born)
    s = industry.survival(p, ages=(2,))
    assert s["survive_2y"] == pytest.approx(0.5)  # of the two entrants, one is alive at age 2
    assert s["hazard_young"] == pytest.approx(1 / 4)  # one exit in four young firm-years
    assert s["hazard_old"] == 0.0


def test_hill_estimator_recovers_a_pareto_tail():
    rng = np.random.default_rng(0)
    emp = 1.0 + rng.pareto(1.0, 20_000)  # tail exponent 1 (Zipf)
    p = pd.DataFrame({"year": 1, "uid": np.arange(len(emp)), "emp": emp, "prod": 1.0, "born": 0})
    assert industry.size_distribution(p)["tail_exponent"] == pytest.approx(1.0, abs=0.08)


def test_growth_of_laplace_shocks_has_excess_kurtosis_three_and_no_size_effect():
    rng = np.random.default_rng(1)
    n, years = 4000, 6
    log_emp = np.zeros((years, n)) + rng.normal(2.0, 1.0, n)
    for t in range(1, years):
        log_emp[t] = log_emp[t - 1] + rng.laplace(0.0, 0.1, n)
    p = pd.DataFrame(
        {
            "year": np.repeat(np.arange(years), n),
            "uid": np.tile(np.arange(n), years),
            "emp": np.exp(log_emp).ravel(),
            "prod": 1.0,
            "born": 0,
        }
    )
    g = industry.growth(p)
    assert g["excess_kurtosis"] == pytest.approx(3.0, abs=0.5)
    assert abs(g["sd_size_slope"]) < 0.05 and abs(g["gibrat_slope"]) < 0.01
