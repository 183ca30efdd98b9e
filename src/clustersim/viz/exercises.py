"""The contrasts the teaching exercises ask students to make, run in batch.

The worksheets in ``docs/teaching/`` tell students what they should observe; those statements
quote numbers measured here, over several seeds, with the same app model the students drive.

    python -m clustersim.viz.exercises lock_in --seeds 8
    python -m clustersim.viz.exercises broker_empty --seeds 8
    python -m clustersim.viz.exercises fdi_absorptive --seeds 8
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR
from clustersim.viz import comparison, presets
from clustersim.viz.live import AppModel, readout


@dataclass(frozen=True)
class Contrast:
    """Runs of one exercise: label -> app-model keywords (same seeds for every label); the
    measure gets a fresh app model of each run."""

    exercise: str
    runs: dict[str, dict]
    measure: Callable[[AppModel], dict]


def shock_response(model: AppModel) -> dict:
    """How the focal cluster takes the exercise's technology shock: employment just before it,
    the lowest point after it (relative to before) and when, employment five years on and at
    the end; five years on, the share of employment in firms founded after the shock and the mean
    distance to demand in technology space of those newcomers and of the incumbents; and the
    numbers the status card shows at each of the exercise's checkpoints
    (:func:`checkpoint_readouts`)."""
    nan = float("nan")
    shock = model.cfg.shocks.steps[0]
    later = shock + 5 * STEPS_PER_YEAR
    seen = checkpoint_readouts(model, until=later)
    fa = model.firms
    live = fa.live
    focal = fa.region[live] == model.focal
    emp = fa.emp[live]
    new = fa.born[live] >= shock
    newcomers = emp[focal & new].sum() / max(emp[focal].sum(), 1e-12)
    dist = np.sqrt(((fa.kpos[live] - model.demand) ** 2).sum(axis=1))
    seen |= checkpoint_readouts(model, until=model.cfg.steps)
    ts = model.frame()
    f = ts[ts["region"] == model.focal].set_index("step")
    pre = float(f["employment"].loc[shock - 3 : shock].mean())
    after = f["employment"].loc[shock:]
    return {
        "pre_employment": pre,
        "trough": float(after.min()) / pre,
        "quarters_to_trough": int(after.idxmin()) - shock,
        "after_5y": float(after.loc[later]) / pre,
        "at_end": float(after.iloc[-1]) / pre,
        "newcomer_share_5y": float(newcomers),
        "newcomer_distance_5y": float(dist[focal & new].mean()) if (focal & new).any() else nan,
        "incumbent_distance_5y": float(dist[focal & ~new].mean()) if (focal & ~new).any() else nan,
        "heterogeneity_before": float(f["knowledge_heterogeneity"].loc[shock]),
        "external_share_before": float(f["external_tie_share"].loc[shock]),
        **seen,
    }


# What a worksheet asks students to note from the status card at a checkpoint (Readout fields).
READ_AT_CHECKPOINTS = ("employment", "heterogeneity", "external_share")


def checkpoint_readouts(model: AppModel, until: int) -> dict:
    """Run ``model`` to step ``until``, stopping at each of its exercise's checkpoints on the
    way to read the status card's numbers (:func:`clustersim.viz.live.readout`):
    ``<field>_y<year>`` for each field of :data:`READ_AT_CHECKPOINTS`."""
    out = {}
    for year in presets.checkpoints(model.setup.exercise):
        step = round(year * STEPS_PER_YEAR)
        if model.t < step <= until:
            model.run(step - model.t)
            r = readout(model)
            out |= {f"{k}_y{year:g}": float(getattr(r, k)) for k in READ_AT_CHECKPOINTS}
    model.run(until - model.t)
    return out


def policy_effect(model: AppModel) -> dict:
    """The exercise's policy against its no-policy twin (same seed), measured exactly as the
    app's comparison page measures it (:func:`clustersim.viz.comparison.compare`) at its years:
    the difference in each focal-region measure (local knowledge relative to the twin's), the
    policy run's affiliates, and the money spent so far."""
    c = comparison.compare(model)
    d = comparison.differences(c).set_index("year")
    s = c.by_seed.set_index("year")
    out = {}
    for year in c.years:
        y = f"{year:g}"
        for k in comparison.MEASURES:
            out[f"{k}_gain_y{y}"] = float(d.loc[year, k])
        out[f"affiliates_y{y}"] = int(s.loc[year, "affiliates_policy"])
        out[f"spend_to_y{y}"] = float(s.loc[year, "spend"])
    return out


CONTRASTS = {
    "lock_in": Contrast(
        "lock_in",
        {
            "traditional (the exercise)": {},
            "automotive": {"preset_sector": "automotive"},
        },
        shock_response,
    ),
    "broker_empty": Contrast(
        "broker_empty",
        {
            "empty region (the exercise)": {},
            "region with a base (share 0.4)": {"focal_share": 0.4},
        },
        policy_effect,
    ),
    "fdi_absorptive": Contrast(
        "fdi_absorptive",
        {
            "developing, FDI (the exercise)": {},
            "developing, FDI + training": {"preset_policy": "fdi_training"},
            "no special circumstance, FDI": {"preset_circumstance": "none"},
        },
        policy_effect,
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
    first_seed = df[df.seed == 0].set_index("run").drop(columns="seed")
    print("seed 0 (the app's default), what the app shows for it:")
    print(first_seed.T.round(4).to_string())
    first, *others = list(CONTRASTS[args.exercise].runs)
    a = df[df.run == first].set_index("seed").drop(columns="run")
    for other in others:
        b = df[df.run == other].set_index("seed").drop(columns="run")
        print(f"paired differences per seed: {first} minus {other}")
        print((a - b).round(3).to_string())


if __name__ == "__main__":
    main()
