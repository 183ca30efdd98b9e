"""Labour that moves (issue 13): migration between the regions' labour pools and commuting
across their borders (``world.regions.migrate``, ``world.regions.update``).

The rule lives in shared Python (``world.regions``), run by the model before the engine's
sub-steps, so both engines read the same pools, wages and skills; the engine test below checks
that they still follow the same trajectory with the pools moving.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_engines import assert_same, outputs
from test_golden import NO_PAYOUTS, SMALL, before_payouts, digest

from clustersim import make_config, run
from clustersim.model.model import ClusterModel
from clustersim.viz.presets import compose
from clustersim.world import regions

OFF = {
    "world.migration.rate": 0.0,
    "world.migration.commute_range": 0.0,
    "universities.decide": False,  # universities that decide came after migration (issue 13)
    **NO_PAYOUTS,  # and owners' payouts (issue 12), pipelines on by default (issue 13)
}
# the golden hashes of tests/test_golden.py just before labour could move: with
# migration and commuting off (and universities passive) every output but the new
# ``labour_pool`` column is bit-identical
PRE_MIGRATION = {
    "default": ({}, {}, "4e9254b87ab29643"),
    "reference": ({}, {"engine": "reference", "n_firms": 50, "years": 4}, "6c0d10b1d6573fef"),
    # re-pinned when the demand-side policy began to read the market's own shares (a
    # behaviour change of that instrument alone; the pre-migration model gave c77162a05aa1563c)
    "package": ({"policy": "package"}, {}, "519a9412f5b3eafd"),
}


def arrays(n: int = 3, **overrides):
    """Regions of a default world, with the wages and tightness of a first update."""
    cfg = make_config(**{"world.n_regions": n, "world.amenity_sd": 0.0}, **overrides)
    reg = regions.build(cfg, np.random.default_rng(0), 0)
    reg.emp[:] = 0.1 * reg.pool
    reg.tight[:] = 0.1
    reg.wage[:] = cfg.world.base_wage * (1 + cfg.world.wage_tightness * 0.1)
    return cfg, reg


@pytest.mark.parametrize("case", sorted(PRE_MIGRATION))
def test_switched_off_reproduces_the_fixed_pools_bit_for_bit(case):
    choices, overrides, golden = PRE_MIGRATION[case]
    res = before_payouts(run(compose(choices, overrides={**SMALL, **overrides, **OFF}).config))
    assert (res.timeseries["labour_pool"] == res.timeseries["labour_pool"].iloc[0]).all()
    res.timeseries = res.timeseries.drop(columns=["labour_pool"])
    assert digest(res) == golden


def test_people_are_conserved():
    """Every quarter the pools add up to the set-up's workers: people move, none is created."""
    model = ClusterModel(
        make_config(n_firms=80, years=12, **{"output.figures": False, "world.migration.rate": 0.2})
    )
    total = model.regions.pool.sum()
    moved = 0.0
    for _ in range(model.cfg.steps):
        before = model.regions.pool.copy()
        model.step()
        moved += np.abs(model.regions.pool - before).sum()
        np.testing.assert_allclose(model.regions.pool.sum(), total, rtol=1e-12)
        assert (model.regions.pool > 0).all()
    assert moved > 0.05 * total  # the run did move people


def test_workers_move_toward_higher_wage():
    cfg, reg = arrays(**{"world.migration.moving_cost": 0.0})
    reg.wage[1] *= 1.3
    net = regions.migrate(reg, cfg)
    assert net[1] > 0 and net[0] < 0 and net[2] < 0
    assert abs(net.sum()) < 1e-9


def test_workers_move_toward_jobs_and_amenity():
    cfg, reg = arrays(**{"world.migration.moving_cost": 0.0})
    reg.amenity[2] = 1.0
    net = regions.migrate(reg, cfg)
    assert net[2] > 0 and net[:2].max() < 0
    cfg, reg = arrays(**{"world.migration.moving_cost": 0.0})
    reg.tight[0] = 0.3  # more jobs per worker: a better chance of one
    assert regions.migrate(reg, cfg)[0] > 0


def test_small_gaps_move_nobody_and_rate_scales_the_flow():
    cfg, reg = arrays()
    reg.wage[1] *= 1.0 + 0.5 * cfg.world.migration.moving_cost  # within the moving cost
    assert not regions.migrate(reg, cfg).any()
    flows = []
    for rate in (0.02, 0.04):
        cfg, reg = arrays(**{"world.migration.rate": rate})
        reg.wage[1] *= 1.5
        flows.append(regions.migrate(reg, cfg)[1])
    np.testing.assert_allclose(flows[1], 2 * flows[0], rtol=1e-12)


def test_pools_approach_a_spatial_equilibrium():
    """With the wage gap held, the pool stops growing where the congestion of the place
    (``supply_elasticity``) offsets the gap; no further moves beyond the moving cost."""
    cfg, reg = arrays(**{"world.migration.rate": 0.2})
    reg.wage[1] *= 1.2
    for _ in range(400):
        regions.migrate(reg, cfg)
    v = regions.utility(reg, cfg.world.migration)
    assert reg.pool[1] > reg.base_pool[1]
    assert np.ptp(v) <= cfg.world.migration.moving_cost + 1e-3


@pytest.mark.parametrize("richer", [0, 1])
def test_skill_mix_follows_movers(richer):
    """Movers carry their region's skill: the region people leave keeps its skill, the one they
    join gets the pool-weighted mix (trained region 0 at 0.8, untrained region 1 at 0.4)."""
    cfg, reg = arrays(n=2, **{"world.migration.moving_cost": 0.0})
    reg.skill[:] = reg.base_skill[:] = [0.8, 0.4]
    reg.wage[richer] *= 1.4  # people move to the region that pays more
    pool = reg.pool.copy()
    net = regions.migrate(reg, cfg)
    left, skill = 1 - richer, np.array([0.8, 0.4])
    assert net[richer] > 0
    np.testing.assert_allclose(reg.skill[left], skill[left], rtol=1e-15)
    mix = (pool[richer] * skill[richer] + net[richer] * skill[left]) / (pool[richer] + net[richer])
    np.testing.assert_allclose(reg.skill[richer], mix)
    assert 0.4 < reg.skill[richer] < 0.8


def test_commuting_shares_the_labour_markets_of_neighbours():
    cfg, reg = arrays(n=4)
    reg.emp[:] = [2000.0, 0.0, 0.0, 0.0]
    regions_of = reg.commute
    assert regions_of is not None and np.allclose(np.diag(regions_of), 1.0)
    firms = type("F", (), {})()
    firms.alive = np.array([True])
    firms.region, firms.emp = np.array([0]), np.array([2000.0])
    regions.update(reg, firms, cfg)
    assert reg.tight[0] < 2000.0 / reg.pool[0]  # neighbours' workers are within reach
    assert (reg.tight[1:] > 0).all()  # and the jobs are within reach of theirs
    assert reg.wage[0] > reg.wage[1] > cfg.world.base_wage
    cfg, reg = arrays(n=4, **{"world.migration.commute_range": 0.0})
    regions.update(reg, firms, cfg)
    assert reg.commute is None and reg.tight[0] == 2000.0 / reg.pool[0] and reg.tight[1] == 0


def test_engines_agree_with_labour_moving():
    spec = {
        "n_firms": 50,
        "years": 4,
        "shocks.steps": [6],
        "world.migration.rate": 0.3,
        "world.migration.moving_cost": 0.0,
        "output.figures": False,
    }
    got = {}
    for engine in ("numba", "reference"):
        model = ClusterModel(make_config(engine=engine, replications=1, **spec))
        model.run()
        got[engine] = (outputs(model), model.regions.pool.copy())
    assert not np.allclose(got["numba"][1], model.regions.base_pool)  # the pools did move
    np.testing.assert_array_equal(got["reference"][1], got["numba"][1])
    for table in ("timeseries", "firms", "ties", "ledger"):
        assert_same(got["reference"][0][table], got["numba"][0][table], table)
