"""The CLI's job: run a scenario's replications, write their files, print a summary."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pandas as pd

from clustersim.analysis.plots import run_figure
from clustersim.analysis.plots_lifecycle import lifecycle_figure
from clustersim.conf import Config, coerce, to_dict
from clustersim.experiment.run import RunResult, run
from clustersim.observe.indicators import concentration
from clustersim.observe.lifecycle import stage_summary
from clustersim.observe.recording import check_folder, write_json, write_parquet


def replicate(cfg: Config, replications: int | None = None) -> list[RunResult]:
    """Replications 0..R-1 of one scenario and seed (children of one SeedSequence)."""
    n = cfg.replications if replications is None else replications
    return [run(dataclasses.replace(cfg, replication=r)) for r in range(n)]


def summary_table(ts: pd.DataFrame) -> pd.DataFrame:
    """Per region: firms and employment at start and end, mean and sd over replications."""
    first, last = ts["step"].min(), ts["step"].max()
    rows = []
    for r, g in ts.groupby("region"):
        row = {"region": r}
        for label, step in (("start", first), ("end", last)):
            at = g[g["step"] == step]
            for col in ("firms", "employment"):
                row[f"{col}_{label}"] = at[col].mean()
                row[f"{col}_{label}_sd"] = at[col].std(ddof=1) if len(at) > 1 else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def concentration_by_replication(ts: pd.DataFrame) -> pd.DataFrame:
    """Regional employment concentration at the start and the end of each replication."""
    first, last = ts["step"].min(), ts["step"].max()
    rows = []
    for rep, g in ts.groupby("replication"):
        rows.append(
            {
                "replication": rep,
                "start": concentration(g[g.step == first]["employment"].to_numpy()),
                "end": concentration(g[g.step == last]["employment"].to_numpy()),
            }
        )
    return pd.DataFrame(rows)


def format_summary(table: pd.DataFrame, conc: pd.DataFrame) -> str:
    lines = [
        f"{'region':>6} | {'firms start':>14} {'firms end':>14} | "
        f"{'employment start':>18} {'employment end':>18}"
    ]
    for _, row in table.iterrows():

        def ms(col, row=row):
            return f"{row[col]:.0f} ± {row[col + '_sd']:.0f}"

        lines.append(
            f"{int(row.region):>6} | {ms('firms_start'):>14} {ms('firms_end'):>14} | "
            f"{ms('employment_start'):>18} {ms('employment_end'):>18}"
        )
    lines.append(
        f"employment concentration over regions (normalised HHI): start "
        f"{conc.start.mean():.3f} ± {conc.start.std(ddof=1) if len(conc) > 1 else 0:.3f}, "
        f"end {conc.end.mean():.3f} ± {conc.end.std(ddof=1) if len(conc) > 1 else 0:.3f}"
    )
    return "\n".join(lines)


def simulate(config, out_dir: str | Path | None = None, echo=print) -> pd.DataFrame:
    """Run, write and summarise a scenario's replications; returns the combined time series."""
    cfg = coerce(config)
    out = Path(out_dir or cfg.output.dir)
    if cfg.output.write:  # a folder that cannot be written is refused before the runs
        check_folder(out, "out_dir" if out_dir else "output.dir")
    t0 = time.perf_counter()
    results = replicate(cfg)
    ts = pd.concat([r.timeseries for r in results], ignore_index=True)
    staged = cfg.output.timeseries == "full"  # a core series has no life-cycle stages
    if cfg.output.write:
        for r in results:
            r.write(out / "replications" / f"rep_{r.config.replication:03d}")
        write_json(to_dict(cfg), out / "config.json")
        write_parquet(ts, out / "timeseries.parquet")
        if cfg.output.figures:
            run_figure(
                ts,
                results[0].firms,
                cfg.world.size,
                cfg.world.focal_region,
                out / "figures" / "regions.png",
                title=f"{cfg.scenario_name} / {cfg.sector_name}: "
                f"{len(results)} replications, seed {cfg.seed}",
            )
            if staged:
                lifecycle_figure(
                    ts,
                    out / "figures" / "lifecycle.png",
                    title=f"{cfg.scenario_name} / {cfg.sector_name} / "
                    f"{cfg.circumstance_name} / process {cfg.process_name}",
                )
    wall = time.perf_counter() - t0
    table = summary_table(ts)
    conc = concentration_by_replication(ts)
    echo(
        f"clustersim: scenario={cfg.scenario_name} sector={cfg.sector_name} seed={cfg.seed} "
        f"replications={len(results)} years={cfg.years} engine={cfg.engine}"
    )
    echo(format_summary(table, conc))
    if staged:
        echo(stage_summary(ts))
    else:
        echo("focal cluster: life-cycle stages not recorded (output.timeseries=core)")
    if cfg.output.write:
        echo(f"wrote {out}/timeseries.parquet, replications/, figures/ in {wall:.1f} s")
    return ts
