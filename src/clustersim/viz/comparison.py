"""The comparison view: the same seed with and without the chosen policy, side by side.

A simulation can observe what real evaluations cannot, the counterfactual (Whitebook L5213-5215,
L7700-7702). Both runs start from the app model's presets and seed and replay its logged
interventions; the twin drops the policy preset and every policy change. Until the first
programme acts the two runs are identical (a policy switched off draws no random numbers); from
then on the policy's own random draws shift the twin's later chance events too, so a single seed
mixes the policy's effect with luck. The view therefore also repeats the pair for the next
seeds and reports the spread of the difference.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

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
    policy: pd.DataFrame  # the model's own seed, with the policy
    twin: pd.DataFrame  # the same seed without it
    focal: int
    by_seed: pd.DataFrame  # per seed: focal employment, firms and spend, with and without


def _final(df: pd.DataFrame, focal: int, column: str) -> float:
    return float(df.loc[df["region"] == focal, column].iloc[-1])


def compare(model: AppModel, steps: int | None = None, seeds: int = 1) -> Comparison:
    """Run the policy case and its twin for ``steps`` steps (default: the horizon), for the
    model's seed and the ``seeds - 1`` seeds after it."""
    steps = model.cfg.steps if steps is None else steps
    log = list(model.interventions) + [
        dataclasses.replace(iv, step=model.t) for iv in model._pending
    ]
    rows, first = [], None
    for k in range(seeds):
        setup = dataclasses.replace(model.setup, seed=model.setup.seed + k)
        a = replay(setup, log, steps).frame()
        b = replay(twin_setup(setup), log, steps, keep=lambda iv: not is_policy(iv)).frame()
        first = first or (a, b)
        rows.append(
            {
                "seed": setup.seed,
                "spend": float(a["policy_spend"].sum()) if "policy_spend" in a else 0.0,
                **{
                    f"{col}_{side}": _final(df, model.focal, col)
                    for col in ("employment", "firms")
                    for side, df in (("policy", a), ("twin", b))
                },
            }
        )
    return Comparison(key(model), first[0], first[1], model.focal, pd.DataFrame(rows))


def summary_lines(c: Comparison) -> list[tuple[str, str]]:
    """(css class, text) lines of the comparison's readout."""
    year = float(c.policy["year"].iloc[-1])
    s = c.by_seed
    one = s.iloc[0]
    out = [("cs-cmp-year", f"Year {year:.0f}, focal region, seed {int(one.seed)}:")]
    for column, label in (("employment", "Employment"), ("firms", "Firms")):
        a, b = one[f"{column}_policy"], one[f"{column}_twin"]
        rel = f" ({100 * (a - b) / b:+.1f} %)" if b else ""
        out.append(
            (
                f"cs-cmp-{column}",
                f"{label}: with policy {a:,.0f}, without {b:,.0f}, difference {a - b:+,.0f}{rel}",
            )
        )
    extra = one.employment_policy - one.employment_twin
    per_job = (
        f", {one.spend / extra:,.2f} per additional job" if one.spend > 0 and extra > 0 else ""
    )
    out.append(("cs-cmp-spend", f"Policy spend over the run: {one.spend:,.1f}{per_job}"))
    if len(s) > 1:
        d = s.employment_policy - s.employment_twin
        out.append(
            (
                "cs-cmp-seeds",
                f"Over seeds {int(s.seed.min())}-{int(s.seed.max())}: employment difference "
                f"{d.mean():+,.0f} on average (sd {d.std(ddof=1):,.0f}; "
                f"positive in {int((d > 0).sum())} of {len(d)})",
            )
        )
    return out
