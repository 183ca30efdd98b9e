"""The policy brief: an evaluation as one self-contained HTML page for a policy analyst.

:func:`write_brief` renders ``templates/brief.html.j2`` (Jinja2) with the scenario in words,
the comparison table with its 95% intervals, the effects figure (embedded as a PNG ``data:``
URI, so the file stands alone), the life-cycle stages reached, displacement and dependency in
one sentence each, the assumptions that drive the result (the mechanisms switched on and, given
a sensitivity run, the parameters that matter most) and the caveats the evaluation itself
raises. ``clustersim-evaluate --report`` writes it as ``brief.html``.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from clustersim.analysis.figures import data_uri
from clustersim.analysis.plots_evaluation import effects_plot
from clustersim.conf import Config, ConfigError
from clustersim.conf.merge import preset_description
from clustersim.experiment.evaluation.pairing import DEFAULT_REPLICATIONS
from clustersim.experiment.evaluation.report import Evaluation, mode
from clustersim.observe.recording import atomic_write

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_PARAMETERS = 5  # parameters listed per outcome of a sensitivity run
WIDE = 0.5  # an interval whose half-width exceeds this share of its estimate is called wide
MOSTLY_MOVED = 0.5  # displacement above this share of the gain: mostly moved, not created


@dataclass(frozen=True)
class Mechanism:
    """A model mechanism that a config can switch off, and the test that it is on."""

    name: str
    what: str
    on: object  # Config -> bool


MECHANISMS = (
    Mechanism(
        "spin-offs",
        "employees leave incumbents to found firms nearby",
        lambda c: c.entry.spinoffs and c.entry.spinoff_rate > 0,
    ),
    Mechanism(
        "universities",
        "universities train workers, publish and spin off firms",
        lambda c: c.universities.count > 0,
    ),
    Mechanism(
        "relocation",
        "incumbents move to the region that pays them best",
        lambda c: c.relocation.enabled,
    ),
    Mechanism(
        "migration",
        "workers move between regions towards higher expected wages",
        lambda c: c.world.migration.rate > 0,
    ),
    Mechanism(
        "cluster initiative",
        "a cluster initiative forms (its route: the process preset)",
        lambda c: c.initiative.route != "none",
    ),
    Mechanism(
        "technology shocks",
        "demand jumps in technology space at set steps",
        lambda c: bool(c.shocks.steps),
    ),
    Mechanism(
        "closed community",
        "the target region trusts insiders more and outsiders less than by default "
        "(world.focal.bonding > 1, bridging < 1)",
        lambda c: c.world.focal.bonding > 1 and c.world.focal.bridging < 1,
    ),
    Mechanism(
        "government failure",
        "capture, policy reversal or defensive aid by a funding government",
        lambda c: any(
            g.capture > 0 or g.reversal_hazard > 0 or g.defensive_aid > 0
            for g in (c.policy.regional, c.policy.national, c.policy.donor)
        ),
    ),
    Mechanism(
        "target contest",
        "the target region is chosen by a contest that advertising can game",
        lambda c: c.policy.contest,
    ),
)


def _fmt(x, digits: int = 0, sign: bool = False) -> str:
    """A number for the page: 'n/a' for NaN or infinity."""
    if x is None or not math.isfinite(float(x)):
        return "n/a"
    return f"{float(x):{'+' if sign else ''},.{digits}f}"


def _pct(x) -> str:
    return "n/a" if x is None or not math.isfinite(float(x)) else f"{float(x):.0%}"


def _spans_zero(lo: float, hi: float) -> bool:
    return not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 <= hi


def _estimate(ev: Evaluation, name: str, metric: str, scope: str, when: str) -> dict:
    t = ev.table
    row = t[(t.scenario == name) & (t.metric == metric) & (t.scope == scope) & (t.when == when)]
    if row.empty:
        return {"mean": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    return row.iloc[0][["mean", "ci_low", "ci_high"]].astype(float).to_dict()


def scenario_words(cfg: Config, region: int | None) -> dict:
    """The scenario as the brief states it: each preset with its one-line description."""

    def preset(group, name):
        text = preset_description(group, name)
        return f"{name}: {text}" if text else name

    if cfg.policy.region >= 0:
        where = f"region {cfg.policy.region}"
    else:
        where = "the focal region" + (f" (region {region})" if region is not None else "")
    if cfg.policy.contest:
        where = "the winner of a contest among applicant regions"
    return {
        "sector": preset("sector", cfg.sector_name),
        "circumstance": preset("circumstance", cfg.circumstance_name),
        "process": preset("process", cfg.process_name),
        "region": f"{where}, one of {cfg.world.n_regions} regions",
        "horizon": f"{cfg.years} years ({cfg.steps} quarters), {cfg.n_firms} initial firms, "
        f"seed {cfg.seed}",
    }


def _programmes(cfg: Config) -> list[dict]:
    return [
        {
            "name": key,
            "instrument": p.instrument,
            "level": p.level,
            "budget": getattr(cfg.policy, p.level).budget,
            "years": f"{p.start_year:g} to {p.start_year + p.duration_years:g}",
            "exit": p.exit,
        }
        for key, p in cfg.policy.programmes.items()
        if p.intensity > 0
    ]


def _row(ev: Evaluation, r, elsewhere: dict) -> dict:
    """One policy's line of the comparison table, every interval from ``ev.table``."""
    name = r.scenario
    firms = _estimate(ev, name, "firms", "target", "policy_end")
    end = _estimate(ev, name, "employment", "target", "run_end")
    priced = r.cost > 0 and not _spans_zero(r.jobs_low, r.jobs_high)
    return {
        "name": name,
        "instruments": r.instruments,
        "cost": _fmt(r.cost),
        "jobs": _fmt(r.jobs, sign=True),
        "jobs_ci": f"[{_fmt(r.jobs_low, sign=True)}, {_fmt(r.jobs_high, sign=True)}]",
        "firms": _fmt(firms["mean"], 1, sign=True),
        "firms_ci": f"[{_fmt(firms['ci_low'], 1, True)}, {_fmt(firms['ci_high'], 1, True)}]",
        "cost_per_job": _fmt(r.cost_per_job, 2) if priced else "n/a",
        "cost_per_job_ci": (
            f"[{_fmt(r.cost_per_job_low, 2)}, {_fmt(r.cost_per_job_high, 2)}]" if priced else ""
        ),
        "deadweight": _pct(r.deadweight),
        "deadweight_ci": (
            f"[{_pct(r.deadweight_low)}, {_pct(r.deadweight_high)}]"
            if np.isfinite(r.deadweight)
            else ""
        ),
        "displaced": _fmt(-elsewhere["mean"], sign=True),
        "displaced_ci": f"[{_fmt(-elsewhere['ci_high'], sign=True)}, "
        f"{_fmt(-elsewhere['ci_low'], sign=True)}]",
        "kept": _pct(r.retained_share),
        "kept_ci": f"[{_pct(r.retained_low)}, {_pct(r.retained_high)}]",
        "jobs_end": _fmt(end["mean"], sign=True),
        "jobs_end_ci": f"[{_fmt(end['ci_low'], sign=True)}, {_fmt(end['ci_high'], sign=True)}]",
        "stage": r.stage,
        "stage_twin": r.stage_twin,
    }


def displacement_sentence(r, elsewhere: dict) -> str:
    """Displacement in one sentence: the jobs the other regions lost, against the gain.
    ``elsewhere``: the other regions' change in jobs when support ends, with its interval."""
    d, gain = r.displaced_jobs, r.jobs
    if _spans_zero(elsewhere["ci_low"], elsewhere["ci_high"]):
        return (
            f"the other regions' change in jobs ({_fmt(-d, sign=True)}) is not distinguishable "
            "from zero: no detectable displacement."
        )
    if d < 0:
        return (
            f"the other regions gain {_fmt(-d)} jobs too when support ends: the policy spills "
            "over instead of drawing jobs away."
        )
    share = d / gain if gain > 0 else np.inf
    verdict = (
        "most of the gain was moved, not created"
        if share > MOSTLY_MOVED
        else "a smaller part of the gain was moved from elsewhere"
    )
    return (
        f"the other regions have {_fmt(d)} fewer jobs when support ends, against the target "
        f"region's {_fmt(gain, sign=True)}: {verdict}."
    )


def dependency_sentence(r) -> str:
    """Dependency in one sentence: the share of the additional jobs left N years later."""
    years = f"{r.years_after:g}"
    if r.years_after <= 0:
        return "cannot be judged: the run ends when support ends."
    if _spans_zero(r.jobs_low, r.jobs_high):
        return (
            f"cannot be judged: the additional jobs at the support's end are not "
            f"distinguishable from zero, so the share left {years} years later has no meaning."
        )
    kept = r.retained_share
    verdict = (
        "the effect outlives the money"
        if kept >= 0.75
        else "the region depends on the support"
        if kept < 0.25
        else "part of the effect depends on the support"
    )
    return (
        f"{_pct(kept)} [{_pct(r.retained_low)}, {_pct(r.retained_high)}] of the additional jobs "
        f"at the support's end are still there {years} years later: {verdict}."
    )


def caveats(ev: Evaluation, r) -> list[str]:
    """What the evaluation itself warns about for one policy, from its own numbers."""
    out = []
    n = int(r.replications)
    if _spans_zero(r.jobs_low, r.jobs_high):
        out.append(
            f"No detectable effect on jobs at {n} replications: the 95% interval "
            f"[{_fmt(r.jobs_low, sign=True)}, {_fmt(r.jobs_high, sign=True)}] includes zero, so "
            "no cost per job is given."
        )
    elif (r.jobs_high - r.jobs_low) / 2 > WIDE * abs(r.jobs):
        out.append(
            f"Wide interval: the additional jobs lie between {_fmt(r.jobs_low, sign=True)} and "
            f"{_fmt(r.jobs_high, sign=True)}; more replications would narrow it."
        )
    if not np.isfinite(r.deadweight):
        out.append(
            "Deadweight not matchable: none of the funded actions names a firm, tie or entry that "
            "the no-policy twin could show (the instrument pays for services, purchases or "
            "conditions), so the brief cannot say how much would have happened anyway."
        )
    elif r.unmatchable_spend_share > 0.05:
        out.append(
            f"{_pct(r.unmatchable_spend_share)} of the spend paid for actions with nothing to "
            "match in the twin (a facilitator, purchases, tenancy, ...): the deadweight share "
            "covers only the rest."
        )
    end = _estimate(ev, r.scenario, "employment", "target", "run_end")
    if not _spans_zero(r.jobs_low, r.jobs_high) and _spans_zero(end["ci_low"], end["ci_high"]):
        out.append(
            "The gain at the support's end is not detectable at the run's end: judge the "
            "instrument by its lasting effect, not by the jobs it adds while it pays."
        )
    asked = ev.years_after
    if r.years_after < asked - 1e-9:
        out.append(
            f"The run ends {r.years_after:g} years after the support, not the {asked:g} the "
            "dependency check asks for: lengthen the run (years=...) to see what lasts."
        )
    if n < DEFAULT_REPLICATIONS:
        out.append(
            f"Only {n} paired replications (the default is {DEFAULT_REPLICATIONS}): the "
            "intervals are wider than they need to be."
        )
    return out


def sensitivity_ranking(folder: str | Path, top: int = TOP_PARAMETERS) -> dict:
    """The parameters that matter most in a ``clustersim-sensitivity`` run: per outcome the
    ``top`` largest total-order (Sobol) or mu* (Morris) indices, and its figure."""
    folder = Path(folder)
    csv = folder / "indices.csv"
    if not csv.is_file():
        raise ConfigError(
            f"--sensitivity {str(folder)!r}: no indices.csv there; give the --out folder of a "
            "clustersim-sensitivity run"
        )
    ind = pd.read_csv(csv)
    kind = "ST" if "ST" in set(ind["index"]) else "mu_star"
    ind = ind[ind["index"] == kind]
    outputs = []
    for out, d in ind.groupby("output", sort=False):
        d = d.sort_values("estimate", ascending=False).head(top)
        rows = [
            {
                "parameter": p,
                "estimate": _fmt(e, 2),
                "ci": f"[{_fmt(lo, 2)}, {_fmt(hi, 2)}]",
            }
            for p, e, lo, hi in zip(d.parameter, d.estimate, d.ci_low, d.ci_high, strict=True)
        ]
        outputs.append({"output": out, "rows": rows})
    png = folder / "indices.png"
    image = (
        "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
        if png.is_file()
        else None
    )
    index = "total-order Sobol index S_T" if kind == "ST" else "Morris mu*"
    return {"index": index, "outputs": outputs, "figure": image}


def brief_context(
    ev: Evaluation, scenarios: dict[str, Config], sensitivity: str | Path | None = None
) -> dict:
    """Everything the template shows, as plain strings, lists and dicts."""
    first = next(iter(scenarios.values()))
    b = ev.baseline
    region = int(b.region.iloc[0]) if len(b) else None
    sm = ev.summary
    policies = []
    for _, r in sm.iterrows():
        cfg = scenarios[r.scenario]
        elsewhere = _estimate(ev, r.scenario, "employment", "elsewhere", "policy_end")
        policies.append(
            {
                **_row(ev, r, elsewhere),
                "description": preset_description("policy", r.scenario),
                "programmes": _programmes(cfg),
                "displacement": displacement_sentence(r, elsewhere),
                "dependency": dependency_sentence(r),
                "caveats": caveats(ev, r),
            }
        )
    return {
        "title": f"Policy brief: {', '.join(scenarios)} in the {first.scenario_name} scenario",
        "scenario": scenario_words(first, region),
        "replications": int(sm.replications.max()) if len(sm) else 0,
        "policy_end_year": _fmt(sm.policy_end_year.mean(), 1) if len(sm) else "n/a",
        "years_after": f"{ev.years_after:g}",
        "baseline": {
            "employment": _fmt(b.employment.mean()) if len(b) else "n/a",
            "firms": _fmt(b.firms.mean()) if len(b) else "n/a",
            "stage": mode(b.stage) if len(b) else "n/a",
        },
        "pairing_gain": _fmt(sm.variance_reduction.median(), 1) if len(sm) else "n/a",
        "policies": policies,
        "effects_figure": data_uri(effects_plot(ev.over_time, sm)),
        "mechanisms": [
            {"name": m.name, "what": m.what, "on": bool(m.on(first))} for m in MECHANISMS
        ],
        "sensitivity": sensitivity_ranking(sensitivity) if sensitivity else None,
    }


def render_brief(
    ev: Evaluation, scenarios: dict[str, Config], sensitivity: str | Path | None = None
) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt field fails the render, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("brief.html.j2").render(**brief_context(ev, scenarios, sensitivity))


def write_brief(
    ev: Evaluation,
    scenarios: dict[str, Config],
    path: str | Path,
    sensitivity: str | Path | None = None,
) -> Path:
    """Render the brief and write it atomically to ``path``."""
    html = render_brief(ev, scenarios, sensitivity)
    path = Path(path)
    atomic_write(path, lambda tmp: Path(tmp).write_text(html, encoding="utf-8"))
    return path
