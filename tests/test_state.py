"""Firm slots: the lowest free slot first, whatever mix of births, deaths and growth, so the
slots a run uses (and with them every kernel's loop order) are deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.model.model import ClusterModel
from clustersim.world.state import FirmArrays, pairwise_sum


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
