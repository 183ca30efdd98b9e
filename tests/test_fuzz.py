"""Every valid config runs clean or is refused up front (issue 15): a property-based search over
the whole parameter space, presets, policies and instrument parameters included, at small size.

Each example draws presets (sector, circumstance, process, policy), a few parameters anywhere in
their allowed ranges and a few parameters of the policy's instruments; it composes them as a
user would on the command line. A refusal must be a ``ConfigError`` naming a key. A run must
raise nothing, record only finite numbers and non-negative counts, balance its ledger and
reconcile its firm counts with entries and exits. The default suite tries a few dozen examples;
the slow suite 500 (``CLUSTERSIM_FUZZ_EXAMPLES`` overrides both).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from test_accounting import assert_firm_counts_reconcile, assert_ledger_balances

from clustersim.cli.compose import compose
from clustersim.conf import ConfigError, iter_params
from clustersim.conf.instruments import INSTRUMENT_PARAMS
from clustersim.model.model import ClusterModel

PRESETS = Path(__file__).resolve().parents[1] / "src" / "clustersim" / "conf" / "presets"
GROUPS = {
    g: sorted(p.stem for p in (PRESETS / g).glob("*.yaml"))
    for g in ("sector", "circumstance", "process", "policy")
}
SIZE = {"n_firms": 30, "years": 6}
# keys that set the run's identity, size or output rather than its economics
FIXED = {
    "seed",
    "replication",
    "replications",
    "years",
    "n_firms",
    "engine",
    "scenario_name",
    "sector_name",
    "circumstance_name",
    "process_name",
    "policy.name",
}
# integer keys whose allowed range is far beyond a small test's budget: capped, not skipped
CAPS = {
    "world.n_regions": 9,
    "knowledge.dims": 4,
    "universities.count": 6,
    "trust.max_degree": 30,
    "finance.banks_per_region": 4,
    "finance.vcs": 4,
    "finance.seed_funds": 4,
    "knowledge.proximity_contacts": 10,
}
NUMERIC = [
    (key, field.metadata)
    for key, default, field in iter_params()
    if key not in FIXED
    and not key.startswith("output.")
    and (field.metadata.get("choices") or isinstance(default, (bool, int, float)))
]


def _value(meta: dict, default) -> st.SearchStrategy:
    if meta.get("choices"):
        return st.sampled_from(meta["choices"])
    if isinstance(default, bool):
        return st.booleans()
    lo, hi = meta.get("lo"), meta.get("hi")
    if isinstance(default, int):
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def overrides(draw) -> list[str]:
    out = [f"{g}={draw(st.sampled_from(names))}" for g, names in GROUPS.items()]
    for key, meta in draw(st.lists(st.sampled_from(NUMERIC), max_size=6, unique_by=lambda x: x[0])):
        default = next(d for k, d, _ in iter_params() if k == key)
        v = draw(_value(meta, default))
        if key in CAPS:
            v = min(v, CAPS[key])
        if key == "world.focal_region" or key == "policy.region":
            v = min(v, 3)
        out.append(f"{key}={v!r}" if not isinstance(v, str) else f"{key}={v}")
    return out


@st.composite
def instrument_overrides(draw, cfg) -> list[str]:
    out = []
    for name, prog in cfg.policy.programmes.items():
        fields = [f for f in dataclasses.fields(INSTRUMENT_PARAMS[prog.instrument])]
        for f in draw(st.lists(st.sampled_from(fields), max_size=3, unique_by=lambda f: f.name)):
            default = getattr(prog.params, f.name) if hasattr(prog.params, f.name) else f.default
            v = draw(_value(f.metadata, default))
            out.append(f"policy.programmes.{name}.params.{f.name}={v}")
        intensity = draw(st.floats(0, 1000, allow_nan=False))
        out.append(f"policy.programmes.{name}.intensity={intensity!r}")
    return out


def check_run(cfg) -> None:
    model = ClusterModel(cfg, collect=False)
    model.run()
    ts, ledger = model.recorder.frame(), pd.DataFrame(model.ledger)
    numbers = ts.select_dtypes("number")
    bad = [c for c in numbers if not np.isfinite(numbers[c]).all()]
    assert not bad, f"non-finite columns: {bad}"
    counts = [c for c in ("firms", "entries", "exits", "employment") if c in ts]
    assert (ts[counts] >= 0).all().all(), "negative counts"
    f = model.firms
    for name in ("emp", "cash", "sales", "prod", "kstock", "loan"):
        assert np.isfinite(getattr(f, name)[f.live]).all(), f"non-finite firm {name}"
    assert_firm_counts_reconcile(ts)
    assert_ledger_balances(ledger, cfg.steps)


def _examples(default: int) -> int:
    return int(os.environ.get("CLUSTERSIM_FUZZ_EXAMPLES", default))


def _property(data) -> None:
    base = data.draw(overrides())
    sized = [*base, *(f"{k}={v}" for k, v in SIZE.items()), "output.write=false"]
    try:
        cfg = compose(sized)
        cfg = compose([*sized, *data.draw(instrument_overrides(cfg))])
    except ConfigError as e:  # refused up front: the message names a key
        assert "=" in str(e) or "." in str(e), str(e)
        event("refused up front")  # counted by --hypothesis-show-statistics
        return
    check_run(cfg)
    event("ran clean")


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=_examples(examples),
        deadline=None,
        derandomize=True,  # the same examples on every machine: a failure is reproducible
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: the draws print in full
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


@fuzz(30)
@given(st.data())
def test_random_valid_configs_run_clean(data):
    _property(data)


@pytest.mark.slow
@fuzz(500)
@given(st.data())
def test_random_valid_configs_run_clean_many(data):
    _property(data)


# Valid configs that crashed or wrote NaN (issue 15), each fixed where it failed: the
# initiative's per-firm arrays grow with the firms it admits; spin-off chances when no firm sells;
# graduates fill at most the whole skill gap of a region in a quarter; a birth without any
# financier in the world is logged as unfunded; a founder knows at least what is public.
FOUND = {
    "initiative admits a firm born after it": "process=reengineered initiative.break_step=8 "
    "entry.startup_rate=0.1 n_firms=150 years=20",
    "no firm sells": "policy=fdi market.fixed_cost=10000 n_firms=100 years=10",
    "framework at full intensity": "policy=framework policy.programmes.framework.intensity=400 "
    "policy.programmes.framework.params.scope=all n_firms=100 years=10",
    "more graduates than workers": "universities.count=50 universities.graduates=0.5 "
    "n_firms=100 years=10",
    "steep scale economies": "market.scale_economies=2 knowledge.rd_sd=0.5 n_firms=100 years=10",
    "no financier at all (the event log's funding)": "finance.banks_per_region=0 finance.vcs=0 "
    "finance.seed_funds=0 n_firms=60 years=4",
    "spin-offs inherit nothing (log of zero knowledge)": "entry.spinoff_inherit=0 n_firms=100 "
    "years=10",
}


@pytest.mark.parametrize("engine", ["numba", "reference"])
@pytest.mark.parametrize("case", sorted(FOUND))
def test_configs_found_failing_run_clean(case, engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no -inf or NaN on the way either
        check_run(compose([*FOUND[case].split(), f"engine={engine}", "output.write=false"]))
