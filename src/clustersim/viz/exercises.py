"""The contrasts the teaching exercises ask students to make, run in batch.

The worksheets in ``docs/teaching/`` tell students what they should observe; those statements
quote numbers measured here, over several seeds, with the same app model the students drive.

    python -m clustersim.viz.exercises lock_in --seeds 8
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustersim.viz.live import AppModel


@dataclass(frozen=True)
class Contrast:
    """Runs of one exercise: label -> app-model keywords (same seeds for every label)."""

    exercise: str
    runs: dict[str, dict]
    measure: Callable[[AppModel], dict]


def shock_response(model: AppModel) -> dict:
    """How the focal cluster takes the exercise's technology shock: employment just before it,
    the lowest point after it (relative to before) and when, employment five years on and at
    the end; five years on, the share of employment in firms founded after the shock and the mean
    distance to demand in technology space of those newcomers and of the incumbents."""
    nan = float("nan")
    shock = model.cfg.shocks.steps[0]
    model.run(shock - model.t)
    first_new_uid = model.firms.next_uid
    model.run(20)
    fa = model.firms
    live = fa.live
    focal = fa.region[live] == model.focal
    emp = fa.emp[live]
    new = fa.uid[live] >= first_new_uid
    newcomers = emp[focal & new].sum() / max(emp[focal].sum(), 1e-12)
    dist = np.sqrt(((fa.kpos[live] - model.demand) ** 2).sum(axis=1))
    model.run(model.cfg.steps - model.t)
    ts = model.frame()
    f = ts[ts["region"] == model.focal].set_index("step")
    pre = float(f["employment"].loc[shock - 3 : shock].mean())
    after = f["employment"].loc[shock:]
    return {
        "pre_employment": pre,
        "trough": float(after.min()) / pre,
        "quarters_to_trough": int(after.idxmin()) - shock,
        "after_5y": float(after.loc[shock + 20]) / pre,
        "at_end": float(after.iloc[-1]) / pre,
        "newcomer_share_5y": float(newcomers),
        "newcomer_distance_5y": float(dist[focal & new].mean()) if (focal & new).any() else nan,
        "incumbent_distance_5y": float(dist[focal & ~new].mean()) if (focal & ~new).any() else nan,
        "heterogeneity_before": float(f["knowledge_heterogeneity"].loc[shock]),
        "external_share_before": float(f["external_tie_share"].loc[shock]),
    }


CONTRASTS = {
    "lock_in": Contrast(
        "lock_in",
        {
            "traditional (the exercise)": {},
            "automotive": {"preset_sector": "automotive"},
        },
        shock_response,
    ),
}


def measure(name: str, seeds: int = 8) -> pd.DataFrame:
    """One row per (run label, seed) with the exercise's measures."""
    c = CONTRASTS[name]
    rows = []
    for label, kw in c.runs.items():
        for seed in range(seeds):
            model = AppModel(seed=seed, exercise=c.exercise, **kw)
            rows.append({"run": label, "seed": seed, **c.measure(model)})
    return pd.DataFrame(rows)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds of every measure, per run label."""
    cols = [c for c in df.columns if c not in ("run", "seed")]
    g = df.groupby("run", sort=False)[cols]
    out = g.mean().round(3).astype(str) + " ± " + g.std(ddof=1).round(3).astype(str)
    return out.T


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m clustersim.viz.exercises")
    p.add_argument("exercise", choices=list(CONTRASTS))
    p.add_argument("--seeds", type=int, default=8)
    args = p.parse_args(argv)
    df = measure(args.exercise, args.seeds)
    print(f"{args.exercise}: mean ± sd over seeds 0-{args.seeds - 1}")
    print(summary(df).to_string())
    print("paired differences (first run minus second), per seed:")
    first, second = list(CONTRASTS[args.exercise].runs)
    a = df[df.run == first].set_index("seed")
    b = df[df.run == second].set_index("seed")
    print((a.drop(columns="run") - b.drop(columns="run")).round(3).to_string())


if __name__ == "__main__":
    main()
