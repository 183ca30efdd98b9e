"""The comparison view: the same seed with and without the chosen policy, side by side.

A simulation can observe what real evaluations cannot, the counterfactual (Whitebook L5213-5215,
L7700-7702). Both runs start from the app model's presets and seed and replay its logged
interventions; the twin drops the policy preset and every policy change. Until the first
programme acts the two runs are identical (a policy switched off draws no random numbers); from
then on the policy's own random draws shift the twin's later chance events too, so a single seed
mixes the policy's effect with luck. The view therefore also repeats the pair for the next
seeds and reports the spread of the difference.

This is the one place where a policy run and its twin are measured: the app's comparison page
and the worksheets' numbers (:mod:`clustersim.viz.exercises`) both call :func:`pair`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from clustersim.conf import STEPS_PER_YEAR
from clustersim.institutions.policies.mix import effective_programmes
from clustersim.viz import presets
from clustersim.viz.live import (
    AppModel,
    Intervention,
    Setup,
    advance,
    affiliates,
    model_kwargs,
)

POLICY_GROUP = "policy"  # the Hydra group of policy presets
POLICY_KEY = "policy"  # the config section of the instruments
YEARS = (15, 25)  # the years the comparison reports (those within the horizon, and the horizon)
# Focal-region measures of a run: label and unit as the page prints them.
MEASURES = {
    "employment": ("Employment", "jobs"),
    "firms": ("Firms", "firms"),
    "tie_density": ("Tie density", "share of possible local ties"),
    "affiliates": ("Affiliates", "foreign MNE firms"),
    "local_knowledge": ("Local firms' knowledge", "mean stock of the non-MNE firms"),
}
# Spend is in cash units: one unit is a worker's wage for a quarter at the base wage.
SPEND_UNIT = "cash units (1 = a worker's base wage for a quarter)"


def is_policy(iv: Intervention) -> bool:
    return iv.key == POLICY_KEY or iv.key.startswith(POLICY_KEY + ".")


def has_policy(model: AppModel) -> bool:
    """Whether a twin differs from the run at all: a programme from the policy preset, or a
    policy change among the interventions (queued ones included)."""
    changes = [*model.interventions, *model._pending]
    return bool(effective_programmes(model.cfg.policy)) or any(map(is_policy, changes))


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


def report_years(horizon: int, years=YEARS) -> tuple[float, ...]:
    """``years`` that lie within the horizon, and the horizon itself."""
    return tuple(sorted({float(y) for y in years if 0 < y <= horizon} | {float(horizon)}))


def focal_state(m: AppModel) -> dict:
    """The focal region's measures (:data:`MEASURES`) now, and the policy spend so far.
    Employment, firms and tie density as recorded in the time series (what the charts show)."""
    f = m.firms
    live = f.live
    focal = f.region[live] == m.focal
    mne = f.is_mne[live]
    ts = m.frame()
    last = ts[ts["region"] == m.focal].iloc[-1]
    local = f.kstock[live][focal & ~mne]
    return {
        "employment": float(last["employment"]),
        "firms": int(last["firms"]),
        "tie_density": float(last["tie_density"]),
        "affiliates": affiliates(m),
        "local_knowledge": float(local.mean()) if local.size else float("nan"),
        "spend": float(ts["policy_spend"].sum()) if "policy_spend" in ts else 0.0,
    }


def pair(setup: Setup, log: list[Intervention], years) -> tuple[list[dict], AppModel, AppModel]:
    """Run ``setup`` with the logged interventions and its no-policy twin side by side; one row
    per year of ``years`` with each measure ``<name>_policy`` and ``<name>_twin`` and the spend
    so far. Returns the rows and the two models at the last year."""
    policy = AppModel(**model_kwargs(setup))
    twin = AppModel(**model_kwargs(twin_setup(setup)))
    rows = []
    for year in years:
        step = round(year * STEPS_PER_YEAR)
        advance(policy, log, step)
        advance(twin, log, step, keep=lambda iv: not is_policy(iv))
        a, b = focal_state(policy), focal_state(twin)
        rows.append(
            {
                "seed": setup.seed,
                "year": float(year),
                "spend": a["spend"],
                **{f"{k}_policy": a[k] for k in MEASURES},
                **{f"{k}_twin": b[k] for k in MEASURES},
            }
        )
    return rows, policy, twin


@dataclass
class Comparison:
    key: tuple
    policy: pd.DataFrame  # the model's own seed, with the policy
    twin: pd.DataFrame  # the same seed without it
    focal: int
    by_seed: pd.DataFrame  # one row per (seed, year): see :func:`pair`

    @property
    def years(self) -> list[float]:
        return sorted(self.by_seed["year"].unique())


def compare(model: AppModel, years=None, seeds: int = 1) -> Comparison:
    """The model's seed and the ``seeds - 1`` seeds after it, each with and without the policy,
    measured at ``years`` (default: :data:`YEARS` within the horizon, and the horizon)."""
    years = report_years(model.cfg.years) if years is None else tuple(years)
    log = list(model.interventions) + [
        dataclasses.replace(iv, step=model.t) for iv in model._pending
    ]
    rows, first = [], None
    for k in range(seeds):
        setup = dataclasses.replace(model.setup, seed=model.setup.seed + k)
        got, a, b = pair(setup, log, years)
        rows += got
        first = first or (a.frame(), b.frame())
    return Comparison(key(model), first[0], first[1], model.focal, pd.DataFrame(rows))


def differences(c: Comparison) -> pd.DataFrame:
    """Per (seed, year): the policy run minus its twin for every measure (local knowledge as a
    relative difference), and the spend so far."""
    s = c.by_seed
    out = s[["seed", "year", "spend"]].copy()
    for k in MEASURES:
        out[k] = s[f"{k}_policy"] - s[f"{k}_twin"]
    out["local_knowledge"] = s["local_knowledge_policy"] / s["local_knowledge_twin"] - 1
    return out


def fmt_measure(measure: str, x: float, diff: bool = False) -> str:
    """A measure's value (or, with ``diff``, a signed difference; local knowledge in %)."""
    if x is None or x != x:
        return "n/a"
    sign = "+" if diff else ""
    if measure == "tie_density":
        return f"{_unsigned_zero(x, 3):{sign}.3f}"
    if measure == "local_knowledge":
        return f"{_unsigned_zero(100 * x, 1):+.1f} %" if diff else f"{x:.2f}"
    return f"{_unsigned_zero(x, 0):{sign},.0f}"


def _unsigned_zero(x: float, digits: int) -> float:
    """``x``, or +0.0 where it rounds to zero: a difference of -0.04 jobs reads "+0", not "-0"."""
    return x if round(x, digits) != 0 else 0.0


def year_label(year: float) -> str:
    return f"{year:g}"


def spend_line(c: Comparison, year: float) -> str:
    """The model's own seed: money spent to ``year`` and per additional job."""
    one = c.by_seed[(c.by_seed.seed == c.by_seed.seed.iloc[0]) & (c.by_seed.year == year)].iloc[0]
    extra = one.employment_policy - one.employment_twin
    text = f"Policy spend to year {year_label(year)}: {one.spend:,.1f} {SPEND_UNIT}"
    if one.spend > 0 and extra > 0:
        per = one.spend / extra
        text += (
            f"; {per:,.1f} cash units per additional job "
            f"(about {per / STEPS_PER_YEAR:,.1f} years of a worker's base wage)"
        )
    elif one.spend > 0:
        text += "; no additional jobs, so no cost per job"
    return text


def summary_lines(c: Comparison) -> list[tuple[str, str]]:
    """(css class, text) lines of the comparison's readout: per year, the model's own seed with
    and without the policy, then the spread of the difference over the seeds."""
    d = differences(c)
    s = c.by_seed
    seed0 = int(s.seed.iloc[0])
    seeds = sorted(s.seed.unique())
    out = []
    for year in c.years:
        y = year_label(year)
        tag = y.replace(".", "_")
        one = s[(s.seed == seed0) & (s.year == year)].iloc[0]
        out.append((f"cs-cmp-year cs-cmp-y{tag}", f"Year {y}, focal region, seed {seed0}:"))
        for k, (label, unit) in MEASURES.items():
            a, b = one[f"{k}_policy"], one[f"{k}_twin"]
            diff = d[(d.seed == seed0) & (d.year == year)][k].iloc[0]
            out.append(
                (
                    f"cs-cmp-{k} cs-cmp-{k}-y{tag}",
                    f"{label} ({unit}): with policy {fmt_measure(k, a)}, without (twin) "
                    f"{fmt_measure(k, b)}, difference {fmt_measure(k, diff, diff=True)}",
                )
            )
        out.append((f"cs-cmp-spend cs-cmp-spend-y{tag}", spend_line(c, year)))
        if len(seeds) > 1:
            dy = d[d.year == year]
            for k in ("employment", "tie_density"):
                x = dy[k]
                out.append(
                    (
                        f"cs-cmp-seeds cs-cmp-seeds-{k}-y{tag}",
                        f"Over seeds {seeds[0]}-{seeds[-1]} at year {y}: "
                        f"{MEASURES[k][0].lower()} difference "
                        f"{fmt_measure(k, x.mean(), diff=True)} on "
                        f"average (sd {fmt_measure(k, x.std(ddof=1))}; positive in "
                        f"{int((x > 0).sum())} of {len(x)})",
                    )
                )
    return out


def seed_table(c: Comparison, year: float) -> pd.DataFrame:
    """The per-seed table of ``year`` as the page shows it: each measure with the policy, in the
    twin and the difference."""
    s = c.by_seed[c.by_seed.year == year].reset_index(drop=True)
    d = differences(c)
    d = d[d.year == year].reset_index(drop=True)
    cols = {"seed": s.seed.astype(int)}
    for k, (label, _) in MEASURES.items():
        if k == "firms":
            continue
        cols[f"{label}: policy"] = [fmt_measure(k, x) for x in s[f"{k}_policy"]]
        cols[f"{label}: twin"] = [fmt_measure(k, x) for x in s[f"{k}_twin"]]
        cols[f"{label}: difference"] = [fmt_measure(k, x, diff=True) for x in d[k]]
    cols["spend"] = [f"{x:,.1f}" for x in s.spend]
    return pd.DataFrame(cols)
