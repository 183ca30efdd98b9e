"""Means, differences and ratios with 95% confidence intervals over replications (Student t,
Wilson, Fieller, bootstrap)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def mean_ci_n(x, level: float = 0.95) -> tuple[float, float, float, int]:
    """Mean, t-interval and number of the finite values of ``x``; fewer than two values give no
    interval (NaN bounds), so a table can say how many replications an estimate rests on."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    m = float(x.mean())
    if n < 2:
        return m, np.nan, np.nan, n
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return m, m - half, m + half, n


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the (low, high) t-interval of ``x``; a single value gives a zero-width interval."""
    m, lo, hi, n = mean_ci_n(x, level)
    return (m, m, m) if n == 1 else (m, lo, hi)


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


def fieller_ratio_ci(num, den) -> tuple[float, float, float, int]:
    """Ratio of means of paired samples with Fieller's 95% interval (Fieller 1954): bounded
    exactly when the denominator's own t-interval excludes zero, else (estimate, nan, nan)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = np.isfinite(num) & np.isfinite(den)
    num, den = num[ok], den[ok]
    n = len(num)
    if n < 2 or den.mean() == 0:
        return np.nan, np.nan, np.nan, n
    a, b = num.mean(), den.mean()
    cov = np.cov(num, den, ddof=1) / n
    v11, v12, v22 = cov[0, 0], cov[0, 1], cov[1, 1]
    t = stats.t.ppf(0.975, n - 1)
    q = a / b
    g = t**2 * v22 / b**2
    if g >= 1:
        return float(q), np.nan, np.nan, n  # the denominator may be zero: no finite bound
    disc = v11 - 2 * q * v12 + q**2 * v22 - g * (v11 - v12**2 / v22 if v22 > 0 else 0.0)
    half = t / abs(b) * np.sqrt(max(disc, 0.0))
    centre = q - g * v12 / v22 if v22 > 0 else q
    lo, hi = (centre - half) / (1 - g), (centre + half) / (1 - g)
    return float(q), float(lo), float(hi), n


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
