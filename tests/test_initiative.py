"""The cluster initiative: phases by entry route, membership on risk-return, services, funding."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config, run
from clustersim.institutions.initiative import ClusterInitiative, _two_groups
from clustersim.model.model import ClusterModel
from clustersim.observe.lifecycle import stage_sequence
from clustersim.observe.recording import expected_cash_after
from clustersim.world.state import TIE_FIRM

BASE = {"n_firms": 120, "seed": 9, "output.figures": False}
# seeds for the tests that need an initiative that recruits; an engineered initiative in a
# 120-firm industry fails to recruit in some seeds (it stops in 'trust'), so they run several
SEEDS = (0, 1, 3, 9)


def phases(ts: pd.DataFrame) -> list[str]:
    return stage_sequence(ts[ts.is_focal]["phase"])


def test_engineered_initiative_goes_through_the_four_phases():
    cfg = make_config(
        years=10, **BASE, **{"initiative.route": "engineered", "initiative.start_step": 8}
    )
    res = run(cfg, keep_model=True)
    assert phases(res.timeseries)[:5] == ["latent", "trust", "linkages", "strategy", "action"]
    ini = res.model.initiatives[0]
    assert ini.events[1] == (8, "trust")
    assert ini.formalised and ini.audited
    assert ini.baseline["members"] >= cfg.initiative.min_members
    assert ini.goals["employment"] > ini.baseline["employment"]  # goals and baseline recorded
    focal = res.timeseries[res.timeseries.is_focal].set_index("step")
    assert (focal.loc[:8, "members"] == 0).all() and focal.loc[12:, "members"].min() > 0
    assert focal["introductions"].sum() > 0
    assert (focal.loc[9:, "initiative"] == 1).all()


def test_organic_initiative_emerges_when_links_and_identity_pass_their_thresholds():
    # 12.5 per firm: 1,500 employees, the threshold this 120-firm case was built on
    kw = {"initiative.route": "organic", "market.critical_mass": 12.5}
    cfg = make_config(years=32, **BASE, **kw)  # links pass the thresholds in year 26
    res = run(cfg, keep_model=True)
    ini = res.model.initiatives[0]
    start = ini.events[1][0]
    assert ini.events[1][1] == "linkages"  # informal links formalise: no trust phase
    focal = res.timeseries[res.timeseries.is_focal].set_index("step")
    c = cfg.initiative
    passed = (focal["core_degree"] >= c.organic_degree) & (focal["identity"] >= c.organic_identity)
    assert passed.loc[start] and not passed.loc[: start - 1].any()
    assert phases(res.timeseries)[:4] == ["latent", "linkages", "strategy", "action"]


def test_reengineered_route_breaks_links_then_takes_corrective_action():
    kw = {"initiative.route": "reengineered", "initiative.break_step": 16}
    cfg = make_config(years=10, **BASE, **kw, **{"initiative.start_step": 24})
    model = ClusterModel(cfg)
    model.run(16)
    f = model.firms

    def openness_by_uid():
        live = f.live[f.region[f.live] == model.focal]
        return dict(zip(f.uid[live].tolist(), f.openness[live].tolist(), strict=True))

    def focal_ties(m):
        a, b, kind = m.ties.view("a"), m.ties.view("b"), m.ties.view("kind")
        firm = kind == TIE_FIRM
        touch = (m.firms.region[a] == m.focal) | (m.firms.region[np.where(firm, b, 0)] == m.focal)
        return int((firm & touch).sum())

    twin = ClusterModel(
        dataclasses.replace(cfg, initiative=dataclasses.replace(cfg.initiative, break_step=17))
    )
    twin.run(17)
    before = openness_by_uid()
    model.step()  # the break happens at the start of this step
    assert focal_ties(model) < 0.8 * focal_ties(twin)  # key links cut
    after = openness_by_uid()
    kept = sorted(set(before) & set(after))
    assert kept
    np.testing.assert_allclose([after[u] for u in kept], [0.4 * before[u] for u in kept])
    model.run(8)  # corrective action at step 24
    restored = openness_by_uid()
    kept = sorted(set(before) & set(restored))
    np.testing.assert_allclose([restored[u] for u in kept], [before[u] for u in kept])
    assert model.initiatives[0].events[1] == (24, "linkages")


def test_a_latent_initiative_draws_no_random_numbers():
    """An engineered initiative that never starts leaves the run bit-identical to no route."""
    none = run(make_config(years=4, **BASE)).timeseries
    late = run(
        make_config(
            years=4, **BASE, **{"initiative.route": "engineered", "initiative.start_step": 999}
        )
    )
    shared = [c for c in none.columns if c != "run_id"]
    pd.testing.assert_frame_equal(none[shared], late.timeseries[shared], check_exact=True)


def test_same_seed_same_initiative_history():
    cfg = make_config(
        years=8, **BASE, **{"initiative.route": "engineered", "initiative.start_step": 4}
    )
    a, b = run(cfg), run(cfg)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.ties, b.ties, check_exact=True)


def test_fees_balance_the_ledger_and_follow_the_public_share():
    kw = {"initiative.route": "engineered", "initiative.start_step": 4, "initiative.cost": 3.0}
    paid = 0
    for seed, share in itertools.product(SEEDS, (0.0, 0.6)):
        cfg = make_config(
            years=8, **{**BASE, "seed": seed}, **kw, **{"initiative.public_share": share}
        )
        res = run(cfg)
        led, focal = res.ledger, res.timeseries[res.timeseries.is_focal].iloc[1:]
        np.testing.assert_allclose(expected_cash_after(led), led.cash_after, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(-led.policy_transfers.to_numpy(), focal["initiative_fees"])
        paying = focal["initiative_fees"] > 0
        paid += paying.any()
        cost = focal["initiative_fees"][paying] + focal["initiative_public_spend"][paying]
        np.testing.assert_allclose(cost[focal["members"][paying] >= 5], 3.0)
        public = focal["initiative_public_spend"][paying] / 3.0
        np.testing.assert_allclose(public, share)
    assert paid >= 4  # members paid fees in at least two seeds, at both public shares


def test_members_leave_an_initiative_whose_fees_outweigh_what_it_brings():
    """With no public money and a heavy running cost, members' experienced risk-return turns
    negative, they leave, and the initiative stagnates and dissolves (L3180-3187, L3344-3355)."""
    kw = {"initiative.route": "engineered", "initiative.start_step": 4}
    dear_kw = {"initiative.public_share": 0.0, "initiative.cost": 40.0, "initiative.patience": 4}
    end = lambda res: res.timeseries[res.timeseries.is_focal]["members"].iloc[-1]  # noqa: E731
    grown = 0
    for seed in SEEDS:
        base = {**BASE, "seed": seed}
        cheap = run(make_config(years=15, **base, **kw))
        if end(cheap) <= 20:
            continue  # this seed's initiative never grew: nothing for fees to undo
        grown += 1
        dear = run(make_config(years=15, **base, **kw, **dear_kw))
        seq = phases(dear.timeseries)
        assert "stagnation" in seq and seq[-1] == "dissolved"
        assert end(dear) == 0
    assert grown >= 2


def test_brokered_ties_are_new_distinct_and_respect_the_degree_cap():
    kw = {"initiative.route": "engineered", "initiative.start_step": 2, "initiative.capacity": 40}
    res = run(make_config(years=6, **BASE, **kw), keep_model=True)
    ties = res.ties[res.ties.kind == "firm"]
    pairs = {tuple(sorted(p)) for p in ties[["a", "b"]].to_numpy()}
    assert len(pairs) == len(ties)
    deg = pd.concat([ties.a, ties.b]).value_counts()
    assert deg.max() <= res.config.trust.max_degree + 1  # + university tie counted elsewhere
    assert res.timeseries["introductions"].sum() > 100


def test_a_captured_facilitator_introduces_its_largest_member():
    introduced = 0
    for seed in range(8):
        cfg = make_config(
            years=6,
            **{**BASE, "seed": seed},
            **{"initiative.route": "engineered", "initiative.start_step": 2},
        )
        captured = dataclasses.replace(
            cfg, initiative=dataclasses.replace(cfg.initiative, neutrality=0.0, capacity=4.0)
        )
        model = ClusterModel(captured)
        model.run(10)
        ini = model.initiatives[0]
        members = ini.members(model)
        if len(members) < 2:
            continue  # no initiative to capture in this seed
        largest = members[np.argmax(model.firms.emp[members])]
        n_before = model.ties.n
        ini.carry = 0.0
        ini._introduce(model, members)
        new = slice(n_before, model.ties.n)
        introduced += ini.introductions > 0
        assert (model.ties.a[new] == largest).all()
        assert (model.ties.kind[new] == TIE_FIRM).all()
    assert introduced >= 2


def test_public_share_is_a_checked_lever():
    model = ClusterModel(make_config(years=1, **BASE, **{"initiative.route": "organic"}))
    ini = model.initiatives[0]
    ini.set_public_share(0.25)
    assert ini.public_share == 0.25
    with pytest.raises(ValueError, match="public_share"):
        ini.set_public_share(1.5)


def test_two_groups_finds_separated_members():
    rng = np.random.default_rng(0)
    pos = np.r_[rng.normal(0, 0.05, (10, 2)), rng.normal(0, 0.05, (12, 2)) + [1.0, 0.0]]
    g1, g2, dist = _two_groups(pos)
    assert {len(g1), len(g2)} == {10, 12}
    assert dist == pytest.approx(1.0, abs=0.1)
    assert _two_groups(rng.normal(0, 0.05, (3, 2))) is None


def test_a_stagnating_initiative_with_two_distant_groups_splits():
    cfg = make_config(
        years=6, **BASE, **{"initiative.route": "engineered", "initiative.start_step": 2}
    )
    model = ClusterModel(cfg)
    model.run(12)
    ini = model.initiatives[0]
    members = ini.members(model)
    assert len(members) >= 12
    half = len(members) // 2
    model.firms.kpos[members[:half]] = model.firms.kpos[members[:half]] * 0.01
    model.firms.kpos[members[half:]] = model.firms.kpos[members[half:]] * 0.01 + [2.0, 0.0]
    ini.goals = {"members": 10**6, "employment": 0.0}
    ini._enter(model, "stagnation")
    ini.since = model.t - cfg.initiative.strategy_steps
    other = ini._next_phase(model, model.lifecycle)
    assert isinstance(other, ClusterInitiative)
    assert ini.phase == other.phase == "strategy"
    assert (model.t, "split") in ini.events
    a, b = set(ini.members(model)), set(other.members(model))
    assert not a & b and len(a) + len(b) == len(members)
