"""Concentration indices over regions (used by the summaries, the tests and the life cycle)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustersim.observe.kernels import concentration as kernel_concentration


def concentration(shares: np.ndarray) -> float:
    """Normalised Herfindahl index of regional shares: 0 = spread evenly, 1 = all in one region
    (``kernels.concentration``, which the life-cycle observer computes in its pass)."""
    return float(kernel_concentration(np.ascontiguousarray(shares, dtype=float)))


def location_quotient(ts: pd.DataFrame, region: int, column: str = "employment") -> pd.Series:
    """Share of the industry's ``column`` in ``region`` over that region's share of the labour
    pool at set-up, per step (regions have equal pools unless a preset scales the focal one;
    migration moves workers toward the industry's jobs, so the set-up pool is the reference)."""
    pivot = ts.pivot_table(index="step", columns="region", values=column, aggfunc="sum")
    share = pivot[region] / pivot.sum(axis=1).replace(0, np.nan)
    return share * pivot.shape[1]
