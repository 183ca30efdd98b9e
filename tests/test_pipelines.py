"""Global pipelines (issue 13; Bathelt, Malmberg & Maskell 2004): firms whose local knowledge has
become redundant, or whose market has moved away, search partners in other regions, and such
ties cost more to form and to keep up (``trust.pipeline_*``). A region's openness sets how much
of that search may go outside and how far its chance search reaches."""

from __future__ import annotations

import numpy as np
import pytest
from test_accounting import assert_ledger_balances
from test_engines import assert_same, outputs

from clustersim import make_config, run
from clustersim.model import ClusterModel
from clustersim.model.engine import NumbaEngine, ReferenceEngine
from clustersim.viz.presets import compose
from clustersim.world.state import ORIGIN_MNE, TIE_FIRM

SPEC = {
    "n_firms": 90,
    "years": 5,
    "world.n_regions": 3,
    "trust.pipeline_rate": 1.0,
    "output.figures": False,
}


@pytest.fixture(scope="module")
def midrun():
    """Three regions after three years, and the model's state to start every trial from."""
    model = ClusterModel(make_config(seed=4, **SPEC))
    model.run(12)
    f = model.firms
    return model, {"cash": f.cash.copy(), "kpos": f.kpos.copy(), "fit": f.fit.copy()}


def _reset(model, state, **trust) -> None:
    f = model.firms
    f.cash[:], f.kpos[:], f.fit[:] = state["cash"], state["kpos"], state["fit"]
    for key, value in trust.items():
        setattr(model.cfg.trust, key, value)


def _search(model, engine, seed: int):
    """One tie search with fresh draws; returns (new ties, cash before)."""
    n = model.firms.capacity
    start, nbr = engine.adjacency(model)
    u = np.random.default_rng(seed).random((6, n))
    u[0] = 0.0  # every firm searches
    before = model.firms.cash.copy()
    return engine.search(model, start, nbr, u.T), before


def _distant(model, a, b, kind) -> np.ndarray:
    reg = model.firms.region
    return (kind == TIE_FIRM) & (reg[a] != reg[np.where(kind == TIE_FIRM, b, a)])


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_redundant_local_knowledge_raises_the_chance_of_a_distant_tie(midrun, engine):
    """Collapsing the focal region's technology onto one point makes every local partner
    redundant (cognitive distance 0, far under the optimal distance): its firms then look for
    partners in other regions, and form more extra-regional ties than with their own spread."""
    model, state = midrun
    f, focal = model.firms, model.focal
    members = f.live[f.region[f.live] == focal]
    then = model.demand_past[0]
    model.demand_past[0] = model.demand.copy()  # no market shift: redundancy alone drives need
    counts = {}
    for case in ("spread", "redundant"):
        far = 0
        for seed in range(5):
            _reset(model, state, tie_value=1e4, pipeline_rate=1.0)
            if case == "redundant":
                f.kpos[members] = f.kpos[members].mean(axis=0)
            (a, b, kind, _), _ = _search(model, engine, seed)
            far += int((_distant(model, a, b, kind) & (f.region[a] == focal)).sum())
        counts[case] = far
    model.demand_past[0] = then
    _reset(model, state, tie_value=1.0)
    assert counts["redundant"] > 2 * max(counts["spread"], 1), counts


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_a_closed_community_looks_outside_less(midrun, engine):
    """Openness is a property of the region: with every local partner redundant, the focal
    region's firms look outside in proportion to their trust in outsiders relative to insiders
    (bridging / bonding: 0.35 / 0.55 by default, 0.1 / 0.8 in a closed community)."""
    model, state = midrun
    f, reg, focal = model.firms, model.regions, model.focal
    members = f.live[f.region[f.live] == focal]
    then, trust = model.demand_past[0], (reg.bonding[focal], reg.bridging[focal])
    model.demand_past[0] = model.demand.copy()
    counts = {}
    for case, (bonding, bridging) in {"open": trust, "closed": (0.8, 0.1)}.items():
        reg.bonding[focal], reg.bridging[focal] = bonding, bridging
        far = 0
        for seed in range(5):
            _reset(model, state, tie_value=1e4, pipeline_rate=1.0)
            f.kpos[members] = f.kpos[members].mean(axis=0)
            (a, b, kind, _), _ = _search(model, engine, seed)
            far += int((_distant(model, a, b, kind) & (f.region[a] == focal)).sum())
        counts[case] = far
    reg.bonding[focal], reg.bridging[focal] = trust
    model.demand_past[0] = then
    _reset(model, state, tie_value=1.0)
    assert counts["closed"] < 0.5 * counts["open"], counts


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_a_region_meets_partners_within_its_search_radius(midrun, engine):
    """Chance partner search reaches ``search_radius`` grid cells around a firm's own cell: the
    focal region's firms meet partners in their own cell only at radius 0 (a closed community,
    ``world.focal.search_radius``), up to two cells away at 2; the other regions keep 1."""
    model, state = midrun
    f, reg, ix, focal = model.firms, model.regions, model.index, model.focal
    reach = {}
    for radius in (0, 2):
        reg.search_radius[focal] = radius
        found = []
        for seed in range(5):
            _reset(model, state, tie_value=1e4, pipeline_rate=0.0)
            start, nbr = engine.adjacency(model)
            u = np.random.default_rng(seed).random((6, f.capacity))
            u[0], u[1] = 0.0, 0.999  # every firm searches, by a chance meeting
            a, b, kind, _ = engine.search(model, start, nbr, u.T)
            a, b = a[kind == TIE_FIRM], b[kind == TIE_FIRM]
            ca, cb = ix.cell_of[a], ix.cell_of[b]
            cells = np.maximum(abs(ca % ix.ncx - cb % ix.ncx), abs(ca // ix.ncx - cb // ix.ncx))
            found.append((f.region[a] == focal, cells))
        mine = np.concatenate([c[m] for m, c in found])
        others = np.concatenate([c[~m] for m, c in found])
        reach[radius] = (len(mine), mine.max(), others.max())
    reg.search_radius[focal] = 1
    _reset(model, state, tie_value=1.0)
    assert reach[0][0] > 10 and reach[0][1] == 0, reach
    assert reach[2][0] > 10 and reach[2][1] == 2, reach
    assert reach[0][2] == reach[2][2] == 1, reach


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_affiliates_of_multinationals_are_bridges(midrun, engine):
    """The focal region's firms, relabelled as multinationals' affiliates, with no redundancy
    and no market shift to push them: with ``mne_bridge`` 1 they look outside as a firm with
    every local partner redundant would; at 0 they search like domestic firms."""
    model, state = midrun
    f, focal = model.firms, model.focal
    members = f.live[f.region[f.live] == focal]
    origin, then = f.origin.copy(), model.demand_past[0]
    model.demand_past[0] = model.demand.copy()
    f.origin[members] = ORIGIN_MNE
    counts = {}
    for bridge in (0.0, 1.0):
        far = 0
        for seed in range(5):
            _reset(model, state, tie_value=1e4, pipeline_rate=1.0, mne_bridge=bridge)
            (a, b, kind, _), _ = _search(model, engine, seed)
            far += int((_distant(model, a, b, kind) & (f.region[a] == focal)).sum())
        counts[bridge] = far
    f.origin[:], model.demand_past[0] = origin, then
    _reset(model, state, tie_value=1.0, mne_bridge=1.0)
    assert counts[1.0] > 2 * max(counts[0.0], 1), counts


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_universities_introduce_partners_from_other_regions(midrun, engine):
    """Every firm searches through a partner's partner, none looks outside on its own (the
    pipeline draw always fails). Without the bridge, with closed universities or without
    pipelines, the only distant ties close triangles over partners' existing distant ties; with
    open universities as bridges there are at least twice as many."""
    model, state = midrun
    f, u = model.firms, model.universities
    openness = u.openness.copy()
    counts = {}
    for case, (rate, bridge, open_) in {
        "bridge": (1.0, True, 1.0),
        "closed universities": (1.0, True, 0.0),
        "no bridge": (1.0, False, 1.0),
        "no pipelines": (0.0, True, 1.0),
    }.items():
        u.openness[:] = open_
        far = 0
        for seed in range(20):
            _reset(model, state, tie_value=1e4, pipeline_rate=rate, university_bridge=bridge)
            start, nbr = engine.adjacency(model)
            draws = np.random.default_rng(seed).random((6, f.capacity))
            draws[0], draws[1], draws[4] = 0.0, 0.0, 1.0  # all search, by partners' partners
            a, b, kind, _ = engine.search(model, start, nbr, draws.T)
            far += int(_distant(model, a, b, kind).sum())
        counts[case] = far
    u.openness[:] = openness
    _reset(model, state, tie_value=1.0, pipeline_rate=1.0, university_bridge=True)
    assert counts["closed universities"] == counts["no bridge"], counts
    assert counts["bridge"] >= 2 * max(counts["no bridge"], counts["no pipelines"], 5), counts


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_a_market_shift_raises_the_chance_of_a_distant_tie(midrun, engine):
    """A year ago demand sat on the firms' mean technology; now it has moved two niche widths
    away (a market shift: the fit of firms near the centre falls) or not at all."""
    model, state = midrun
    f, width = model.firms, model.cfg.market.fit_width
    saved = model.demand.copy(), list(model.demand_past)
    centre = f.kpos[f.live].mean(axis=0)
    counts = {}
    for shift in (0.0, 2.0 * width):
        far = 0
        for seed in range(5):
            _reset(model, state, tie_value=1e4, pipeline_rate=1.0)
            model.demand_past[0] = centre.copy()
            model.demand = centre + shift / np.sqrt(model.dims)
            (a, b, kind, _), _ = _search(model, engine, seed)
            far += int(_distant(model, a, b, kind).sum())
        counts[shift] = far
    model.demand, model.demand_past = saved[0], saved[1]
    _reset(model, state, tie_value=1.0)
    assert counts[2.0 * width] > 2 * max(counts[0.0], 1), counts


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_distant_ties_cost_more_to_form_except_at_a_trade_fair(midrun, engine):
    """Each searcher pays tie_cost for a local tie and (1 + pipeline_premium) tie_cost for an
    extra-regional one (regional cost factors are 1 here); in a trade fair's quarter (the
    model stands at quarter 12: a fair with fairs every 4 quarters, none every 5) the
    extra-regional one costs tie_cost too."""
    model, state = midrun
    f, tc = model.firms, model.cfg.trust
    assert model.t == 12
    for every, premium in ((5, 1.0), (4, 0.0), (0, 1.0)):
        local = distant = 0
        for seed in range(5):
            _reset(
                model,
                state,
                tie_value=1e4,
                pipeline_rate=1.0,
                pipeline_premium=1.0,
                fair_every=every,
            )
            (a, b, kind, _), before = _search(model, engine, seed)
            far = _distant(model, a, b, kind)
            paid = before[a] - f.cash[a]
            np.testing.assert_allclose(paid[~far], tc.tie_cost, rtol=1e-12)
            np.testing.assert_allclose(paid[far], (1.0 + premium) * tc.tie_cost, rtol=1e-12)
            local, distant = local + (~far).sum(), distant + far.sum()
        assert distant > 0 and local > 0, (every, distant, local)
    _reset(model, state, tie_value=1.0, fair_every=4)


@pytest.mark.parametrize("engine", [NumbaEngine(), ReferenceEngine()], ids=["numba", "reference"])
def test_distant_ties_cost_upkeep_local_ties_do_not(midrun, engine):
    model, state = midrun
    _reset(model, state)
    t, f, tc = model.ties, model.firms, model.cfg.trust
    a, b, kind = t.view("a"), t.view("b"), t.view("kind")
    firm = kind == TIE_FIRM
    far = firm & (f.region[a] != f.region[np.where(firm, b, a)]) & f.alive[a] & f.alive[b]
    assert far.sum() > 0
    saved = {name: t.view(name).copy() for name in ("trust", "age", "successes")}
    paid = {}
    for rate in (0.0, 1.0):
        _reset(model, state, pipeline_rate=rate)
        for name, values in saved.items():
            t.view(name)[:] = values
        model.tie_upkeep[0] = 0.0
        keep = np.ones(t.n, dtype=np.bool_)
        engine.projects(model, keep, np.ones((t.n, 4)))  # no project, no betrayal: decay only
        paid[rate] = (state["cash"] - f.cash, model.tie_upkeep[0])
    for name, values in saved.items():
        t.view(name)[:] = values
    _reset(model, state)
    upkeep = tc.pipeline_upkeep * tc.tie_cost
    assert paid[0.0][1] == 0.0 and np.all(paid[0.0][0] == 0.0)
    np.testing.assert_allclose(paid[1.0][1], upkeep * far.sum(), rtol=1e-12)
    ends = np.bincount(np.concatenate([a[far], b[far]]), minlength=f.capacity)
    np.testing.assert_allclose(paid[1.0][0], 0.5 * upkeep * ends, rtol=0, atol=1e-9)


@pytest.mark.parametrize("policy", ["none", "fdi"])
def test_engines_agree_with_pipelines(policy):
    """Both engines, pipelines on; with FDI the affiliates bridge too."""
    over = {**SPEC, "trust.pipeline_premium": 2.0, "seed": 2, "years": 8 if policy == "fdi" else 5}
    runs = {}
    for engine in ("numba", "reference"):
        model = ClusterModel(
            compose({"policy": policy}, overrides={**over, "engine": engine}).config
        )
        model.run()
        runs[engine] = outputs(model)
    t, f = model.ties, model.firms
    assert _distant(model, t.view("a"), t.view("b"), t.view("kind")).sum() > 0
    if policy == "fdi":
        assert (f.origin[f.live] == ORIGIN_MNE).sum() > 0
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(runs["reference"][table], runs["numba"][table], table)
    assert runs["numba"]["timeseries"]["external_tie_share"].max() > 0
    assert_ledger_balances(runs["numba"]["ledger"], over["years"] * 4)


def test_pipelines_raise_the_external_share():
    """Same seeds, pipelines off and on: the leading region's ties leave it more often, in
    every one of four default-size runs at year 20 (measured 0.17, 0.08, 0.15, 0.34 off;
    0.26, 0.11, 0.16, 0.43 on)."""
    shares = np.zeros((2, 4))
    for i, rate in enumerate((0.0, 1.0)):
        for seed in range(4):
            cfg = make_config(seed=seed, years=20, **{"trust.pipeline_rate": rate})
            ts = run(cfg).timeseries
            last = ts[ts.step == ts.step.max()]
            shares[i, seed] = last.loc[last["employment"].idxmax(), "external_tie_share"]
    assert (shares[1] > shares[0]).all(), shares
