"""Paired runs: every policy scenario and its no-policy twin, replications 0..R-1 with the same
seeds (common random numbers), in this process or in worker processes."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping

from clustersim.conf import Config, ConfigError, PolicyConfig, coerce
from clustersim.experiment.evaluation.record import Record
from clustersim.experiment.evaluation.report import Evaluation
from clustersim.experiment.evaluation.statistics import assess
from clustersim.experiment.run import run, run_id
from clustersim.institutions.policies.mix import effective_programmes


def twin_config(cfg: Config) -> Config:
    """The same scenario with no programme (and event recording on)."""
    return dataclasses.replace(cfg, policy=PolicyConfig(name="none", record_events=True))


def _with_events(cfg: Config) -> Config:
    return dataclasses.replace(cfg, policy=dataclasses.replace(cfg.policy, record_events=True))


def _simulate(cfg: Config, scenario: str, twin: bool) -> Record:
    cfg = cfg.with_full_timeseries()  # whatever was asked: the evaluation reports the stages
    res = run(cfg, keep_model=True)
    mix = res.model.policy
    ts = res.timeseries
    keep = [
        c
        for c in ts.columns
        if c
        in {
            "step",
            "region",
            "firms",
            "employment",
            "output",
            "mean_productivity",
            "innovations_incremental",
            "innovations_radical",
            "trust_mean",
            "ties",
            "skill",
            "stage",
            "policy_spend",
        }
    ]
    return Record(
        scenario=scenario,
        replication=cfg.replication,
        twin=twin,
        ts=ts[keep].copy(),
        spend=mix.spend_table(),
        windows=mix.windows(),
        events=mix.events.tables(),
        target=mix.region,
    )


def _scenarios(config) -> dict[str, Config]:
    """name -> Config from a Config, a list of configs (named by ``policy.name``) or a mapping
    of names to configs."""
    if isinstance(config, list | tuple):
        configs = [coerce(c) for c in config]
        return {c.policy.name: c for c in configs}
    if (
        isinstance(config, Mapping)
        and all(isinstance(v, Config | Mapping) for v in config.values())
        and not {"policy", "seed", "world"} & set(config)
    ):
        return {str(k): coerce(v) for k, v in config.items()}
    c = coerce(config)
    return {c.policy.name: c}


# Paired replications that match, for every policy family, the interval width of at least 100
# independent runs: the smallest variance reduction measured (8.8x, FDI, focal jobs when support
# ends; docs/policies.md, "Common random numbers") times 12 is 106.
DEFAULT_REPLICATIONS = 12


def evaluate(
    config,
    replications: int = DEFAULT_REPLICATIONS,
    *,
    years_after: float = 5.0,
    window_years: float = 1.0,
    jobs: int = 1,
    progress: bool = False,
) -> Evaluation:
    """Run every policy scenario in ``config`` (a Config, a list of them, or a mapping name ->
    Config) paired with its no-policy twin for ``replications`` replications; return the
    :class:`Evaluation`. ``jobs`` > 1 runs in worker processes; results do not depend on it."""
    check_options(replications, years_after, window_years, jobs)
    scenarios = _scenarios(config)
    for name, cfg in scenarios.items():
        if not effective_programmes(cfg.policy):
            raise ConfigError(
                f"scenario {name!r}: policy.programmes has no programme with intensity > 0 and "
                "a duration; nothing to evaluate (use a preset such as policy=broker)"
            )
    tasks, twins = [], {}
    for name, cfg in scenarios.items():
        twin = twin_config(cfg)
        twins[name] = run_id(twin).split("-r")[0]
        for r in range(replications):
            tasks.append((dataclasses.replace(_with_events(cfg), replication=r), name, False))
    seen = set()
    for name, cfg in scenarios.items():
        if twins[name] in seen:
            continue
        seen.add(twins[name])
        for r in range(replications):
            tasks.append((dataclasses.replace(twin_config(cfg), replication=r), twins[name], True))
    records = _run_all(tasks, jobs, progress)
    by_twin = {(r.scenario, r.replication): r for r in records if r.twin}
    pairs = {
        name: [
            (p, by_twin[(twins[name], p.replication)])
            for p in sorted(
                (x for x in records if not x.twin and x.scenario == name),
                key=lambda x: x.replication,
            )
        ]
        for name in scenarios
    }
    return assess(scenarios, pairs, years_after, window_years)


def check_options(
    replications: int,
    years_after: float = 5.0,
    window_years: float = 1.0,
    jobs: int = 1,
    name: Callable[[str], str] = str,
) -> None:
    """Refuse, before any run, options the evaluation cannot use (an infinite ``years_after``
    would fail only once every run is done). ``name`` spells an option as the caller knows it:
    ``--years-after`` on the command line."""
    rules = (
        ("replications", replications, True, 2, "confidence intervals need two"),
        ("years_after", years_after, False, 0, "years after the policy's end"),
        ("window_years", window_years, False, 0, "years either side of a funded action"),
        ("jobs", jobs, True, 1, "worker processes"),
    )
    for key, value, integer, lo, what in rules:
        kind = "an integer" if integer else "a finite number"
        number = numbers.Integral if integer else numbers.Real
        if isinstance(value, bool) or not isinstance(value, number) or not math.isfinite(value):
            why = f"must be {kind}"
        elif value < lo:
            why = "out of range"
        else:
            continue
        raise ConfigError(f"{name(key)}={value!r}: {why}; allowed: {kind} >= {lo} ({what})")


def _run_all(tasks, jobs: int, progress: bool) -> list[Record]:
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), desc="paired runs", unit="run", disable=not progress)
    out = []
    if jobs <= 1:
        for t in tasks:
            out.append(_simulate(*t))
            bar.update()
    else:
        from joblib import Parallel, delayed

        from clustersim.experiment.sweep import warm_numba_cache

        warm_numba_cache()
        par = Parallel(n_jobs=jobs, return_as="generator_unordered")
        for rec in par(delayed(_simulate)(*t) for t in tasks):
            out.append(rec)
            bar.update()
    bar.close()
    return out
