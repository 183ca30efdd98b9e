"""Scalar outcomes of one run, named so that sweeps, sensitivity designs, EMA models and the
studies ask for the same numbers by the same name.

Each outcome maps a run's tidy time series (one ``run_id``, rows per (step, region)) to one number.
"Focal" means the focal region, where policies act (``is_focal``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from clustersim.observe.indicators import concentration
from clustersim.observe.recording import RECORDED


def _focal(ts: pd.DataFrame) -> pd.DataFrame:
    return ts[ts["is_focal"]].sort_values("step")


def _end(ts: pd.DataFrame, column: str) -> float:
    f = _focal(ts)
    return float(f[column].iloc[-1])


def _focal_share(ts: pd.DataFrame) -> float:
    last = ts[ts["step"] == ts["step"].max()]
    total = last["employment"].sum()
    return float(last.loc[last["is_focal"], "employment"].sum() / total) if total > 0 else 0.0


def _concentration(ts: pd.DataFrame) -> float:
    last = ts[ts["step"] == ts["step"].max()].sort_values("region")
    return concentration(last["employment"].to_numpy())


def _innovations(ts: pd.DataFrame) -> float:
    f = _focal(ts)
    return float((f["innovations_incremental"] + f["innovations_radical"]).sum())


def _peak_ratio(ts: pd.DataFrame) -> float:
    """Focal employment at the end over its peak: 1 = still at its peak, 0 = gone."""
    emp = _focal(ts)["employment"].to_numpy()
    return float(emp[-1] / emp.max()) if emp.max() > 0 else 0.0


# name -> (the outcome of a time series, what it is, the columns it reads)
OUTCOMES: dict[str, tuple[Callable[[pd.DataFrame], float], str, tuple[str, ...]]] = {
    "focal_firms": (
        lambda ts: _end(ts, "firms"),
        "firms in the focal region at the end",
        ("firms",),
    ),
    "focal_employment": (
        lambda ts: _end(ts, "employment"),
        "focal employment at the end",
        ("employment",),
    ),
    "focal_output": (lambda ts: _end(ts, "output"), "focal output at the end", ("output",)),
    "focal_productivity": (
        lambda ts: _end(ts, "mean_productivity"),
        "focal output per worker at the end",
        ("mean_productivity",),
    ),
    "focal_share": (
        _focal_share,
        "focal share of the industry's employment at the end",
        ("employment",),
    ),
    "concentration": (
        _concentration,
        "normalised HHI of employment over regions at the end",
        ("employment",),
    ),
    "focal_ties": (lambda ts: _end(ts, "ties"), "ties touching focal firms at the end", ("ties",)),
    "focal_trust": (
        lambda ts: _end(ts, "trust_mean"),
        "mean trust on focal ties at the end",
        ("trust_mean",),
    ),
    "focal_innovations": (
        _innovations,
        "focal innovations over the whole run",
        ("innovations_incremental", "innovations_radical"),
    ),
    "focal_peak_ratio": (
        _peak_ratio,
        "focal employment at the end over its peak",
        ("employment",),
    ),
}


def check_outcomes(names) -> list[str]:
    """Refuse unknown outcome names with the list of known ones."""
    names = list(names)
    unknown = [n for n in names if n not in OUTCOMES]
    if unknown:
        raise ValueError(f"outcome {unknown[0]!r}: unknown; allowed: {', '.join(OUTCOMES)}")
    return names


def timeseries_for(names) -> str:
    """The ``output.timeseries`` that records every column the outcomes ``names`` read:
    ``core`` when it suffices (a sweep then skips the network statistics and the life-cycle
    observer), else ``full``."""
    core = set(RECORDED["core"])
    reads = {c for n in check_outcomes(names) for c in OUTCOMES[n][2]}
    return "core" if reads <= core else "full"


def run_outcomes(ts: pd.DataFrame, names=None) -> dict[str, float]:
    """The named outcomes of one run's time series (all of them by default)."""
    names = check_outcomes(names if names is not None else OUTCOMES)
    if "run_id" in ts.columns and ts["run_id"].nunique() > 1:
        raise ValueError("run_outcomes takes one run; group the table by run_id first")
    return {n: float(np.nan_to_num(OUTCOMES[n][0](ts), nan=0.0)) for n in names}


def table(ts: pd.DataFrame, names=None, keys=("run_id",)) -> pd.DataFrame:
    """One row per run (grouped by ``keys``, which must identify runs) with its outcomes."""
    rows = []
    for key, g in ts.groupby(list(keys), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key, strict=True)), **run_outcomes(g, names)})
    return pd.DataFrame(rows)
