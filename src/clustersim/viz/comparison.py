"""The comparison view: the same seed with and without the chosen policy, side by side.

A simulation can observe what real evaluations cannot, the counterfactual (Whitebook L5213-5215,
L7700-7702). Both runs start from the app model's presets and seed and replay its logged
interventions; the twin drops the policy preset and every policy change, so the only
difference between the two is the policy (common random numbers: the policy code draws no
random numbers when switched off).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from clustersim.config import _resolved_types
from clustersim.viz import presets
from clustersim.viz.live import AppModel, Intervention, Setup, replay

POLICY_GROUP = "policy"  # the Hydra group of policy presets
POLICY_KEY = "policy"  # the config section of the instruments


def is_policy(iv: Intervention) -> bool:
    return iv.key == POLICY_KEY or iv.key.startswith(POLICY_KEY + ".")


def twin_setup(setup: Setup) -> Setup:
    """``setup`` with the policy preset replaced by ``none`` (or left out)."""
    options = presets.preset_groups().get(POLICY_GROUP, [])
    choices = dict(setup.choices)
    if POLICY_GROUP in choices or options:
        choices[POLICY_GROUP] = "none" if "none" in options else presets.UNSET
    return dataclasses.replace(setup, choices=tuple(sorted(choices.items())))


def key(model: AppModel) -> tuple:
    """What a comparison depends on: the setup and the interventions so far."""
    return (model.setup, tuple(model.interventions), tuple(model._pending))


@dataclass
class Comparison:
    key: tuple
    policy: pd.DataFrame
    twin: pd.DataFrame
    focal: int
    policy_interventions: int


def compare(model: AppModel, steps: int | None = None) -> Comparison:
    """Run the policy case and its twin for ``steps`` steps (default: the horizon)."""
    steps = model.cfg.steps if steps is None else steps
    log = list(model.interventions) + [
        dataclasses.replace(iv, step=model.t) for iv in model._pending
    ]
    with_policy = replay(model.setup, log, steps)
    twin = replay(twin_setup(model.setup), log, steps, keep=lambda iv: not is_policy(iv))
    return Comparison(
        key=key(model),
        policy=with_policy.frame(),
        twin=twin.frame(),
        focal=model.focal,
        policy_interventions=sum(is_policy(iv) for iv in log),
    )


def final_difference(c: Comparison, column: str) -> tuple[float, float]:
    """(with policy, without) of ``column`` in the focal region at the last step."""

    def last(df):
        f = df[df["region"] == c.focal]
        return float(f[column].iloc[-1])

    return last(c.policy), last(c.twin)


def summary_lines(c: Comparison) -> list[tuple[str, str]]:
    """(css class, text) lines of the comparison's readout."""
    year = float(c.policy["year"].iloc[-1])
    out = [("cs-cmp-year", f"Year {year:.0f}, focal region:")]
    for column, label in (("employment", "Employment"), ("firms", "Firms")):
        a, b = final_difference(c, column)
        rel = f" ({100 * (a - b) / b:+.1f} %)" if b else ""
        out.append(
            (
                f"cs-cmp-{column}",
                f"{label}: with policy {a:,.0f}, without {b:,.0f}, difference {a - b:+,.0f}{rel}",
            )
        )
    return out


@dataclass(frozen=True)
class Knob:
    """One live control of a policy instrument: a switch or an intensity slider."""

    key: str
    label: str
    kind: str  # "bool" or "float"
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.05


SWITCH_FIELDS = ("enabled", "on", "active")
TUNE_FIELDS = ("intensity",)


def policy_knobs(model: AppModel) -> list[Knob]:
    """A switch and an intensity slider for each instrument section of the policy config."""
    section = getattr(model.cfg, POLICY_KEY, None)
    if section is None or not dataclasses.is_dataclass(section):
        return []
    knobs = []
    types = _resolved_types(type(section))
    for f in dataclasses.fields(section):
        inst = getattr(section, f.name)
        if not dataclasses.is_dataclass(inst) or not isinstance(types[f.name], type):
            continue
        for g in dataclasses.fields(inst):
            dotted = f"{POLICY_KEY}.{f.name}.{g.name}"
            if g.name in SWITCH_FIELDS:
                knobs.append(Knob(dotted, f"{f.name} on", "bool"))
            elif g.name in TUNE_FIELDS:
                lo = g.metadata.get("lo", 0.0) or 0.0
                hi = g.metadata.get("hi", 1.0)
                hi = min(hi if hi is not None else 1.0, max(1.0, 4 * float(getattr(inst, g.name))))
                knobs.append(Knob(dotted, f"{f.name} {g.name}", "float", lo, hi, (hi - lo) / 40))
    return knobs
