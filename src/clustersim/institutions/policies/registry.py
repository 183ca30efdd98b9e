"""The instruments by name, their parameters, and the checks a policy config must pass early."""

from __future__ import annotations

from clustersim.conf import (
    POLICY_INSTRUMENTS,
    STEPS_PER_YEAR,
    ConfigError,
    from_mapping,
    validate,
)
from clustersim.institutions.policies.broker import Broker
from clustersim.institutions.policies.demand_side import DemandSide
from clustersim.institutions.policies.fdi import FDI
from clustersim.institutions.policies.framework import Framework
from clustersim.institutions.policies.incubator import Incubator
from clustersim.institutions.policies.rd_subsidy import RDSubsidy
from clustersim.institutions.policies.seed_finance import SeedFinance
from clustersim.institutions.policies.training import Training

INSTRUMENTS = {
    cls.name: cls
    for cls in (Broker, DemandSide, Training, FDI, Framework, Incubator, RDSubsidy, SeedFinance)
}
assert tuple(INSTRUMENTS) == POLICY_INSTRUMENTS, "config.POLICY_INSTRUMENTS and the registry differ"


def make_params(cls, mapping, prefix: str):
    """The instrument's parameter dataclass from a mapping, validated (errors name the key)."""
    params = from_mapping(cls.Params, mapping, prefix)
    validate(params, prefix)
    return params


def window(prog) -> tuple[int, int]:
    start = round(prog.start_year * STEPS_PER_YEAR)
    return start, start + round(prog.duration_years * STEPS_PER_YEAR)


def validate_policy(cfg) -> None:
    """Cross-field checks of ``cfg.policy``; raises one ConfigError naming key, value and what
    is allowed. Called by ``config.validate`` so a bad policy stops a run before it starts."""
    pc = cfg.policy
    n_reg = cfg.world.n_regions
    if pc.region >= n_reg:
        raise ConfigError(
            f"policy.region={pc.region}: must name an existing region or -1 (the focal region); "
            f"allowed: int in [-1, {n_reg - 1}]"
        )
    if pc.contest and pc.region >= 0:
        raise ConfigError(
            f"policy.region={pc.region}: a contest (policy.contest=true) picks the target region; "
            "allowed: -1 with a contest"
        )
    live = {}
    for key, prog in pc.programmes.items():
        prefix = f"policy.programmes.{key}."
        cls = INSTRUMENTS[prog.instrument]
        params = make_params(cls, prog.params, prefix + "params.")
        start, _ = window(prog)
        if start >= cfg.steps:
            raise ConfigError(
                f"{prefix}start_year={prog.start_year:g}: the programme would start after the run "
                f"ends; allowed: start_year < years={cfg.years}"
            )
        if prog.intensity <= 0 or prog.duration_years <= 0:
            continue  # switched off: nothing else to check
        gov = getattr(pc, prog.level)
        if cls.costs_budget and gov.budget <= 0:
            raise ConfigError(
                f"{prefix}level={prog.level}: the {prog.level} government has no budget "
                f"(policy.{prog.level}.budget={gov.budget:g}); allowed: a level whose budget is "
                "positive"
            )
        cls.check(cfg, prefix, params)
        live[key] = prog
    keys = list(live)
    for i, k1 in enumerate(keys):
        for k2 in keys[i + 1 :]:
            p1, p2 = live[k1], live[k2]
            if p1.instrument != p2.instrument or not INSTRUMENTS[p1.instrument].exclusive:
                continue
            (s1, e1), (s2, e2) = window(p1), window(p2)
            if s1 < e2 and s2 < e1:
                y1 = f"{p1.start_year:g}-{p1.start_year + p1.duration_years:g}"
                y2 = f"{p2.start_year:g}-{p2.start_year + p2.duration_years:g}"
                raise ConfigError(
                    f"policy.programmes.{k2}: overlaps policy.programmes.{k1} (both "
                    f"'{p1.instrument}', years {y1} and {y2}); "
                    f"'{p1.instrument}' is exclusive in a region: allowed: windows that do not "
                    "overlap"
                )
