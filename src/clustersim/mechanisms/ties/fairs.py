"""Trade fairs: temporary clusters where firms of different regions meet in person."""

from __future__ import annotations

from numba import njit

from clustersim.world.state import TIE_FIRM


def pipeline_premium(model) -> float:
    """The extra cost, in tie costs, of a new extra-regional tie this quarter: none in a trade
    fair's quarter (``trust.fair_every``), where co-presence replaces the travel and go-betweens
    the premium pays for (Maskell, Bathelt & Malmberg 2006; Bathelt & Schuldt 2008)."""
    tc = model.cfg.trust
    fair = tc.fair_every > 0 and model.t % tc.fair_every == 0
    return 0.0 if fair else tc.pipeline_premium


@njit(cache=True)
def extra_regional(a, b, kind, region):
    """How many of the ties ``a``-``b`` of ``kind`` are firm ties between two regions: of the
    new ones, those that pay the premium."""
    n = 0
    for e in range(a.shape[0]):
        if kind[e] == TIE_FIRM and region[a[e]] != region[b[e]]:
            n += 1
    return n
