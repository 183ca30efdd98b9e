"""Matplotlib figures of a run or of a set of replications."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from clustersim.analysis.figures import save as save_figure  # noqa: E402

REGION_COLOURS = plt.get_cmap("tab10")


def _band(ax, ts: pd.DataFrame, column: str, focal: int) -> None:
    """Mean over replications per region, with a band from the 10th to the 90th percentile."""
    for r, g in ts.groupby("region"):
        by_step = g.groupby("year")[column]
        mean = by_step.mean()
        lo, hi = by_step.quantile(0.1), by_step.quantile(0.9)
        style = dict(lw=2.4) if r == focal else dict(lw=1.4)
        label = f"region {r}" + (" (focal)" if r == focal else "")
        ax.plot(mean.index, mean.values, color=REGION_COLOURS(r % 10), label=label, **style)
        ax.fill_between(mean.index, lo.values, hi.values, color=REGION_COLOURS(r % 10), alpha=0.15)
    ax.set_xlabel("year")
    ax.grid(alpha=0.3)


def run_figure(
    ts: pd.DataFrame, firms: pd.DataFrame, size: float, focal: int, path: Path, title: str = ""
) -> Path:
    """Firms and employment by region over time, and the final map of firms sized by jobs."""
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), constrained_layout=True)
    _band(axes[0], ts, "firms", focal)
    axes[0].set_ylabel("firms")
    axes[0].set_title("Firms by region")
    _band(axes[1], ts, "employment", focal)
    axes[1].set_ylabel("employment")
    axes[1].set_title("Employment by region")
    axes[1].legend(fontsize=8, loc="upper left")
    ax = axes[2]
    n_reg = int(ts["region"].max()) + 1
    cols = int(np.ceil(np.sqrt(n_reg)))
    rows = int(np.ceil(n_reg / cols))
    for c in range(1, cols):
        ax.axvline(size * c / cols, color="0.7", lw=0.8)
    for r in range(1, rows):
        ax.axhline(size * r / rows, color="0.7", lw=0.8)
    if len(firms):
        colours = [REGION_COLOURS(int(r) % 10) for r in firms["region"]]
        s = 4 + 60 * np.sqrt(firms["emp"] / firms["emp"].max())
        ax.scatter(firms["x"], firms["y"], s=s, c=colours, alpha=0.6, edgecolors="none")
    ax.set_xlim(0, size)
    ax.set_ylim(0, size)
    ax.set_aspect("equal")
    ax.set_title(f"Firms at the end (replication 0), n={len(firms)}\nsized by employment")
    ax.set_xlabel("km")
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)
