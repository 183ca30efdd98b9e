"""clustersim as an EMA Workbench model: uncertainties, levers, outcomes, scenario discovery.

    from clustersim.experiment.ema import clustersim_model
    model = clustersim_model(
        uncertainties={"world.bridging_trust": (0.1, 0.6), "n_firms": (100, 400)},
        levers={"trust.tie_cost": (0.0, 0.2)},
        outcomes=["focal_employment", "concentration"],
        base={"years": 20}, replications=3,
    )
    from ema_workbench import perform_experiments
    experiments, outcomes = perform_experiments(model, scenarios=64, policies=4)

Parameter names are clustersim's dotted keys; the Workbench wants Python identifiers, so the model
exposes them with ``__`` for ``.`` (``world__bridging_trust``) and maps them back. Integer
parameters become ``IntegerParameter``, booleans ``BooleanParameter``, a list of values a
``CategoricalParameter``. Replications are the Workbench's: each one is clustersim replication
``r`` of the same root seed, so every scenario meets the same random numbers; each outcome is
the mean over the replications.

With ``twin=`` (overrides that switch the intervention off, e.g. the no-policy baseline), each
experiment also runs its counterfactual twin with the same seed and replication and reports
``added_<outcome>`` = outcome with intervention - outcome of the twin: the additionality that
PRIM then explains ("under which conditions does the broker add more than X jobs?").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clustersim.analysis.outcomes import check_outcomes, run_outcomes, timeseries_for
from clustersim.conf import ConfigError, iter_params, make_config


def ema_name(key: str) -> str:
    return key.replace(".", "__")


def config_key(name: str) -> str:
    return name.replace("__", ".")


def _deep_merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = (
            _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        )
    return out


def _nested(flat: dict) -> dict:
    out: dict = {}
    for key, value in flat.items():
        node = out
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return out


@dataclass
class ClusterSimFunction:
    """The callable the Workbench runs: keyword parameters in, a dict of outcomes out.

    A plain, picklable object, so the Workbench's multiprocessing evaluator can ship it."""

    base: dict
    outcomes: list[str]
    twin: dict | None = None
    types: dict = field(default_factory=dict)

    def config(self, params: dict, extra: dict | None = None):
        values = {}
        for name, v in params.items():
            key = config_key(name)
            tp = self.types.get(key)
            if isinstance(v, np.generic):
                v = v.item()
            values[key] = int(round(v)) if tp is int else bool(v) if tp is bool else v
        replication = int(values.pop("replication", 0))
        data = _deep_merge(_deep_merge(self.base, _nested(values)), extra or {})
        # what is kept is the outcomes: record only the columns they read
        output = {"write": False, "figures": False, "timeseries": timeseries_for(self.outcomes)}
        data = _deep_merge(data, {"output": output})
        return make_config(data, replication=replication)

    def __call__(self, **params) -> dict:
        from clustersim.experiment.run import run

        res = run_outcomes(run(self.config(params)).timeseries, self.outcomes)
        if self.twin is None:
            return res
        twin = run_outcomes(run(self.config(params, self.twin)).timeseries, self.outcomes)
        return {**res, **{f"added_{k}": res[k] - twin[k] for k in self.outcomes}}


def _types() -> dict[str, type]:
    return {key: type(default) for key, default, _ in iter_params()}


def _parameters(spec: dict, types: dict):
    from ema_workbench import (
        BooleanParameter,
        CategoricalParameter,
        IntegerParameter,
        RealParameter,
    )

    params = []
    for key, rng in spec.items():
        if key not in types:
            raise ConfigError(f"{key}: unknown parameter; see docs/parameters.md for the keys")
        name, tp = ema_name(key), types[key]
        if tp is bool:
            params.append(BooleanParameter(name))
        elif isinstance(rng, list):
            params.append(CategoricalParameter(name, rng))
        else:
            lo, hi = rng
            make_config(**{key: tp(lo)}), make_config(**{key: tp(hi)})  # range checked by name
            cls = IntegerParameter if tp is int else RealParameter
            params.append(cls(name, tp(lo), tp(hi)))
    return params


def clustersim_model(
    uncertainties: dict,
    outcomes: list[str],
    levers: dict | None = None,
    base: dict | None = None,
    replications: int = 1,
    twin: dict | None = None,
    name: str = "clustersim",
):
    """An EMA ``ReplicatorModel`` over clustersim (see the module docstring)."""
    from ema_workbench import ReplicatorModel, ScalarOutcome

    outcomes = check_outcomes(outcomes)
    types = _types()
    make_config(base or {})  # a bad fixed value fails here, not in a worker
    model = ReplicatorModel(name, function=ClusterSimFunction(base or {}, outcomes, twin, types))
    model.uncertainties = _parameters(uncertainties, types)
    model.levers = _parameters(levers or {}, types)
    names = outcomes + ([f"added_{o}" for o in outcomes] if twin is not None else [])
    # the mean over the replications (the Workbench hands each outcome's replications as a list)
    model.outcomes = [ScalarOutcome(n, kind=ScalarOutcome.INFO, function=np.mean) for n in names]
    model.replications = [{"replication": r} for r in range(replications)]
    return model


def discover(
    experiments: pd.DataFrame,
    y: np.ndarray,
    density: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_qp: float | None = 0.05,
):
    """PRIM over the inputs: a box of conditions under which ``y`` (boolean) mostly holds.

    Peels the Workbench's PRIM trajectory and selects the box of largest coverage whose density
    (share of cases inside the box where ``y`` holds) is at least ``density``; if none reaches
    it, the densest box. Restrictions whose quasi-p-value exceeds ``max_qp`` are then dropped
    one at a time, least significant first (the Workbench's ``drop_restriction``): PRIM peels
    noise dimensions too, and a box should name only conditions that matter. Returns (box,
    stats, limits): ``stats`` has coverage, density, mass and the number of restricted
    dimensions, ``limits`` the restricted inputs' min, max and quasi-p-values."""
    from ema_workbench.analysis import prim

    x = experiments.drop(columns=["scenario", "policy", "model"], errors="ignore")
    x = x.loc[:, x.nunique() > 1].reset_index(drop=True)
    alg = prim.Prim(x, np.asarray(y, dtype=bool), peel_alpha=peel_alpha, mass_min=mass_min)
    box = alg.find_box()
    traj = box.peeling_trajectory
    ok = np.flatnonzero(traj["density"].to_numpy() >= density)
    box.select(int(ok[0]) if len(ok) else int(traj["density"].to_numpy().argmax()))
    while True:
        stats, limits = box.inspect(style="data")[0]
        limits.columns = ["min", "max", "qp_low", "qp_high"]
        qp = limits[["qp_low", "qp_high"]].min(axis=1)
        if max_qp is None or len(limits) <= 1 or qp.max() <= max_qp:
            return box, stats, limits
        box.drop_restriction(qp.idxmax())
