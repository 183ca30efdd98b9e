"""Scale consistency: does the same scenario give the same geography at another industry size?

The model is meant to describe the same industry whether it starts with 300 or 3,000 firms:
demand (``market.demand_per_firm``), labour pools (``world.labour_pool_per_firm``) and the
critical mass (``market.critical_mass``, employees per initial firm; L1067-1101) all grow with
``n_firms``. What should then not change is the geography: how concentrated employment is over
the regions and how much of it the largest region holds (docs/ODD.md, "Scale";
docs/validation.md, "Scale consistency").

:func:`geography` measures one run, :func:`scale_table` summarises runs by size with 95%
intervals, :func:`compare_sizes` tests each size against a reference size (Welch). They read
numbers only from the runs, so they can be re-run after any change of the dynamics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st

from clustersim.analysis.stats import mean_ci_n
from clustersim.conf import STEPS_PER_YEAR
from clustersim.observe.indicators import concentration

MEASURES = ("concentration", "largest_share")


def geography(ts: pd.DataFrame, years=(40,)) -> pd.DataFrame:
    """Employment geography of every replication of ``ts`` at each of ``years``.

    One row per (replication, year): ``concentration`` (normalised Herfindahl index of
    employment over regions, the index of :func:`clustersim.observe.indicators.concentration`),
    ``largest_share`` (the largest region's share of employment), ``largest_region`` and the
    industry's ``employment`` and ``firms``. A year past the run's end is left out.
    """
    keys = [k for k in ("run_id", "replication") if k in ts.columns]
    rows = []
    for key, g in ts.groupby(keys, sort=True) if keys else [((), ts)]:
        key = key if isinstance(key, tuple) else (key,)
        for year in years:
            step = int(round(year * STEPS_PER_YEAR))
            at = g[g["step"] == step].sort_values("region")
            if at.empty:
                continue
            emp = at["employment"].to_numpy(dtype=float)
            total = emp.sum()
            rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "year": year,
                    "concentration": concentration(emp),
                    "largest_share": float(emp.max() / total) if total > 0 else 0.0,
                    "largest_region": int(at["region"].to_numpy()[emp.argmax()]),
                    "employment": float(total),
                    "firms": float(at["firms"].sum()),
                }
            )
    return pd.DataFrame(rows)


def scale_table(geo: pd.DataFrame, measures=MEASURES) -> pd.DataFrame:
    """Mean and 95% t-interval of each measure by (``n_firms``, ``year``) over replications.

    ``geo`` is :func:`geography` rows with an ``n_firms`` column."""
    rows = []
    for (n, year), g in geo.groupby(["n_firms", "year"], sort=True):
        row = {"n_firms": int(n), "year": year, "replications": len(g)}
        for m in measures:
            mean, lo, hi, _ = mean_ci_n(g[m])
            row.update({m: mean, f"{m}_lo": lo, f"{m}_hi": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def welch(a, b) -> dict:
    """Difference of means ``b - a``, its Welch standard error, the pooled-SE ratio
    ``|diff| / se`` and Welch's two-sided p-value."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = float(b.mean() - a.mean())
    se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    if se == 0.0:
        return {"diff": diff, "se": 0.0, "z": 0.0 if diff == 0 else np.inf, "p": float(diff == 0)}
    p = float(st.ttest_ind(a, b, equal_var=False).pvalue)
    return {"diff": diff, "se": se, "z": abs(diff) / se, "p": p}


def compare_sizes(geo: pd.DataFrame, reference: int | None = None, measures=MEASURES):
    """Each size against ``reference`` (the smallest by default), per year and measure:
    difference, Welch standard error, ``z = |diff| / se`` and p. Same geography within sampling
    error reads as ``z < 2``."""
    sizes = sorted(geo["n_firms"].unique())
    ref = sizes[0] if reference is None else reference
    rows = []
    for year, g in geo.groupby("year", sort=True):
        base = g[g["n_firms"] == ref]
        for n in sizes:
            if n == ref:
                continue
            other = g[g["n_firms"] == n]
            for m in measures:
                rows.append(
                    {"year": year, "n_firms": int(n), "reference": int(ref), "measure": m}
                    | welch(base[m], other[m])
                )
    return pd.DataFrame(rows)
