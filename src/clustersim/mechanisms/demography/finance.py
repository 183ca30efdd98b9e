"""Financiers screen candidates; unfunded candidates do not enter (L1404-1460, L4316-4403).

Each candidate asks, in order, the venture capitalists, the banks and the public seed funds of
its region (a policy may override ``finance.ask_order`` in ``model.overrides``, e.g. public
grants first; see clustersim.world.hooks). A
financier estimates the candidate's quality with noise that falls with its screening skill (VC)
or local knowledge (banks), and funds it when the estimate clears its threshold and it has
capital left this quarter; each deal uses one ticket of that capital. Banks raise their
threshold when the regional economy contracts (pro-cyclical credit). VCs add management
competence and shrink when deal flow dries up.
"""

from __future__ import annotations

import numpy as np

from clustersim.world.agents import Financier
from clustersim.world.state import BANK, SEED_FUND, VC, FinancierArrays

ASK_ORDER = (VC, BANK, SEED_FUND)


def build(model) -> FinancierArrays:
    """Banks in every region, VCs first in the focal region then spread over the rest, public
    seed funds in the focal region; their agents. No random numbers."""
    fcfg, n_reg, focal = model.cfg.finance, model.regions.n, model.focal
    others = [r for r in range(n_reg) if r != focal]
    rows = [(BANK, r) for r in range(n_reg) for _ in range(fcfg.banks_per_region)]
    rows += [
        (VC, focal if v == 0 or not others else others[(v - 1) % len(others)])
        for v in range(fcfg.vcs)
    ]
    rows += [(SEED_FUND, focal) for _ in range(fcfg.seed_funds)]
    fin = FinancierArrays(len(rows))
    spec = {
        BANK: (fcfg.bank_capital, fcfg.bank_threshold, 0.0),
        VC: (fcfg.vc_capital, fcfg.vc_threshold, fcfg.vc_skill),
        SEED_FUND: (fcfg.seed_capital, fcfg.seed_threshold, 0.0),
    }
    for k, (kind, r) in enumerate(rows):
        fin.kind[k], fin.region[k] = kind, r
        fin.capacity[k], fin.threshold[k], fin.skill[k] = spec[kind]
    fin.base_capacity[:] = fin.capacity
    fin.available[:] = fin.capacity
    for k in range(fin.n):
        Financier(model, k)
    return fin


def screen(model, quality: np.ndarray, region: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Financier index that funds each candidate, or -1. ``noise`` is one normal per candidate.

    Every refusal is counted in ``model.refused[kind, region]``."""
    fin, cfg = model.financiers, model.cfg.finance
    reg = model.regions
    contraction = np.maximum(0.0, (reg.emp_prev - reg.emp) / np.maximum(reg.emp_prev, 1.0))
    order = model.overrides.get("finance.ask_order", ASK_ORDER)
    funder = np.full(len(quality), -1, dtype=np.int64)
    asked: dict[tuple[int, int], np.ndarray] = {}  # active financiers by (kind, region)
    for c in range(len(quality)):
        r = region[c]
        for kind in order:
            if (kind, r) not in asked:
                asked[kind, r] = np.flatnonzero(fin.active & (fin.kind == kind) & (fin.region == r))
            for k in asked[kind, r]:
                if fin.available[k] < cfg.ticket:
                    continue
                sd = cfg.screening_noise * (1.0 - fin.skill[k])
                threshold = fin.threshold[k]
                if kind == BANK:
                    sd *= 1.0 - cfg.bank_local_knowledge * reg.bonding[r]
                    threshold += cfg.bank_cyclicality * contraction[r]
                if quality[c] + sd * noise[c] > threshold:
                    funder[c] = k
                    fin.available[k] -= cfg.ticket
                    fin.deals_now[k] += 1
                    break
                model.refused[kind, r] += 1
            if funder[c] >= 0:
                break
    return funder


def end_quarter(model) -> None:
    """Refill capital; smooth deal flow; VCs without deal flow shrink, with it recover."""
    fin, cfg = model.financiers, model.cfg.finance
    fin.deals = 0.9 * fin.deals + 0.1 * fin.deals_now
    fin.deals_now[:] = 0.0
    vc = fin.kind == VC
    warm = model.time_step > 20
    if warm:
        starving = vc & (fin.deals < cfg.vc_min_deals)
        fin.capacity[starving] *= 0.97
        fin.capacity[vc & ~starving] = np.minimum(
            fin.capacity[vc & ~starving] * 1.03, fin.base_capacity[vc & ~starving]
        )
    fin.available[:] = fin.capacity
