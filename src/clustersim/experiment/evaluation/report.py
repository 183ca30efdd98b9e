"""The result of an evaluation: its tables, the files it writes and the analyst's first table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim.analysis.plots_evaluation import effects_figure
from clustersim.observe.recording import atomic_write, check_folder, write_parquet


def mode(s) -> str:
    """The most frequent value and its share, e.g. 'mature 70%'."""
    if s is None or len(s) == 0:
        return "n/a"
    counts = pd.Series(list(s)).value_counts()
    return f"{counts.index[0]} {counts.iloc[0] / counts.sum():.0%}"


@dataclass
class Evaluation:
    """Tidy results. ``table``: every measure with its 95% CI, one row per (scenario, metric,
    scope, when), ``when`` being the policy's end, ``years_after`` later, or the run's end;
    ``over_time``: the paired differences at every step; ``summary``: one row per scenario (what
    :meth:`format` prints); ``replicates``: each replication's paired measures; ``baseline``:
    the twins' levels at the end."""

    table: pd.DataFrame
    over_time: pd.DataFrame
    summary: pd.DataFrame
    baseline: pd.DataFrame
    replicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    years_after: float = 5.0

    def write(self, folder: str | Path, figure: bool = True) -> Path:
        out = check_folder(folder)
        for name in ("table", "over_time", "summary", "replicates"):
            df = getattr(self, name)
            write_parquet(df, out / f"{name}.parquet")
            atomic_write(out / f"{name}.csv", lambda tmp, df=df: df.to_csv(tmp, index=False))
        if figure:
            self.figure(out / "effects.png")
        return out

    def figure(self, path: str | Path) -> Path:
        return effects_figure(self.over_time, self.summary, path)

    def format(self) -> str:
        """The analyst's first table: per policy its cost, the additional jobs in the target
        region when support ends (95% CI), cost per job, deadweight, jobs displaced from the
        other regions, the share of the jobs kept N years later, jobs at the run's end and the
        life-cycle stage reached (twin's in brackets)."""
        b, sm = self.baseline, self.summary
        lines = []
        if len(b):
            lines.append(
                f"no-policy baseline (target region at the run's end, {b.replication.nunique()} "
                f"replications): employment {b.employment.mean():.0f} ± {b.employment.std():.0f}, "
                f"firms {b.firms.mean():.0f} ± {b.firms.std():.0f}, stage {mode(b.stage)}"
            )
        head = (
            f"{'policy':<13}{'cost':>7} {'add. jobs [95% CI]':>20} {'cost/job [95% CI]':>23} "
            f"{'deadwt':>7} {'displ.':>7} {'kept ' + format(self.years_after, 'g') + 'y':>7} "
            f"{'jobs@end':>9}  {'stage (twin)'}"
        )
        lines += [head, "-" * (len(head) + 12)]
        for _, r in sm.iterrows():
            jobs = f"{r.jobs:+.0f} [{r.jobs_low:+.0f}, {r.jobs_high:+.0f}]"
            if r.cost > 0:
                cpj = f"{_f(r.cost_per_job)} [{_f(r.cost_per_job_low)}, {_f(r.cost_per_job_high)}]"
            else:
                cpj = "no budget cost"
            lines.append(
                f"{r.scenario:<13}{r.cost:>7.0f} {jobs:>20} {cpj:>23} {_pct(r.deadweight):>7} "
                f"{r.displaced_jobs:>+7.0f} {_pct(r.retained_share):>7} {r.jobs_run_end:>+9.0f}  "
                f"{r.stage} ({r.stage_twin})"
            )
        if len(sm):
            lines.append(
                f"add. jobs: policy minus twin in the target region when support ends (year "
                f"{sm.policy_end_year.mean():.3g}); cost/job: total spend per additional job then, "
                "'?' when the jobs' interval spans zero; deadwt: funded actions that happened in "
                "the twin too; displ.: jobs lost in the other regions; kept: share of the "
                "additional jobs left later; jobs@end: additional jobs at the run's end."
            )
            gain = sm.variance_reduction.median()
            if np.isfinite(gain):
                lines.append(
                    f"pairing: each policy run is compared with its twin on the same random "
                    f"numbers; the variance of add. jobs is {gain:.1f}x smaller than between "
                    f"independent runs (median over policies), so {int(sm.replications.max())} "
                    f"paired replications give the interval width of "
                    f"{sm.unpaired_replications.median():.0f} unpaired ones."
                )
        return "\n".join(lines)


def _f(x) -> str:
    if not np.isfinite(x):
        return "?"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _pct(x) -> str:
    return f"{x:.0%}" if np.isfinite(x) else "n/a"
