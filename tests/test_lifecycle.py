"""Life-cycle indicators and the stage classifier: rules, hysteresis, online = offline."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from clustersim import make_config, run
from clustersim.conf import LifecycleConfig
from clustersim.model.model import ClusterModel
from clustersim.observe.lifecycle import (
    FEATURES,
    RAW,
    STAGES,
    StageClassifier,
    Tracker,
    classify,
    core_actors,
    measure,
    passes_in_order,
    stage_sequence,
    time_to,
)

QUIET = {  # features of a scattered agglomeration: no ties, no growth, no drift
    "core_linked_share": 0.0,
    "mass": 0.3,
    "core_external_share": 0.0,
    "entry_rate": 0.0,
    "firm_growth_rel": 0.0,
    "growth_rel": 0.0,
    "core_drift": 0.0,
}


def walk(clf: StageClassifier, steps: int, **changes) -> list[str]:
    x = {**QUIET, **changes}
    return [STAGES[clf.update(x)] for _ in range(steps)]


def test_every_stage_is_reached_in_the_whitebook_order():
    clf = StageClassifier(LifecycleConfig())
    seen = walk(clf, 6)
    coop = {"core_linked_share": 0.5}
    seen += walk(clf, 6, **coop)
    seen += walk(clf, 6, **coop, firm_growth_rel=0.1, growth_rel=0.1)
    mature = {**coop, "mass": 1.5, "core_external_share": 0.05, "entry_rate": 0.05}
    seen += walk(clf, 6, **mature)
    seen += walk(clf, 6, **mature, core_drift=0.3)
    seen += walk(clf, 6, **mature, growth_rel=-0.2)
    assert stage_sequence(seen) == list(STAGES)


def test_dwell_hysteresis_ignores_short_blips():
    cfg = LifecycleConfig(dwell=4)
    clf = StageClassifier(cfg)
    assert walk(clf, 3, core_linked_share=0.5) == ["agglomeration"] * 3
    assert walk(clf, 1) == ["agglomeration"]  # the blip ended before the dwell
    assert walk(clf, 4, core_linked_share=0.5)[-1] == "emerging"


def test_band_hysteresis_keeps_a_stage_near_its_threshold():
    cfg = LifecycleConfig(dwell=1, band=0.25, emerging_linked=0.4)
    clf = StageClassifier(cfg)
    assert walk(clf, 1, core_linked_share=0.35) == ["agglomeration"]  # below the entry level
    assert walk(clf, 1, core_linked_share=0.45) == ["emerging"]
    assert walk(clf, 1, core_linked_share=0.35) == ["emerging"]  # inside the band: held
    assert walk(clf, 1, core_linked_share=0.25) == ["agglomeration"]  # below the band


def test_stage_skipping_is_possible_when_the_dynamics_skip():
    """The rule is read from indicators, so P1 can fail: cooperation and growth together go
    from agglomeration straight to developing."""
    clf = StageClassifier(LifecycleConfig())
    seen = walk(clf, 8, core_linked_share=0.5, firm_growth_rel=0.1)
    assert stage_sequence(seen) == ["agglomeration", "developing"]
    assert not passes_in_order(seen)


def test_a_declined_cluster_stays_declined_until_it_grows_again():
    clf = StageClassifier(LifecycleConfig(dwell=1), stage=STAGES.index("decline"))
    assert walk(clf, 5, core_linked_share=0.5) == ["decline"] * 5  # stagnation
    assert walk(clf, 1, core_linked_share=0.5, firm_growth_rel=0.1) == ["developing"]


def test_tracker_measures_growth_relative_to_the_world_and_rates():
    cfg = LifecycleConfig(window=8)
    tr = Tracker(cfg)
    g = 0.02  # quarterly log growth of the region's employment and firms; the world is flat
    for t in range(12):
        obs = {k: 0.0 for k in RAW}
        obs.update(
            firms=100 * np.exp(g * t),
            employment=1000 * np.exp(g * t),
            world_firms=400.0,
            world_employment=4000.0,
            entries=2.0,
            exits=1.0,
            spinoffs=0.5,
            core=np.array([0.01 * t, 0.0]),
        )
        x = tr.push(obs)
        if t < 8:
            assert x["growth_rel"] == 0.0  # no full window yet
    assert x["growth_rel"] == pytest.approx(4 * g)
    assert x["firm_growth_rel"] == pytest.approx(4 * g)
    firms_mean = np.mean([100 * np.exp(g * t) for t in range(3, 12)])
    assert x["entry_rate"] == pytest.approx(4 * 2.0 * 8 / 8 / firms_mean)
    assert x["core_drift"] == pytest.approx(4 * 0.01)


@pytest.fixture(scope="module")
def small_run():
    cfg = make_config(n_firms=120, years=12, seed=4, **{"output.figures": False})
    return run(cfg, keep_model=True)


def test_stage_and_indicators_are_in_the_time_series(small_run):
    ts = small_run.timeseries
    for col in ("stage", "initiative", *RAW, *FEATURES, "core_k0", "core_k1"):
        assert col in ts.columns, col
    assert set(ts["stage"]) <= set(STAGES)
    focal = ts[ts.is_focal]
    assert focal["stage"].iloc[0] == "agglomeration"
    assert (focal["initiative"] == 0).all()  # no initiative configured


def test_offline_classification_reproduces_the_recorded_stages(small_run):
    ts = small_run.timeseries
    replay = classify(ts.sample(frac=1.0, random_state=0), small_run.config.lifecycle)
    pd.testing.assert_series_equal(replay.sort_index(), ts["stage"], check_names=False)
    strict = dataclasses.replace(small_run.config.lifecycle, emerging_linked=0.99)
    assert set(classify(ts, strict)) == {"agglomeration"}


def test_core_network_indicators_match_networkx(small_run):
    model = small_run.model
    cfg = model.cfg.lifecycle
    got = measure(model, cfg)
    _, is_core = core_actors(model, cfg)
    f, t = model.firms, model.ties
    for r in range(model.regions.n):
        nodes = [s for s in f.live if is_core[s] and f.region[s] == r]
        g = nx.Graph()
        g.add_nodes_from(nodes)
        touching = external = 0
        for a, b, kind in zip(t.view("a"), t.view("b"), t.view("kind"), strict=True):
            if kind == 2:
                continue  # financier ties are funding, not cooperation
            ra = f.region[a]
            rb = f.region[b] if kind == 0 else model.universities.region[b]
            ends = [(a, ra, rb)] + ([(b, rb, ra)] if kind == 0 else [])
            for node, own, other in ends:
                if is_core[node] and own == r:
                    touching += 1
                    external += other != r
            if kind == 0 and is_core[a] and is_core[b] and ra == rb == r:
                g.add_edge(a, b)
        assert got["core_firms"][r] == len(nodes)
        assert got["core_tie_density"][r] == pytest.approx(nx.density(g) if len(nodes) > 1 else 0)
        assert got["core_clustering"][r] == pytest.approx(nx.average_clustering(g) if nodes else 0)
        linked = sum(1 for n in nodes if g.degree(n) > 0)
        assert got["core_linked_share"][r] == pytest.approx(linked / max(len(nodes), 1))
        assert got["core_external_share"][r] == pytest.approx(external / max(touching, 1))


def test_location_quotient_and_concentration(small_run):
    ts = small_run.timeseries
    last = ts[ts.step == ts.step.max()]
    share = last["employment"] / last["employment"].sum()
    np.testing.assert_allclose(last["location_quotient"], share * len(last))
    assert last["concentration"].nunique() == 1


def test_the_observer_reads_state_only():
    """Removing the observer changes no trajectory (it draws no random numbers)."""
    cfg = make_config(n_firms=80, years=5, seed=2)
    with_obs, without = ClusterModel(cfg), ClusterModel(cfg)
    without.hooks.remove(without.lifecycle)
    without.recorder.record = lambda model, initial=False: None
    with_obs.run()
    without.run()
    for name in ("emp", "cash", "kstock", "uid"):
        np.testing.assert_array_equal(getattr(with_obs.firms, name), getattr(without.firms, name))


def test_sequence_helpers():
    stages = ["agglomeration"] * 3 + ["emerging"] * 2 + ["developing"] * 4 + ["mature"] * 2
    assert stage_sequence(stages) == ["agglomeration", "emerging", "developing", "mature"]
    assert passes_in_order(stages)
    assert time_to(stages, "mature") == 9.0
    assert np.isnan(time_to(stages, "decline"))
    assert not passes_in_order(["agglomeration", "emerging", "mature", "developing", "mature"])
    assert not passes_in_order(["agglomeration", "developing", "mature"])
