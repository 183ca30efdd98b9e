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
x and y in an empty region) and 2 normals (offset from its host); each is computed where it is
read, so only the movers' landing draws are.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clustersim.mechanisms.demography.location import location_utility
from clustersim.world.state import TIE_FINANCIER, TIE_FIRM, TIE_UNIVERSITY
from clustersim.world.streams import RELOCATION, identity_hash, normal_at, uniform_at


def relocate(model) -> tuple[float, np.ndarray | None]:
    """Move this quarter's relocating firms; returns the cash they paid for moving and the
    location utility if it was computed and no firm moved (still this quarter's, so entry
    need not compute it again), else None. The caller rebuilds the spatial index
    (``model._reindex``) if any firm moved."""
    rc, f, reg, t = model.cfg.relocation, model.firms, model.regions, model.t
    if not rc.enabled or reg.n < 2:
        return 0.0, None
    key = model.streams.key(RELOCATION, t)
    review = _reviewers(key, f.alive, f.is_mne, f.uid, rc.review_rate)
    if len(review) == 0:
        return 0.0, None
    utility = location_utility(model)
    idx, eps = model.index, 1e-9 * model.cfg.world.size
    movers, dest, pay, x, y = _moves(
        review, key, f.uid, utility, moving_threshold(rc, f.emp[review]),
        rc.cost_per_employee * model.cfg.world.base_wage, rc.landing_spread, eps, f.region,
        f.emp, f.cash, f.x, f.y, idx.region_order, idx.region_start, reg.x0, reg.x1, reg.y0,
        reg.y1,
    )  # fmt: skip
    if len(movers) == 0:
        return 0.0, utility
    before = f.region.copy()
    f.cash[movers] -= pay
    model.relocate_firms(movers, x, y, dest)
    _weaken_stretched_ties(model, before, movers, rc.tie_trust_kept)
    return float(pay.sum()), None


@njit(cache=True)
def _reviewers(key, alive, is_mne, uid, rate):
    """The live firms, foreign affiliates aside, whose review uniform (0 under ``key``) falls
    below ``rate``: they review their location this quarter. In slot order."""
    out = np.empty(alive.shape[0], np.int64)
    n = 0
    for s in range(alive.shape[0]):
        if alive[s] and not is_mne[s] and uniform_at(identity_hash(key, uid[s]), 0) < rate:
            out[n] = s
            n += 1
    return out[:n]


@njit(cache=True)
def _moves(
    review, key, uid, utility, threshold, cost_per_employee, spread, eps, region, emp, cash, fx,
    fy, order, start, x0, x1, y0, y1,
):  # fmt: skip
    """Who of ``review`` moves where, what it pays, and where it lands, in one compiled pass
    (``threshold``: each reviewer's :func:`moving_threshold`, computed by numpy). A reviewing
    firm weighs the best other region (the lowest index among equals, a NaN first, as
    ``argmax`` has it) and moves if the gain beats its threshold and its cash covers the cost.
    A mover lands, from the state before the moves, near a random firm of the target region
    (its uniform 1 under ``key`` picks it; its normals 0 and 1 offset it) or, if the region
    has none, uniformly in it (uniforms 2 and 3); kept inside the region."""
    n_reg = utility.shape[0]
    movers, dest, pay = np.empty_like(review), np.empty_like(review), np.empty(review.shape[0])
    x, y = np.empty(review.shape[0]), np.empty(review.shape[0])
    n = 0
    for i in range(review.shape[0]):
        s = review[i]
        here, d = region[s], -1
        for r in range(n_reg):
            if r == here:
                continue
            if d < 0 or utility[r] > utility[d] or utility[r] != utility[r]:
                d = r
            if utility[d] != utility[d]:
                break  # argmax stops at the first NaN
        cost = cost_per_employee * emp[s]
        if not (utility[d] - utility[here] > threshold[i] and cash[s] >= cost):
            continue
        members, h = start[d + 1] - start[d], identity_hash(key, uid[s])
        if members > 0:
            host = order[start[d] + int(uniform_at(h, 1) * members)]
            xi, yi = fx[host] + spread * normal_at(h, 0), fy[host] + spread * normal_at(h, 1)
        else:
            xi = x0[d] + uniform_at(h, 2) * (x1[d] - x0[d])
            yi = y0[d] + uniform_at(h, 3) * (y1[d] - y0[d])
        movers[n], dest[n], pay[n] = s, d, cost
        x[n] = min(max(xi, x0[d]), x1[d] - eps)
        y[n] = min(max(yi, y0[d]), y1[d] - eps)
        n += 1
    return movers[:n], dest[:n], pay[:n], x[:n], y[:n]


def moving_threshold(rc, emp: np.ndarray) -> np.ndarray:
    """The utility gain a firm of ``emp`` employees needs to move: rises with size."""
    return rc.moving_cost * (np.maximum(emp, 1e-12) / rc.reference_size) ** rc.size_elasticity


def _weaken_stretched_ties(model, before: np.ndarray, movers: np.ndarray, kept: float) -> None:
    """Ties of the movers whose ends were in one region and now are not keep ``kept`` of their
    trust; ties the move brings into one region keep theirs."""
    ties, f = model.ties, model.firms
    _weaken(
        movers,
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
def _weaken(movers, before, region, uni_region, fin_region, a, b, kind, trust, kept):
    """:func:`_weaken_stretched_ties` over the edge list: the far end of a university or
    financier tie never moves."""
    moved = np.zeros(region.shape[0], np.bool_)
    for s in movers:
        moved[s] = True
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
