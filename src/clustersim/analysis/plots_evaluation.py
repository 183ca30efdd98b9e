"""Figure of a counterfactual evaluation (:mod:`clustersim.experiment.evaluation`): policy minus
its no-policy twin over time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clustersim.analysis.figures import save, small_multiples
from clustersim.conf import STEPS_PER_YEAR


def effects_figure(over_time: pd.DataFrame, summary: pd.DataFrame, path: str | Path) -> Path:
    """:func:`effects_plot` saved to ``path``."""
    return save(effects_plot(over_time, summary), path)


def effects_plot(over_time: pd.DataFrame, summary: pd.DataFrame):
    """Additional jobs in the target region over time with the 95% CI band (and the change in
    the other regions), one panel per policy; the shaded span is the support window."""
    names = list(summary.scenario)
    fig, axes = small_multiples(len(names), 3, 4.6, 3.4)
    for ax, name in zip(axes.flat, names, strict=False):
        d = over_time[(over_time.scenario == name) & (over_time.metric == "employment")]
        tgt = d[d.scope == "target"].sort_values("step")
        els = d[d.scope == "elsewhere"].sort_values("step")
        year = tgt.step / STEPS_PER_YEAR
        row = summary[summary.scenario == name].iloc[0]
        ax.axvspan(row.policy_start_year, row.policy_end_year, color="0.92", lw=0)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.fill_between(year, tgt.ci_low, tgt.ci_high, color="C0", alpha=0.25, lw=0)
        ax.plot(year, tgt["mean"], color="C0", lw=2, label="target region")
        ax.plot(
            els.step / STEPS_PER_YEAR,
            els["mean"],
            color="C3",
            lw=1.2,
            ls="--",
            label="other regions",
        )
        ax.set_title(f"{name}: cost {row.cost:.0f}", fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("year")
    for ax in axes[:, 0]:
        ax.set_ylabel("additional jobs vs twin")
    fig.suptitle("Policy minus no-policy twin: mean and 95% CI over replications; grey: support")
    return fig
