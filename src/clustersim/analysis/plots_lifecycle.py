"""Life-cycle figures: stage band under the employment curve, initiative phase timeline, and
small multiples comparing presets."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from clustersim.analysis.figures import save as save_figure  # noqa: E402
from clustersim.analysis.figures import small_multiples  # noqa: E402
from clustersim.institutions.initiative import PHASE_COLOURS, PHASES  # noqa: E402
from clustersim.observe.lifecycle import STAGE_COLOURS, STAGES  # noqa: E402


def _focal(ts: pd.DataFrame) -> pd.DataFrame:
    rows = ts[ts["is_focal"]] if "is_focal" in ts.columns else ts[ts["region"] == 0]
    return rows.sort_values(["replication", "step"]) if "replication" in rows else rows


def _segments(values: np.ndarray):
    """(start, end, value) runs of equal consecutive values (end exclusive)."""
    cuts = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.r_[0, cuts]
    ends = np.r_[cuts, len(values)]
    return [(s, e, values[s]) for s, e in zip(starts, ends, strict=True)]


def stage_band(ax, years: np.ndarray, employment: np.ndarray, stages: np.ndarray) -> None:
    """Employment curve of one run with the area under it coloured by life-cycle stage."""
    for s, e, stage in _segments(np.asarray(stages)):
        sl = slice(s, min(e + 1, len(years)))  # overlap one point so the bands join
        ax.fill_between(years[sl], 0, employment[sl], color=STAGE_COLOURS[stage], lw=0)
    ax.plot(years, employment, color="black", lw=1.2)
    ax.set_ylim(bottom=0)


def _strip(ax, years: np.ndarray, labels: np.ndarray, colours: dict, y: float, h: float) -> None:
    step = years[1] - years[0] if len(years) > 1 else 1.0
    for s, e, lab in _segments(np.asarray(labels)):
        ax.broken_barh([(years[s], years[e - 1] - years[s] + step)], (y, h), color=colours[lab])


def _legend(where, colours: dict, names) -> None:
    """A one-row legend of coloured patches above an axes, or below a figure."""
    handles = [Patch(color=colours[n], label=n) for n in names]
    if isinstance(where, plt.Figure):
        where.legend(handles=handles, fontsize=8, loc="outside lower center", ncol=len(names))
    else:
        where.legend(
            handles=handles,
            fontsize=7,
            loc="lower right",
            bbox_to_anchor=(1, 1),
            ncol=len(names),
            frameon=False,
        )


def lifecycle_figure(ts: pd.DataFrame, path: Path, title: str = "") -> Path:
    """Top: the focal cluster's employment in replication 0 with its stage as a coloured band
    underneath. Middle: one stage strip per replication. Bottom (when an initiative ran): one
    phase strip per replication and the member count of replication 0."""
    focal = _focal(ts)
    reps = sorted(focal["replication"].unique()) if "replication" in focal else [0]
    has_phase = "phase" in focal.columns
    rows = 3 if has_phase else 2
    fig, axes = plt.subplots(
        rows,
        1,
        figsize=(10, 2.2 + 1.6 * rows),
        sharex=True,
        constrained_layout=True,
        gridspec_kw={"height_ratios": [3] + [1.2] * (rows - 1)},
    )
    first = focal[focal["replication"] == reps[0]] if "replication" in focal else focal
    years = first["year"].to_numpy()
    stage_band(axes[0], years, first["employment"].to_numpy(), first["stage"].to_numpy())
    axes[0].set_ylabel("employment (focal)")
    _legend(axes[0], STAGE_COLOURS, STAGES)
    for k, rep in enumerate(reps):
        g = focal[focal["replication"] == rep] if "replication" in focal else focal
        _strip(axes[1], g["year"].to_numpy(), g["stage"].to_numpy(), STAGE_COLOURS, k, 0.8)
        if has_phase:
            _strip(axes[2], g["year"].to_numpy(), g["phase"].to_numpy(), PHASE_COLOURS, k, 0.8)
    for ax, what in zip(axes[1:], ("stage", "initiative phase"), strict=False):
        ax.set_yticks(np.arange(len(reps)) + 0.4, [str(r) for r in reps], fontsize=7)
        ax.set_ylabel("replication")
        ax.set_title(f"{what.capitalize()} by replication", fontsize=9, loc="left")
    if has_phase:
        _legend(axes[2], PHASE_COLOURS, [p for p in PHASES if p != "none"])
        twin = axes[2].twinx()
        twin.plot(years, first["members"].to_numpy(), color="black", lw=1)
        twin.set_ylabel("members (rep 0)", fontsize=8)
    axes[-1].set_xlabel("year")
    heading = "Focal cluster: employment (replication 0) coloured by life-cycle stage"
    fig.suptitle(f"{title}\n{heading}" if title else heading, fontsize=11)
    return save_figure(fig, path)


def modal_stage(focal: pd.DataFrame) -> pd.Series:
    """Most frequent stage over replications at each year (ties broken by stage order)."""
    order = {s: i for i, s in enumerate(STAGES)}
    counts = focal.groupby(["year", "stage"]).size().reset_index(name="n")
    counts["rank"] = counts["stage"].map(order)
    best = counts.sort_values(["year", "n", "rank"], ascending=[True, False, True])
    return best.drop_duplicates("year").set_index("year")["stage"]


def preset_multiples(runs: dict[str, pd.DataFrame], path: Path, title: str = "") -> Path:
    """One small panel per preset: the focal cluster's median employment over replications
    (10-90 % band) with the area under it coloured by the modal stage."""
    n = len(runs)
    fig, axes = small_multiples(n, 4, 3.4, 2.5)
    cols = axes.shape[1]
    top = max(_focal(ts)["employment"].quantile(0.95) for ts in runs.values())
    for ax, (name, ts) in zip(axes.flat, runs.items(), strict=False):
        focal = _focal(ts)
        by_year = focal.groupby("year")["employment"]
        med = by_year.median()
        stages = modal_stage(focal).reindex(med.index).to_numpy()
        stage_band(ax, med.index.to_numpy(), med.to_numpy(), stages)
        ax.fill_between(
            med.index, by_year.quantile(0.1), by_year.quantile(0.9), color="black", alpha=0.12
        )
        ax.set_title(name, fontsize=9)
        ax.set_ylim(0, top * 1.05)
        ax.tick_params(labelsize=7)
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.axis("off")
        elif k + cols >= n:  # the lowest panel of its column
            ax.set_xlabel("year", fontsize=8)
            ax.tick_params(labelbottom=True)
    _legend(fig, STAGE_COLOURS, STAGES)
    fig.supylabel("focal employment (median, modal stage)")
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)
