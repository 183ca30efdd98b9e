"""The worksheets' claims (docs/teaching/) hold for the app model: slow, several seeds each."""

from __future__ import annotations

import pytest

from clustersim.viz import exercises

pytestmark = pytest.mark.slow
SEEDS = 4


def _runs(name: str):
    df = exercises.measure(name, SEEDS)
    return [g.set_index("seed") for _, g in df.groupby("run", sort=False)]


def test_lock_in_the_inward_looking_cluster_falls_deeper():
    traditional, automotive = _runs("lock_in")
    assert (traditional.trough < automotive.trough).all()
    assert (traditional.after_5y < automotive.after_5y).all()
    assert traditional.external_share_before.mean() < automotive.external_share_before.mean()
    assert traditional.heterogeneity_before.mean() < automotive.heterogeneity_before.mean()
    for run in (traditional, automotive):  # renewal through entry: newcomers sit nearer demand
        assert (run.newcomer_distance_5y < run.incumbent_distance_5y).mean() >= 0.75


def test_a_broker_needs_a_base_to_work_on():
    """The worksheet: where the region has a base the broker thickens the network in every seed
    and most of it goes once support ends; in the empty region there is almost nobody to
    broker, so the jobs it adds stay a handful and below those it adds where a base exists."""
    empty, base = _runs("broker_empty")
    assert (base.tie_density_gain_y15 > 0).all()
    assert base.tie_density_gain_y25.mean() < 0.5 * base.tie_density_gain_y15.mean()
    assert (empty.spend_to_y15 > 0).all() and (base.spend_to_y15 > 0).all()
    assert empty.employment_gain_y25.abs().mean() < 10
    assert empty.employment_gain_y15.mean() < base.employment_gain_y15.mean()


@pytest.fixture(scope="module")
def fdi_runs():
    return _runs("fdi_absorptive")


def test_fdi_brings_jobs_fast_and_training_doubles_the_spend(fdi_runs):
    fdi, with_training, elsewhere = fdi_runs
    for run in (fdi, with_training, elsewhere):
        assert (run.employment_gain_y15 > 0).all()
        assert run.affiliates_y15.min() >= 8
    assert with_training.spend_to_y15.mean() > 1.5 * fdi.spend_to_y15.mean()


@pytest.mark.xfail(
    strict=True,
    reason="since labour moves (issue 13) wages even out and affiliates find no cheaper region: "
    "8.0, 9.0 and 8.4 of 10 stay at year 25 (seeds 0-7); with fixed labour pools (measured "
    "before owners' payouts) 7.8, 3.9 and 0.5 (docs/teaching/fdi_absorptive.md)",
)
def test_affiliates_leave_when_incentives_end(fdi_runs):
    """Affiliates leave where nothing holds them, and stay in the developing region."""
    fdi, with_training, elsewhere = fdi_runs
    for run in (with_training, elsewhere):
        assert run.affiliates_y25.mean() < 0.75 * run.affiliates_y15.mean()  # affiliates leave ...
    assert (elsewhere.affiliates_y25 < elsewhere.affiliates_y15).all()  # ... everywhere without
    # handicaps
    assert elsewhere.affiliates_y25.mean() < fdi.affiliates_y25.mean()  # ... and stay in the
    # developing one
