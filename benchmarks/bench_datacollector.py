"""What Mesa's DataCollector costs on top of the array recorder: a default 40-year run.

Three variants of the same run (default config, 300 initial firms, 160 quarters), interleaved
and repeated so that load from other processes hits them alike:

* ``off``: ``ClusterModel(collect=False)``, the recorder only (what ``clustersim.run`` does);
* ``model reporters``: the default, the model-level reporters of
  ``clustersim.observe.reporters`` after every step;
* ``+ firm reporter``: also one agent-type reporter on every Firm every step.

Construction and the run are timed together; numba is warmed first. Wall seconds are the
headline; CPU seconds of the process are less disturbed on a shared machine. On a busy machine
whole-run differences of a few percent are noise, so one ``collect`` call of each kind is also
timed alone, on the state at the end of a default run. Prints both tables
(docs/guide-academics.md quotes them).

    python benchmarks/bench_datacollector.py --repeats 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import mesa
import pandas as pd

from clustersim.model.model import ClusterModel
from clustersim.observe.reporters import MODEL_REPORTERS
from clustersim.world.agents import Firm

VARIANTS = {
    "off": {"collect": False},
    "model reporters": {},
    "+ firm reporter": {"agenttype_reporters": {Firm: {"employees": "emp"}}},
}


def one_run(kwargs: dict) -> tuple[float, float, int]:
    w0, c0 = time.perf_counter(), time.process_time()
    model = ClusterModel(**kwargs)
    model.run_model()
    return time.perf_counter() - w0, time.process_time() - c0, model.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ClusterModel(n_firms=30, years=1).run_model()  # compile or load the numba kernels
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    steps = 0
    for _ in range(args.repeats):
        for name, kwargs in VARIANTS.items():
            wall, cpu, steps = one_run(kwargs)
            times[name].append((wall, cpu))
    base_wall = statistics.median(w for w, _ in times["off"])
    base_cpu = statistics.median(c for _, c in times["off"])
    rows = []
    for name, ts in times.items():
        wall = statistics.median(w for w, _ in ts)
        cpu = statistics.median(c for _, c in ts)
        rows.append(
            {
                "variant": name,
                "wall_s_median": round(wall, 3),
                "wall_s_min": round(min(w for w, _ in ts), 3),
                "cpu_s_median": round(cpu, 3),
                "overhead_wall_%": round(100 * (wall / base_wall - 1), 1),
                "overhead_cpu_%": round(100 * (cpu / base_cpu - 1), 1),
                "ms_per_step_cpu": round(1000 * (cpu - base_cpu) / steps, 3),
            }
        )
    print(f"default run: {steps} steps, {args.repeats} repeats of each variant")
    print(pd.DataFrame(rows).to_string(index=False))
    print(collect_alone(base_cpu, steps).to_string(index=False))


def collect_alone(run_cpu: float, steps: int) -> pd.DataFrame:
    """CPU time of one ``DataCollector.collect`` on the final state of a default run."""
    model = ClusterModel(collect=False)
    model.run_model()
    collectors = {
        "model reporters": ({"model_reporters": MODEL_REPORTERS}, 2000),
        "firm reporter": (
            {"agenttype_reporters": VARIANTS["+ firm reporter"]["agenttype_reporters"]},
            200,
        ),
    }
    rows = []
    for name, (kwargs, calls) in collectors.items():
        dc = mesa.DataCollector(**kwargs)
        dc.collect(model)  # reporters are validated once, on the first call
        c0 = time.process_time()
        for _ in range(calls):
            dc.collect(model)
        per = (time.process_time() - c0) / calls
        rows.append(
            {
                "collect alone": name,
                "firms": len(model.firms.live),
                "us_per_collect": round(1e6 * per, 1),
                "share_of_run_%": round(100 * per * (steps + 1) / run_cpu, 1),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    main()
