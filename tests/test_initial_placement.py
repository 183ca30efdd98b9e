"""Where the industry starts: ``world.focal.initial_firm_share`` is the focal region's share of
the initial firms (the rest go to the other regions); -1 scatters them over the landscape."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim import make_config
from clustersim.model import ClusterModel

SEEDS = range(4)


def regions_at_start(share: float, seed: int, **kw) -> tuple[np.ndarray, int]:
    """Initial firms per region, and the focal region."""
    cfg = make_config(
        **{"world.focal.initial_firm_share": share, "seed": seed, "n_firms": 400, **kw}
    )
    m = ClusterModel(cfg)
    f = m.firms
    return np.bincount(f.region[f.live], minlength=m.regions.n), m.focal


@pytest.mark.parametrize("seed", SEEDS)
def test_share_zero_leaves_the_focal_region_empty(seed):
    counts, focal = regions_at_start(0.0, seed)
    assert counts[focal] == 0
    assert counts.sum() == 400


def test_share_zero_with_another_focal_region_leaves_that_one_empty():
    counts, focal = regions_at_start(0.0, 0, **{"world.focal_region": 2})
    assert focal == 2 and counts[2] == 0 and (np.delete(counts, 2) > 0).all()


def test_a_share_puts_that_share_in_the_focal_region_and_spreads_the_rest():
    shares = []
    for seed in range(12):
        counts, focal = regions_at_start(0.4, seed)
        shares.append(counts[focal] / counts.sum())
        others = np.delete(counts, focal)  # 240 firms over three equal regions: 80 each
        assert (np.abs(others - 80) < 30).all(), others
        assert 0.32 < shares[-1] < 0.48  # binomial sd 0.024 for 400 firms
    assert abs(np.mean(shares) - 0.4) < 0.02  # sd of the mean 0.007


def test_minus_one_scatters_over_the_whole_landscape():
    for seed in SEEDS:
        counts, focal = regions_at_start(-1.0, seed)
        assert (np.abs(counts - 100) < 35).all(), counts  # four equal regions


def test_share_one_puts_every_firm_in_the_focal_region():
    counts, focal = regions_at_start(1.0, 0)
    assert counts[focal] == 400
