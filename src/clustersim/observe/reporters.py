"""Model-level reporters for ``mesa.DataCollector``, read from the recorder's newest block.

The :class:`~clustersim.observe.recording.Recorder` already aggregates every region each step;
these reporters only sum or pick from its newest block, so a DataCollector costs O(regions) a
step and always agrees with the tidy time series. They are module functions and partials, not
lambdas, so models that carry them can be pickled.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from clustersim.observe.indicators import concentration


def _block(model) -> dict[str, np.ndarray]:
    return model.recorder.blocks[-1]


def total(column: str, model) -> float:
    """``column`` summed over the regions."""
    return float(_block(model)[column].sum())


def focal(column: str, model) -> float:
    """``column`` in the focal region."""
    return float(_block(model)[column][model.focal])


def year(model) -> float:
    return float(_block(model)["year"][0])


def productivity(model) -> float:
    """Output per employee over all regions."""
    b = _block(model)
    emp = b["employment"].sum()
    return float(b["output"].sum() / emp) if emp > 0 else 0.0


def focal_share(model) -> float:
    """The focal region's share of the industry's employment."""
    emp = _block(model)["employment"]
    return float(emp[model.focal] / emp.sum()) if emp.sum() > 0 else 0.0


def employment_concentration(model) -> float:
    """Normalised Herfindahl index of employment over the regions (0 even, 1 all in one)."""
    return concentration(_block(model)["employment"])


def focal_stage(model) -> str:
    """The focal region's life-cycle stage (docs/lifecycle.md)."""
    return str(_block(model)["stage"][model.focal])


MODEL_REPORTERS = {
    "year": year,
    "firms": partial(total, "firms"),
    "employment": partial(total, "employment"),
    "output": partial(total, "output"),
    "productivity": productivity,
    "focal_firms": partial(focal, "firms"),
    "focal_employment": partial(focal, "employment"),
    "focal_share": focal_share,
    "concentration": employment_concentration,
    "stage": focal_stage,
    "entries": partial(total, "entries"),
    "exits": partial(total, "exits"),
    "spinoffs": partial(total, "spinoffs"),
    "innovations_incremental": partial(total, "innovations_incremental"),
    "innovations_radical": partial(total, "innovations_radical"),
    "focal_tie_density": partial(focal, "tie_density"),
    "focal_trust": partial(focal, "trust_mean"),
}

# the reporters that read columns ``output.timeseries = core`` does not record
FULL_ONLY = frozenset({"stage", "focal_tie_density", "focal_trust"})


def default_reporters(timeseries: str = "full") -> dict:
    """The DataCollector's reporters of a run recording the ``timeseries`` columns."""
    return {k: v for k, v in MODEL_REPORTERS.items() if timeseries == "full" or k not in FULL_ONLY}
