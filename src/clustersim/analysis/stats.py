"""Means and differences with 95% confidence intervals over replications (Student t)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the (low, high) t-interval of ``x``; a single value gives a zero-width interval."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    if len(x) < 2:
        return m, m, m
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - half, m + half


def paired_diff_ci(a, b, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``a - b`` over paired replications (common random numbers) with its interval."""
    return mean_ci(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), level)


def proportion_ci(successes: int, n: int, level: float = 0.95) -> tuple[float, float, float]:
    """Share with its Wilson score interval (sound for shares near 0 or 1 and small n)."""
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, float(centre - half), float(centre + half)


def fmt(est: tuple[float, float, float], digits: int = 2) -> str:
    """``12.3 [10.1, 14.5]``."""
    m, lo, hi = est
    return f"{m:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


def ratio_ci(num, den, n: int = 4000, seed: int = 0) -> tuple[float, float, float]:
    """Ratio of means ``mean(num) / mean(den)`` with a paired percentile bootstrap interval
    (NaN bounds when the denominator's resamples change sign)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    est = float(num.mean() / den.mean()) if den.mean() != 0 else float("nan")
    idx = np.random.default_rng(seed).integers(0, len(num), size=(n, len(num)))
    d = den[idx].mean(axis=1)
    if np.any(np.sign(d) != np.sign(den.mean())) or den.mean() == 0:
        return est, float("nan"), float("nan")
    lo, hi = np.quantile(num[idx].mean(axis=1) / d, [0.025, 0.975])
    return est, float(lo), float(hi)


def diff_of_ratios(a_num, a_den, b_num, b_den, n: int = 4000, seed: int = 0):
    """``mean(a_num)/mean(a_den) - mean(b_num)/mean(b_den)`` with a paired percentile bootstrap
    interval (all four arrays are paired by replication and resampled together)."""
    a_num, a_den, b_num, b_den = (np.asarray(v, dtype=float) for v in (a_num, a_den, b_num, b_den))
    idx = np.random.default_rng(seed).integers(0, len(a_num), size=(n, len(a_num)))

    def ratio(num, den, i=None):
        return (
            (num[i].mean(axis=-1) / den[i].mean(axis=-1))
            if i is not None
            else num.mean() / den.mean()
        )

    est = float(ratio(a_num, a_den) - ratio(b_num, b_den))
    lo, hi = np.quantile(ratio(a_num, a_den, idx) - ratio(b_num, b_den, idx), [0.025, 0.975])
    return est, float(lo), float(hi)
