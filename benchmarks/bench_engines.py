"""Firm-steps per second of the numba and the reference engine at 1,000 and 10,000 firms.

Run by ``make bench``. Both engines start from the same initial state (same config and seed) and
run the same quarters, so they do the same work: the engines follow the same trajectory
(``tests/test_engines.py``). Timing is warm: the numba cache is loaded before any clock starts,
and building the model is not timed. The reference engine is slow, so at 10,000 firms only a
few quarters are timed; the numba engine repeats those quarters from a fresh model and the
median counts. ``engine_s`` is the time spent inside the engine's methods; the rest of a step
is orchestration the two engines share (entry, finance, recording, hooks).

Both engines run on one core. Wall-clock seconds are the headline; CPU seconds of the process
are reported beside them because, on a machine shared with other work, they are much less
disturbed by other processes, and so is the ratio computed from them (``cpu_speedup``).

The labour pool grows with the number of firms, so that a large run has the labour-market
tightness of the default scenario instead of a wage explosion that kills most firms at once.
Writes ``results/bench/engines.csv`` and prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

from clustersim import make_config
from clustersim.conf import Config
from clustersim.model.engine import ENGINE_METHODS
from clustersim.model.model import ClusterModel
from clustersim.observe.recording import atomic_write

# quarters timed and numba repeats per size; the reference runs its quarters once
PLAN = {1_000: (10, 5), 10_000: (4, 5)}


def bench_config(n_firms: int, engine: str) -> Config:
    return make_config(
        n_firms=n_firms,
        engine=engine,
        years=10,
        **{"output.write": False, "output.figures": False},
    )


class EngineClock:
    """Wraps an engine's methods and adds up the wall seconds spent inside them."""

    def __init__(self, engine) -> None:
        self.seconds = 0.0
        for name in ENGINE_METHODS:
            setattr(engine, name, self._timed(getattr(engine, name)))

    def _timed(self, method):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0

        return timed


def time_steps(n_firms: int, engine: str, steps: int) -> dict:
    """Wall, CPU and engine seconds of ``steps`` quarters from the initial state, and the
    firm-steps done (live firms at the start of each quarter, summed)."""
    model = ClusterModel(bench_config(n_firms, engine))
    clock = EngineClock(model.engine)
    firm_steps = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        firm_steps += int(model.firms.alive.sum())
        model.step()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"firm_steps": firm_steps, "wall_s": wall, "cpu_s": cpu, "engine_s": clock.seconds}


def warm_numba() -> None:
    """Compile or load every kernel from the cache before any clock starts."""
    ClusterModel(bench_config(60, "numba")).run(2)


def bench(sizes: list[int]) -> pd.DataFrame:
    warm_numba()
    rows = []
    for n in sizes:
        steps, repeats = PLAN.get(n, (3, 5))
        runs = {
            "numba": [time_steps(n, "numba", steps) for _ in range(repeats)],
            "reference": [time_steps(n, "reference", steps)],
        }
        for engine, results in runs.items():
            firm_steps = results[0]["firm_steps"]
            assert all(r["firm_steps"] == firm_steps for r in results)
            row = {"firms": n, "engine": engine, "steps": steps, "repeats": len(results)}
            row["firm_steps"] = firm_steps
            for key in ("wall_s", "cpu_s", "engine_s"):
                row[key] = statistics.median(r[key] for r in results)
            row["firm_steps_per_s"] = firm_steps / row["wall_s"]
            row["cpu_firm_steps_per_s"] = firm_steps / row["cpu_s"]
            rows.append(row)
    df = pd.DataFrame(rows)
    ref = df[df.engine == "reference"].set_index("firms")
    for key, name in (
        ("wall_s", "speedup"),
        ("cpu_s", "cpu_speedup"),
        ("engine_s", "engine_speedup"),
    ):
        df[name] = df.firms.map(ref[key]) / df[key]
    return df


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(PLAN))
    parser.add_argument("--out", type=Path, default=Path("results/bench/engines.csv"))
    args = parser.parse_args(argv)
    df = bench(args.sizes)
    atomic_write(args.out, lambda tmp: df.to_csv(tmp, index=False))
    with pd.option_context("display.width", 160, "display.float_format", "{:,.3f}".format):
        print(df.to_string(index=False))
    for n, row in df[df.engine == "numba"].set_index("firms").iterrows():
        print(
            f"{n:>6} firms: numba {row.speedup:.1f}x the reference per step, wall clock "
            f"({row.cpu_speedup:.1f}x in CPU time; {row.engine_speedup:.1f}x inside the engines)"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
