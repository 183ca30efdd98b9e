"""Incumbents relocate: a firm moves its establishment to another region when that region's
location utility beats its own by more than a moving cost (issue 12).

Relocation is rare and mostly short-distance (Pellenbarg, van Wissen & van Dijk 2002); only moves
between regions change the model's geography, so only those are modelled. Each quarter a live
firm reviews its location with probability ``relocation.review_rate``; a reviewing firm compares
its region's utility with the best other region's (:func:`location_utility`, the start-ups'
utility) and moves if the gain exceeds ``moving_cost x (emp / reference_size)^size_elasticity``:
larger firms have more sunk in their site and move less (Brouwer, Mariotti & van Ommeren 2004;
Kronenberg 2013). It pays ``cost_per_employee`` base-wage quarters per employee in cash, and
stays if its cash cannot cover that. Foreign affiliates (``is_mne``) are left out: their parent
decides where they go, which the FDI programme's footloose rule models (L1850-1852).

A mover lands within ``landing_spread`` of a random firm of the target region (anywhere in it if
the region is empty), through ``model.relocate_firm`` (counted in ``relocations_in`` and
``relocations_out``). It keeps its ties at the cost of distance: a tie whose ends the move puts
in different regions keeps ``tie_trust_kept`` of its trust (face-to-face contact sustains trust,
Storper & Venables 2004; Boschma 2005). All firms decide on the same state, before anyone
moves, so the outcome does not depend on the order of firms. Region-level numpy, shared by both
engines.

Draws (stream ``RELOCATION``, keyed by firm uid): 4 uniforms per live firm (review, host pick,
x and y in an empty region; only movers read the last three, so only theirs are computed);
2 normals per mover (offset from its host).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clustersim.mechanisms.demography.location import location_utility
from clustersim.world.state import TIE_FINANCIER, TIE_FIRM, TIE_UNIVERSITY
from clustersim.world.streams import RELOCATION


def relocate(model) -> tuple[float, np.ndarray | None]:
    """Move this quarter's relocating firms; returns the cash they paid for moving and the
    location utility if it was computed and no firm moved (still this quarter's, so entry
    need not compute it again), else None. The caller rebuilds the spatial index
    (``model._reindex``) if any firm moved."""
    rc, f, reg, t = model.cfg.relocation, model.firms, model.regions, model.t
    if not rc.enabled or reg.n < 2:
        return 0.0, None
    # the review draw of every live firm; the other three only movers read (_landing)
    u = model.streams.uniforms(RELOCATION, t, f.uid, 1, where=f.alive)[:, 0]
    review = np.flatnonzero(f.alive & ~f.is_mne & (u < rc.review_rate))
    if len(review) == 0:
        return 0.0, None
    utility = location_utility(model)
    here = f.region[review]
    other = np.where(np.arange(reg.n)[None, :] == here[:, None], -np.inf, utility[None, :])
    best = np.argmax(other, axis=1)  # the lowest index among equals
    gain = other[np.arange(len(review)), best] - utility[here]
    pay = rc.cost_per_employee * model.cfg.world.base_wage * f.emp[review]
    move = (gain > moving_threshold(rc, f.emp[review])) & (f.cash[review] >= pay)
    movers, dest, pay = review[move], best[move], pay[move]
    if len(movers) == 0:
        return 0.0, utility
    x, y = _landing(model, movers, dest, model.streams.uniforms(RELOCATION, t, f.uid[movers], 4))
    before = f.region.copy()
    f.cash[movers] -= pay
    model.relocate_firms(movers, x, y, dest)
    _weaken_stretched_ties(model, before, movers, rc.tie_trust_kept)
    return float(pay.sum()), None


def moving_threshold(rc, emp: np.ndarray) -> np.ndarray:
    """The utility gain a firm of ``emp`` employees needs to move: rises with size."""
    return rc.moving_cost * (np.maximum(emp, 1e-12) / rc.reference_size) ** rc.size_elasticity


def _landing(model, movers, dest, u) -> tuple[np.ndarray, np.ndarray]:
    """New sites, all from the state before the moves: near a random firm of the target region
    (``u[:, 1]`` picks it), or uniformly in the region (``u[:, 2:4]``) if it has none; kept
    inside the target region."""
    f, reg, rc = model.firms, model.regions, model.cfg.relocation
    z = model.streams.normals(RELOCATION, model.t, f.uid[movers], 2)
    w, h = reg.x1[dest] - reg.x0[dest], reg.y1[dest] - reg.y0[dest]
    x, y = reg.x0[dest] + u[:, 2] * w, reg.y0[dest] + u[:, 3] * h
    idx = model.index
    first, size = idx.region_start[dest], np.diff(idx.region_start)[dest]
    near = size > 0
    host = idx.region_order[first[near] + (u[near, 1] * size[near]).astype(np.int64)]
    x[near] = f.x[host] + rc.landing_spread * z[near, 0]
    y[near] = f.y[host] + rc.landing_spread * z[near, 1]
    eps = 1e-9 * model.cfg.world.size
    x = np.clip(x, reg.x0[dest], reg.x1[dest] - eps)
    return x, np.clip(y, reg.y0[dest], reg.y1[dest] - eps)


def _weaken_stretched_ties(model, before: np.ndarray, movers: np.ndarray, kept: float) -> None:
    """Ties of the movers whose ends were in one region and now are not keep ``kept`` of their
    trust; ties the move brings into one region keep theirs."""
    ties, f = model.ties, model.firms
    moved = np.zeros(f.capacity, np.bool_)
    moved[movers] = True
    _weaken(
        moved,
        before,
        f.region,
        np.asarray(model.universities.region, dtype=np.int64),
        np.asarray(model.financiers.region, dtype=np.int64),
        ties.view("a"),
        ties.view("b"),
        ties.view("kind"),
        ties.view("trust"),
        kept,
    )


@njit(cache=True)
def _weaken(moved, before, region, uni_region, fin_region, a, b, kind, trust, kept):
    """:func:`_weaken_stretched_ties` over the edge list: the far end of a university or
    financier tie never moves."""
    for e in range(a.shape[0]):
        firm_b = kind[e] == TIE_FIRM
        if not (moved[a[e]] or (firm_b and moved[b[e]])):
            continue
        if firm_b:
            b_before, b_after = before[b[e]], region[b[e]]
        elif kind[e] == TIE_UNIVERSITY:
            b_before = b_after = uni_region[b[e]]
        elif kind[e] == TIE_FINANCIER:
            b_before = b_after = fin_region[b[e]]
        else:
            b_before = b_after = 0
        if before[a[e]] == b_before and region[a[e]] != b_after:
            trust[e] *= kept
