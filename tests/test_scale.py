"""Scale consistency (issue 12): the same scenario at 300, 1,000 and 3,000 initial firms.

Demand, labour pools and the critical mass (L1067-1101) are set per initial firm, so the
geography of employment (concentration over regions, the largest region's share) should not
depend on the industry's size. The measures are read from runs, never hard-coded, so these
tests re-check the claim after any change of the dynamics (docs/validation.md, "Scale
consistency"; docs/ODD.md, "Scale").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustersim import make_config
from clustersim.analysis.scale import compare_sizes, geography, scale_table
from clustersim.experiment.scale import measure_scale, scale_configs
from clustersim.model.model import ClusterModel
from clustersim.viz.presets import compose
from clustersim.world.regions import critical_mass


def test_critical_mass_grows_with_the_industry():
    small, large = make_config(n_firms=300), make_config(n_firms=1000)
    assert critical_mass(small) == 1500.0  # the default size keeps its threshold
    assert critical_mass(large) == pytest.approx(critical_mass(small) * 1000 / 300)
    assert critical_mass(large) / large.world.labour_pool_per_firm / large.n_firms == (
        critical_mass(small) / small.world.labour_pool_per_firm / small.n_firms
    )


@pytest.mark.parametrize(
    "sector, employees",
    [
        ("generic", 1500),
        ("traditional", 1200),
        ("automotive", 2000),
        ("creative", 800),
        ("biotech", 2500),
    ],
)
def test_sector_presets_keep_their_threshold_at_300_firms(sector, employees):
    assert critical_mass(compose({"sector": sector}).config) == employees


def test_every_consumer_reads_the_one_threshold():
    m = ClusterModel(n_firms=120, years=2, **{"output.write": False})
    m.run_model()
    assert m.regions.critical_mass == critical_mass(m.cfg) == 600.0
    x = m.lifecycle.current(m)
    emp = np.bincount(m.firms.region[m.firms.live], m.firms.emp[m.firms.live], minlength=4)
    np.testing.assert_allclose(x["mass"] * m.regions.critical_mass, emp)
    s = 1 / (1 + np.exp(-(m.regions.emp - 600.0) / (m.cfg.market.critical_mass_width * 600.0)))
    np.testing.assert_allclose(m.regions.agglo, 1 + m.cfg.market.agglomeration * s)


def test_geography_of_a_recorded_series():
    ts = pd.DataFrame(
        {
            "replication": 0,
            "step": [160] * 4,
            "region": [0, 1, 2, 3],
            "employment": [70.0, 10.0, 10.0, 10.0],
            "firms": [7, 1, 1, 1],
        }
    )
    g = geography(ts, years=(40, 50)).iloc[0]
    assert len(geography(ts, years=(40, 50))) == 1  # year 50 is past the run
    assert g["largest_share"] == pytest.approx(0.7) and g["largest_region"] == 0
    assert g["concentration"] == pytest.approx((0.52 - 0.25) / 0.75)


def test_runs_at_two_sizes_are_measured_and_compared():
    geo = measure_scale(sizes=(40, 120), replications=2, years=3, at_years=(2, 3))
    assert len(geo) == 2 * 2 * 2
    table = scale_table(geo)
    assert list(table["n_firms"]) == [40, 40, 120, 120]
    assert (table["replications"] == 2).all()
    cmp = compare_sizes(geo)
    assert set(cmp["measure"]) == {"concentration", "largest_share"}
    assert (cmp["reference"] == 40).all() and (cmp["se"] >= 0).all()


def test_the_scale_runs_record_the_core_series_and_measure_the_same_geography():
    """The geography reads only the regions' employment, which the core series records as the
    full one does: the same rows, and a full series when an override asks for it."""
    kw = {"sizes": (40,), "replications": 1, "years": 3, "at_years": (2, 3)}
    assert {c.output.timeseries for c in scale_configs((40, 120), 2, 3)} == {"core"}
    full = {"output.timeseries": "full"}
    assert scale_configs((40,), 1, 3, overrides=full)[0].output.timeseries == "full"
    pd.testing.assert_frame_equal(measure_scale(**kw), measure_scale(**kw, overrides=full))


# ----------------------------------------------------------------- the slow comparison
SIZES = (300, 1000, 3000)
REPS = 16
# university spin-offs are absolute per university and quarter (docs/ODD.md, Scale); scaled per
# firm here as a diagnostic
ABSOLUTE_ENTRY = ("universities.spinoff_rate",)


def _same_geography(geo: pd.DataFrame) -> None:
    """Each size against 300 firms at year 40: Welch's test on concentration and the largest
    region's share, Bonferroni over the comparisons (family-wise 5 %)."""
    cmp = compare_sizes(geo, reference=SIZES[0])
    bad = cmp[cmp["p"] < 0.05 / len(cmp)]
    table = scale_table(geo).round(3).to_string()
    assert bad.empty, f"geography differs by size:\n{bad.round(3).to_string()}\n{table}"


@pytest.mark.slow
def test_default_scenario_has_the_same_geography_at_every_size():
    _same_geography(measure_scale(SIZES, replications=REPS, years=40, n_jobs=2))


@pytest.mark.slow
def test_same_geography_once_absolute_entry_quantities_also_scale():
    """With the entry quantities that are still absolute scaled per firm, nothing else in the
    model depends on the industry's size: the geography is the same at every size."""
    geo = measure_scale(SIZES, replications=REPS, years=40, scaled=ABSOLUTE_ENTRY, n_jobs=2)
    _same_geography(geo)
