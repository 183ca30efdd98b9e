"""Concentration indices over regions (used by the summaries, the tests and the life cycle)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def concentration(shares: np.ndarray) -> float:
    """Normalised Herfindahl index of regional shares: 0 = spread evenly, 1 = all in one region."""
    s = np.asarray(shares, dtype=float)
    total = s.sum()
    n = len(s)
    if total <= 0 or n < 2:
        return 0.0
    h = ((s / total) ** 2).sum()
    return float((h - 1.0 / n) / (1.0 - 1.0 / n))


def concentration_over_time(ts: pd.DataFrame, column: str = "employment") -> pd.DataFrame:
    """Concentration of ``column`` across regions for every (run, step)."""
    keys = [k for k in ("run_id", "step") if k in ts.columns]
    out = ts.groupby(keys)[column].apply(lambda s: concentration(s.to_numpy()))
    return out.rename("concentration").reset_index()


def location_quotient(ts: pd.DataFrame, region: int, column: str = "employment") -> pd.Series:
    """Share of the industry's ``column`` in ``region`` over that region's share of the labour
    pool, per step (regions have equal pools unless a preset scales the focal one)."""
    pivot = ts.pivot_table(index="step", columns="region", values=column, aggfunc="sum")
    share = pivot[region] / pivot.sum(axis=1).replace(0, np.nan)
    return share * pivot.shape[1]
