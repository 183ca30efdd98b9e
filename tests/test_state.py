"""Firm slots: the lowest free slot first, whatever mix of births, deaths and growth, so the
slots a run uses (and with them every kernel's loop order) are deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim.mechanisms.demography.entry import place_firm
from clustersim.model.model import ClusterModel
from clustersim.world.hooks import StepHook
from clustersim.world.spatial import SpatialIndex
from clustersim.world.state import ORIGIN_MNE, FirmArrays, live_mean, live_sum, pairwise_sum


def test_slots_are_handed_out_lowest_first_and_the_arrays_double_when_full():
    f = FirmArrays(8, 2)
    first = f.allocate(np.arange(5))
    assert first.tolist() == [0, 1, 2, 3, 4]
    f.emp[first] = 7.0
    f.release(np.array([3, 1]))
    assert not f.alive[[1, 3]].any() and f.emp[1] == 0.0 and f.emp[0] == 7.0
    # one at a time or in a batch: the freed holes are filled first, in order, then the tail
    assert f.allocate(100).tolist() == [1]
    grown = f.allocate(np.arange(200, 207))
    assert grown.tolist() == [3, 5, 6, 7, 8, 9, 10]
    assert f.capacity == 16 and f.alive.sum() == 11
    assert f.uid[[1, 3, 10]].tolist() == [100, 200, 206]
    assert f.emp[0] == 7.0 and f.emp[10] == 0.0  # state survives the growth
    big = f.allocate(np.arange(40))  # needs two doublings at once
    assert f.capacity == 64 and big.tolist() == list(range(11, 51))


def test_live_slots_follow_every_entry_and_exit():
    """``live`` is found once per layout: each allocation and release must show in it."""
    f = FirmArrays(8, 2)
    seen = [f.live.tolist()]
    f.allocate(np.arange(5))
    seen.append(f.live.tolist())
    assert f.live is f.live  # not searched again while nothing changed
    f.release(np.array([3, 1]))
    seen.append(f.live.tolist())
    f.allocate(np.arange(100, 110))  # fills the holes, then doubles
    seen.append(f.live.tolist())
    assert seen == [[], [0, 1, 2, 3, 4], [0, 2, 4], list(range(13))]
    assert f.live.tolist() == np.flatnonzero(f.alive).tolist()


def test_live_sum_and_mean_are_numpys_over_the_live_slots_to_the_last_bit():
    rng = np.random.default_rng(2)
    for n in (0, 1, 7, 129, 5000):
        values = rng.lognormal(size=n) * rng.choice([1e-3, 1.0, 1e3], size=n)
        alive = rng.random(n) < 0.7
        total, live = live_sum(alive, values)
        assert total == values[alive].sum() and live == alive.sum()
        mean = live_mean(alive, values, -1.0)
        assert mean == (values[alive].mean() if alive.any() else -1.0)


def test_pairwise_sum_is_numpys_sum_to_the_last_bit():
    rng = np.random.default_rng(1)
    for n in [*range(0, 300), 1000, 4097, 8193, 20001]:
        a = rng.lognormal(size=n + 5) * rng.choice([1e-3, 1.0, 1e3], size=n + 5)
        assert pairwise_sum(a, 0, n) == a[:n].sum()
        assert pairwise_sum(a, 3, n) == a[3 : n + 3].sum()


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_region_means_are_core_position_and_mean_kstock_to_the_last_bit(dims):
    m = ClusterModel(n_firms=400, years=1, collect=False, knowledge__dims=dims)
    m.run(3)
    core, mean = m.index.region_means(m.firms, m.demand, m.cfg.knowledge.initial_stock)
    for r in range(m.regions.n):
        assert (core[r] == m.core_position(r)).all()
        assert mean[r] == m.mean_kstock(r)


class Churn(StepHook):
    """Removes, places and moves firms between sub-steps, and checks that the index every phase
    starts from, and the one a removal leaves, is current and what a rebuild from the firms
    would give."""

    def __init__(self):
        self.checked = 0

    def check(self, model):
        assert model.index.layout == model.firms.layout, "a stale index"
        k = model.cfg.knowledge
        fresh = SpatialIndex(
            model.firms,
            model.regions.n,
            model.cfg.world.size,
            2.0 * k.proximity_range,
            model.universities.region,
        )
        for name in ("n_live", "cell_of", "cell_order", "cell_start", "region_order"):
            assert np.array_equal(getattr(model.index, name), getattr(fresh, name)), name
        assert np.array_equal(model.index.region_start, fresh.region_start)
        self.checked += 1

    def before_step(self, model):
        self.check(model)
        model.remove_firms(model.firms.live[:2])
        self.check(model)

    def after_market(self, model):
        self.check(model)
        f, s = model.firms, int(model.firms.live[0])
        place_firm(
            model,
            10**9 + model.t,
            f.x[s],
            f.y[s],
            f.region[s],
            1.0,
            f.kpos[s],
            5.0,
            ORIGIN_MNE,
            -1,
            0.1,
            0.0,
            0.5,
            1.0,
        )

    def after_search(self, model):
        model.remove_firms(model.firms.live[-1:])
        self.check(model)

    def before_entry(self, model):
        self.check(model)
        s = int(model.firms.live[1])
        model.relocate_firm(s, model.firms.x[s], model.firms.y[s], int(model.firms.region[s]))

    def after_step(self, model):
        self.check(model)


def test_the_spatial_index_is_a_rebuild_whenever_it_is_current():
    m = ClusterModel(n_firms=200, years=3, collect=False)
    churn = Churn()
    m.add_hook(churn)
    m.run()
    assert churn.checked == 6 * m.t


class Crowd(StepHook):
    """Places more firms before the market of step 2 than the arrays have free slots, next to a
    live firm, and notes whether the index the market's phase ends with covers every firm."""

    name = "crowd"

    def __init__(self):
        self.covered: list[bool] = []

    def before_step(self, model):
        if model.t != 2:
            return
        f = model.firms
        s = int(f.live[0])
        for k in range(f.capacity - len(f.live) + 5):  # the arrays must double
            place_firm(
                model, 10**9 + k, f.x[s], f.y[s], f.region[s], 1.0, f.kpos[s], 5.0, ORIGIN_MNE,
                -1, 0.1, 0.0, 0.5, 1.0,
            )  # fmt: skip

    def after_market(self, model):
        self.covered.append(model.index.n_live == len(model.firms.live))


def test_the_kernels_never_read_an_index_a_hook_left_stale():
    """Firms a hook places before the market are in the index the spillovers and the search
    read that quarter (the arrays grew, so a stale index would be shorter than them), and
    both engines run the crowded quarter alike."""
    frames = []
    for engine in ("numba", "reference"):
        m = ClusterModel(n_firms=60, years=1, engine=engine, collect=False)
        crowd = Crowd()
        m.add_hook(crowd)
        capacity = m.firms.capacity
        m.run()
        assert m.firms.capacity > capacity and crowd.covered == [True] * m.t
        frames.append(m.recorder.frame())
    pd.testing.assert_frame_equal(*frames, check_exact=False, rtol=1e-9, atol=1e-12)
