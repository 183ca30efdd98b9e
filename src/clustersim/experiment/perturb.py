"""Perturbations of a running cluster, for experiments: removing firms (critical mass, P7) and
radical demand shocks against a no-shock twin (lock-in, P8 and study 5).

A removal is a StepHook added with ``model.add_hook``; it changes nothing until its step. A
shock is part of the config (``shocks.steps``, ``shocks.size``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from functools import partial

import pandas as pd

from clustersim.analysis.lifecycle_patterns import after_shock, shock_loss
from clustersim.conf import Config
from clustersim.conf.merge import configure
from clustersim.experiment.batch import run_many
from clustersim.model import ClusterModel
from clustersim.world.hooks import StepHook
from clustersim.world.streams import stream_code


class FirmRemoval(StepHook):
    """Remove a share of one region's firms at ``step`` (L1067-1101: critical mass).

    At that step every firm of the region draws one uniform and leaves when it is below
    ``share``, so with the same seed a larger share removes a superset of the firms a smaller
    one removes (common random numbers across doses). The firms leave the industry like exits:
    ``model.remove_firms`` counts them as exits and their cash leaves through ``model.transfers``.
    """

    name = "firm_removal"

    def __init__(self, step: int, share: float, region: int | None = None):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share={share!r}: allowed: float in [0, 1]")
        self.step, self.share, self.region = step, share, region
        self.removed = 0

    def before_entry(self, model) -> None:
        if model.t != self.step:
            return
        r = model.focal if self.region is None else self.region
        members = model.index.region_members(r)
        uid = model.firms.uid[members]
        u = model.streams.uniforms(stream_code(self.name), model.t, uid, 1)[:, 0]
        gone = members[u < self.share]
        model.remove_firms(gone)  # counts them as exits and books their cash
        self.removed = len(gone)


def removal_dose_response(cfg: Config, shares, step: int, replications: int) -> pd.DataFrame:
    """Remove each share of the focal firms at ``step`` (same seeds for every share) and record
    the focal cluster's employment at the end and whether it still leads the industry."""
    cfg = cfg.with_full_timeseries()  # the end stage is the life-cycle observer's
    rows = []
    for rep in range(replications):
        for share in shares:
            model = ClusterModel(dataclasses.replace(cfg, replication=rep))
            hook = FirmRemoval(step, share)
            model.add_hook(hook)
            model.run()
            emp = model.regions.emp
            rows.append(
                {
                    "replication": rep,
                    "share": share,
                    "removed": hook.removed,
                    "end_employment": float(emp[model.focal]),
                    "leads": bool(emp[model.focal] >= emp.max()),
                    "end_stage": model.lifecycle.stage(model),
                }
            )
    df = pd.DataFrame(rows)
    base = df[df["share"] == 0].set_index("replication")["end_employment"]
    df["loss"] = 1.0 - df["end_employment"] / df["replication"].map(base)
    return df


def _after_shock(result, step: int) -> dict:
    return after_shock(result.timeseries, step)


def shock_response(
    cfg: Config,
    arms: Mapping[str, Mapping],
    sizes: Sequence[float],
    step: int,
    replications: int,
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Each arm (its config overrides over ``cfg``: open and closed, say) hit at ``step`` by a
    demand shock of each size, and run without one, on the same seeds. One row per shocked run:
    the focal cluster's retention and decline (:func:`~clustersim.analysis.lifecycle_patterns.
    after_shock`), its structure before the shock, and ``loss``, the share of focal employment
    the shock itself cost against the same arm and seed without it."""
    cfg = cfg.with_full_timeseries()  # the structure before the shock is the observer's
    plan = [(arm, size, r) for arm in arms for size in (0.0, *sizes) for r in range(replications)]
    configs = []
    for arm, size, r in plan:
        shock = {"shocks.steps": [step], "shocks.size": size} if size else {}
        overrides = {**arms[arm], **shock}
        configs.append(configure(dataclasses.replace(cfg, replication=r), overrides=overrides))
    measured = run_many(configs, partial(_after_shock, step=step), n_jobs, progress)
    out = dict(zip(plan, measured, strict=True))
    rows = [
        {"arm": arm, "size": size, "replication": r, **m, "loss": shock_loss(m, out[arm, 0.0, r])}
        for (arm, size, r), m in out.items()
        if size
    ]
    return pd.DataFrame(rows)
