"""Gather a sweep's jobs into one tidy table with every parameter as a column.

The shape NetLogo BehaviorSpace users expect: one row per (run, step, region), the varied and
fixed parameters alongside. Used by the ``clustersim-aggregate`` command and by a Hydra callback
at the end of every multirun.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from clustersim.config import flatten
from clustersim.recording import write_parquet

TABLE = "sweep_timeseries.parquet"


def job_dirs(sweep_dir: Path) -> list[Path]:
    """Job folders of a sweep: those holding a finished ``timeseries.parquet`` and config."""
    return sorted(
        p.parent
        for p in Path(sweep_dir).glob("*/timeseries.parquet")
        if (p.parent / "config.json").exists()
    )


def aggregate(sweep_dir: str | Path, out: str | Path | None = None) -> pd.DataFrame:
    """Combine every finished job under ``sweep_dir``; write ``sweep_timeseries.parquet``."""
    sweep_dir = Path(sweep_dir)
    frames = []
    for job in job_dirs(sweep_dir):
        ts = pd.read_parquet(job / "timeseries.parquet")
        params = flatten(json.loads((job / "config.json").read_text()))
        params = {
            f"param.{k}": (json.dumps(v) if isinstance(v, list) else v)
            for k, v in params.items()
            if not k.startswith("output.")
        }
        params["job"] = job.name
        cols = pd.DataFrame({k: [v] * len(ts) for k, v in params.items()}, index=ts.index)
        frames.append(pd.concat([ts, cols], axis=1))
    if not frames:
        raise FileNotFoundError(f"{sweep_dir}: no finished jobs (no */timeseries.parquet)")
    table = pd.concat(frames, ignore_index=True)
    write_parquet(table, Path(out) if out else sweep_dir / TABLE)
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="clustersim-aggregate", description=__doc__)
    parser.add_argument("sweep_dir", help="a multirun folder, e.g. results/multirun/<time>")
    parser.add_argument("-o", "--out", help=f"output file (default: <sweep_dir>/{TABLE})")
    args = parser.parse_args(argv)
    try:
        table = aggregate(args.sweep_dir, args.out)
    except FileNotFoundError as err:
        print(f"clustersim-aggregate: {err}", file=sys.stderr)
        sys.exit(2)
    print(
        f"{table['run_id'].nunique()} runs, {len(table)} rows -> "
        f"{args.out or Path(args.sweep_dir) / TABLE}"
    )


try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover - hydra is a core dependency
    Callback = object


class AggregateCallback(Callback):
    """Hydra callback: aggregate the sweep when a multirun ends."""

    def on_multirun_end(self, config, **kwargs) -> None:
        try:
            table = aggregate(config.hydra.sweep.dir)
            print(
                f"clustersim: aggregated {table['run_id'].nunique()} runs into "
                f"{Path(config.hydra.sweep.dir) / TABLE}"
            )
        except FileNotFoundError as err:
            print(f"clustersim: nothing to aggregate: {err}", file=sys.stderr)
