"""How fast runs are: what users run, where the time goes, and the numba engine against the
reference.

    .venv/bin/python benchmarks/bench_engines.py [--sizes 300 1000 10000 100000] [--no-sweep]

Four measurements, all in CPU seconds of this process (``time.process_time``), which other
work on a shared machine disturbs far less than the wall clock; the sweep alone is wall time,
because that is what a user waits for.

1. **Whole runs** of the default scenario at 300, 1,000, 10,000 and 100,000 firms: 40 years
   (100,000 firms: 10 years, to keep ``make bench`` within minutes), so ties, entry and exit are
   in their steady state for most of the run. Building the model is not timed; the numba cache
   is loaded before any clock starts. Small sizes repeat and the median counts.
   ``us_per_firm_step`` is CPU microseconds per live firm per quarter; ``ratio_to_10k`` compares
   it with the 10,000-firm run over the same first years.
2. **Sub-steps**: where a step's time goes (``ClusterModel.timings``, one run per size).
3. **Reference ratio** at 1,000 and 10,000 firms on whole steps in the steady state: one model
   runs 20 years on the numba engine, then copies of it run the same quarters on each engine
   (the engines follow the same trajectory: ``tests/test_engines.py``).
4. **Sweep throughput**: Sobol' studies (``clustersim-sensitivity``, 8 factors, N = 8 and 32, so
   80 and 320 runs of 500 firms x 40 years, ``--jobs 2``), wall time of the whole command; the
   line through the two splits it into start-up and a cost per run, which give the wall time
   of a 4,608-run study.
5. **Threads**: at 100,000 firms, the same quarters from one warm state (year 5) with
   ``threads`` = 1 and 2, wall time (threads share the work, so CPU time would not show it):
   the whole step and the sub-steps whose kernels run on the threads.

The labour pool grows with the number of firms (``world.labour_pool_per_firm``), so a large run
has the labour-market tightness of the default scenario. Writes ``results/bench/engines.csv``
(runs), ``substeps.csv``, ``reference.csv``, ``sweep.csv`` and a figure (``engines.png``, or
``--figure``: ``make bench`` draws ``docs/figures/bench.png``), ``threads.csv`` and prints the
tables the README shows.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim import make_config
from clustersim.model.engine import make_engine
from clustersim.model.model import ClusterModel
from clustersim.observe.recording import atomic_write
from clustersim.world.streams import Streams

# firms -> (years, repeats) of the whole runs
RUNS = {300: (40, 5), 1_000: (40, 3), 10_000: (40, 1), 100_000: (10, 1)}
# firms -> quarters timed on both engines after 20 years on numba, and numba repeats
REFERENCE = {1_000: (8, 5), 10_000: (4, 3)}
WARM_YEARS = 20
SOBOL = {
    "market.selection": "2:4",
    "entry.spinoff_rate": "0.002:0.006",
    "market.demand_growth": "0.003:0.007",
    "knowledge.radical_rate": "0.1:0.3",
    "knowledge.depreciation": "0.005:0.015",
    "trust.opportunism_mean": "0.05:0.11",
    "knowledge.proximity_range": "4:6",
    "market.fixed_cost": "0.5:0.7",
}
SOBOL_SIZES, SOBOL_FIRMS, SOBOL_JOBS = (8, 32), 500, 2  # N of the two studies timed
STUDY_RUNS = 4608  # the study the goal is set for (issue 14)
# what the clustersim-sensitivity command runs
SENSITIVITY = "import sys; from clustersim.experiment.sensitivity import main; main(sys.argv[1:])"
# the sub-steps whose kernels run on numba's threads with ``threads`` > 1, draws included
THREADED = ("market", "innovate", "projects", "spillovers", "search")


def bench_model(n_firms: int, years: int, engine: str = "numba") -> ClusterModel:
    cfg = make_config(
        n_firms=n_firms,
        engine=engine,
        years=years,
        **{"output.write": False, "output.figures": False},
    )
    return ClusterModel(cfg, collect=False)  # what clustersim.run builds


def run_steps(model: ClusterModel, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """CPU seconds after each of ``steps`` quarters, and the live firms at the start of each."""
    cpu, firms = np.zeros(steps), np.zeros(steps, dtype=np.int64)
    c0 = time.process_time()
    for i in range(steps):
        firms[i] = model.firms.alive.sum()
        model.step()
        cpu[i] = time.process_time() - c0
    return cpu, firms


def whole_runs(sizes: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, shares = [], []
    cpu_10k = None  # cumulative CPU and firm-steps of the 10k run, for the same-window ratio
    for n in sizes:
        years, repeats = RUNS.get(n, (10, 1))
        steps = 4 * years
        results = []
        for i in range(repeats):
            model = bench_model(n, years)
            if i == repeats - 1:
                model.timings = {}  # the last repeat also says where the time went
            results.append((*run_steps(model, steps), getattr(model, "timings", None)))
        firms = results[0][1]
        assert all(np.array_equal(r[1], firms) for r in results), "runs differ"
        cpu = statistics.median(r[0][-1] for r in results)
        if n == 10_000:
            cpu_10k = (results[0][0], np.cumsum(firms))
        row = {"firms": n, "years": years, "repeats": repeats}
        row.update(firm_steps=int(firms.sum()), cpu_s=cpu, ms_per_run=1e3 * cpu)
        row["M_firm_steps_per_s"] = firms.sum() / cpu / 1e6
        row["us_per_firm_step"] = 1e6 * cpu / firms.sum()
        rows.append(row)
        timings = results[-1][2] or {"step": cpu}  # a model without timings: no breakdown
        total = sum(timings.values())
        shares += [
            {"firms": n, "substep": k, "cpu_s": v, "share": v / total} for k, v in timings.items()
        ]
    df = pd.DataFrame(rows)
    if cpu_10k is not None:
        cum_cpu, cum_fs = cpu_10k
        ratio = []
        for _, r in df.iterrows():
            k = min(4 * int(r.years), len(cum_cpu)) - 1
            ratio.append(r.us_per_firm_step / (1e6 * cum_cpu[k] / cum_fs[k]))
        df["ratio_to_10k"] = ratio
    return df, pd.DataFrame(shares)


def reference_ratio(sizes: list[int]) -> pd.DataFrame:
    rows = []
    for n in sizes:
        steps, repeats = REFERENCE[n]
        warm = bench_model(n, WARM_YEARS + 5)
        warm.run(4 * WARM_YEARS)
        numba = []
        for _ in range(repeats):
            cpu, firms = run_steps(copy.deepcopy(warm), steps)
            numba.append(cpu[-1])
        ref = copy.deepcopy(warm)
        ref.engine = make_engine("reference")
        cpu, ref_firms = run_steps(ref, steps)
        assert np.array_equal(firms, ref_firms), "the engines left the same trajectory"
        row = {"firms": n, "from_year": WARM_YEARS, "quarters": steps, "firm_steps": firms.sum()}
        row.update(numba_cpu_s=statistics.median(numba), reference_cpu_s=cpu[-1])
        row["speedup"] = row["reference_cpu_s"] / row["numba_cpu_s"]
        rows.append(row)
    return pd.DataFrame(rows)


def threads_speedup(n_firms: int = 100_000, warm_years: int = 5, quarters: int = 8) -> pd.DataFrame:
    """Wall seconds of the same ``quarters`` from one warm state with 1 and with 2 threads: the
    whole step, and each sub-step whose kernels run on the threads (``THREADED``). Each count
    runs twice, alternately, and the faster run counts: the first copy of a 100,000-firm state
    pays for fresh memory as its arrays grow, which once made one thread look 20 % slower."""
    warm = bench_model(n_firms, warm_years + 3)
    warm.run(4 * warm_years)
    best: dict[int, dict[str, float]] = {}
    for threads in (1, 2, 1, 2):
        model = copy.deepcopy(warm)
        model.cfg = dataclasses.replace(model.cfg, threads=threads)
        model.engine = make_engine("numba", threads)
        model.streams = Streams(model.cfg.seed, model.cfg.replication, threads)
        model.run(1)  # compile or load the parallel kernels before the clock starts
        model.timings, model.clock = {}, time.perf_counter
        t0 = time.perf_counter()
        model.run(quarters)
        wall = {"step": time.perf_counter() - t0}
        wall.update({k: v for k, v in model.timings.items() if k in THREADED})
        if threads not in best or wall["step"] < best[threads]["step"]:
            best[threads] = wall
    rows = [
        {"firms": n_firms, "threads": threads, "part": k, "wall_s": v}
        for threads, wall in best.items()
        for k, v in wall.items()
    ]
    df = pd.DataFrame(rows)
    one = df[df.threads == 1].set_index("part").wall_s
    df["speedup"] = df.part.map(one) / df.wall_s
    return df


def sweep_throughput(sizes: tuple[int, ...] = SOBOL_SIZES) -> pd.DataFrame:
    """Wall time of Sobol' studies of two sizes through the command users run, and what a study
    of ``STUDY_RUNS`` runs costs: the line through the two (a fixed cost, the command's and the
    workers' start-up, plus a cost per run). A small study alone would put its start-up into
    every run of the large one."""
    rows = []
    for n in sizes:
        runs = n * (len(SOBOL) + 2)
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-c", SENSITIVITY, "--method", "sobol"]
            cmd += [f"--param={k}={v}" for k, v in SOBOL.items()]
            cmd += ["-N", str(n), "--replications", "1", "--jobs", str(SOBOL_JOBS)]
            cmd += ["--set", f"n_firms={SOBOL_FIRMS}", "--set", "years=40", "--out", tmp]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            wall = time.perf_counter() - t0
            design = pd.read_parquet(Path(tmp) / "design.parquet")
            assert len(design) == runs, f"the study ran {len(design)} points, not {runs}"
        rows.append({"factors": len(SOBOL), "N": n, "runs": runs, "firms": SOBOL_FIRMS})
        rows[-1].update(jobs=SOBOL_JOBS, wall_s=wall, runs_per_s=runs / wall)
    df = pd.DataFrame(rows)
    per_run = np.diff(df.wall_s).item() / np.diff(df.runs).item()
    df["startup_s"] = df.wall_s.iloc[0] - per_run * df.runs.iloc[0]
    df["s_per_run"] = per_run
    df[f"minutes_for_{STUDY_RUNS}_runs"] = (df.startup_s + per_run * STUDY_RUNS) / 60
    return df


def figure(runs: pd.DataFrame, shares: pd.DataFrame, path: Path, baseline=None) -> None:
    """Time per firm-step against firms (log-log; ``baseline``: an earlier engines.csv, dashed)
    and each sub-step's share of a step, by size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import ScalarFormatter

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    if baseline is not None:
        left.loglog(
            baseline.firms, baseline.us_per_firm_step, "s--", color="grey", label="baseline"
        )
    left.loglog(runs.firms, runs.us_per_firm_step, "o-", label="this run")
    left.set(
        xlabel="firms", ylabel="CPU microseconds per firm-step", title="Whole runs, numba engine"
    )
    for axis in (left.xaxis, left.yaxis):
        axis.set_major_formatter(ScalarFormatter())
    left.yaxis.set_minor_formatter(ScalarFormatter())
    left.grid(True, which="both", alpha=0.3)
    left.legend()
    table = shares.pivot(index="firms", columns="substep", values="share").fillna(0.0)
    table = table[table.mean().sort_values(ascending=False).index]
    bottom = np.zeros(len(table))
    labels = [f"{n:,}" for n in table.index]
    cmap = plt.get_cmap("tab20")
    for j, col in enumerate(table.columns):
        right.bar(labels, table[col], bottom=bottom, label=col, color=cmap(j % 20))
        bottom += table[col].to_numpy()
    right.set(xlabel="firms", ylabel="share of a step's CPU time", title="Sub-steps")
    right.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(RUNS))
    parser.add_argument("--reference", type=int, nargs="*", default=list(REFERENCE))
    parser.add_argument("--no-sweep", action="store_true", help="skip the Sobol' study")
    parser.add_argument("--no-threads", action="store_true", help="skip the threads' speed-up")
    parser.add_argument("--out", type=Path, default=Path("results/bench"))
    parser.add_argument("--figure", type=Path, help="where the figure goes (default: in --out)")
    parser.add_argument(
        "--baseline", type=Path, help="an earlier engines.csv, drawn for comparison"
    )
    args = parser.parse_args(argv)
    bench_model(60, 1).run(2)  # compile or load every kernel before any clock starts
    runs, shares = whole_runs(args.sizes)
    ref = reference_ratio([n for n in args.reference if n in REFERENCE])
    sweep = None if args.no_sweep else sweep_throughput()
    threads = None if args.no_threads else threads_speedup()
    tables = {"engines": runs, "substeps": shares, "reference": ref, "sweep": sweep}
    for name, df in {**tables, "threads": threads}.items():
        if df is not None:
            atomic_write(args.out / f"{name}.csv", lambda tmp, df=df: df.to_csv(tmp, index=False))
    baseline = pd.read_csv(args.baseline) if args.baseline else None
    figure(runs, shares, args.figure or args.out / "engines.png", baseline)
    with pd.option_context("display.width", 160, "display.float_format", "{:,.3f}".format):
        print(runs.to_string(index=False))
        print(shares.pivot(index="substep", columns="firms", values="share").to_string())
        print(ref.to_string(index=False))
        for df in (sweep, threads):
            if df is not None:
                print(df.to_string(index=False))
    print(f"wrote the tables to {args.out} and the figure")


if __name__ == "__main__":
    main()
