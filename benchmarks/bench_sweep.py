"""Sweep throughput: runs per minute of a Hydra multirun with one and with two joblib workers.

    .venv/bin/python benchmarks/bench_sweep.py [--jobs 16] [--workers 1 2] [--figures]

Each job is one replication of the default scenario (300 firms, 40 years) with its own seed.
The wall time covers the whole command: Hydra start-up, the numba warm-up, the workers' start,
the jobs, their files and the final aggregation, i.e. what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def sweep(n_jobs: int, workers: int, figures: bool, folder: Path) -> float:
    cmd = [
        sys.executable,
        "-m",
        "clustersim",
        "-m",
        f"seed=range(0,{n_jobs})",
        "replications=1",
        f"output.figures={'true' if figures else 'false'}",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={workers}",
        f"hydra.sweep.dir={folder}",
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=folder.parent)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--figures", action="store_true", help="draw each job's figure too")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"{args.jobs} jobs of 1 run each (300 firms, 40 years), figures={args.figures}, "
        f"{os.cpu_count()} cores, load average before: {load:.1f}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for w in args.workers:
            wall = sweep(args.jobs, w, args.figures, Path(tmp) / f"w{w}")
            print(f"workers={w}: {wall:6.1f} s  ->  {60 * args.jobs / wall:6.1f} runs/min")


if __name__ == "__main__":
    main()
