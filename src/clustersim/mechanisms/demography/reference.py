"""Demography, the reference rules: who spawns spin-off candidates and who exits."""

from __future__ import annotations

import numpy as np

from clustersim.mechanisms.common.reference import live_firms
from clustersim.world.streams import uniform_block


def spinoff_chance(sales: float, mean_sales: float, rate: float, elasticity: float) -> float:
    """Successful firms breed more spin-offs: the chance grows with sales relative to the average
    firm, capped at 10x (L1532-1550, L3752-3759; Klepper 2007). When no firm sells (a
    profit from subsidies alone), each is the average firm."""
    relative = sales / mean_sales if mean_sales > 0.0 else 1.0
    return rate * min(10.0, relative**elasticity)


def insolvent(firm) -> bool:
    """The lender calls in a debt (loan plus overdraft) beyond the firm's credit line."""
    return firm.loan + max(0.0, -firm.cash) > firm.credit_line


def closes(firm, c) -> bool:
    """The owner closes a firm whose net worth plus ``exit_horizon`` quarters of expected
    profit is negative or, with ``closure = expected_profit``, whose expected sustainable profit
    is negative, whatever cash earlier profits left in it: staying is worth less than leaving
    (Hopenhayn 1992)."""
    if c.closure == "expected_profit":
        return firm.expected_profit < 0.0
    return firm.cash - firm.loan + c.exit_horizon * firm.expected_profit < 0.0


def step_spinoff_parents(m, key) -> np.ndarray:
    """Profitable firms spawn spin-off candidates, the more often the larger their sales
    relative to the average firm (L1532-1550, L3752-3759; Klepper 2007). Draws: a uniform per
    live firm under the stream's ``key``. Returns the parents' slots."""
    e = m.cfg.entry
    firms = live_firms(m)
    if not firms:
        return np.zeros(0, dtype=np.int64)
    mean_sales = float(np.mean([f.sales for f in firms]))  # numpy's sum, as the kernel's
    u_spin = uniform_block(key, m.firms.uid, 1, m.firms.alive)[:, 0].tolist()
    parents = [
        f.slot
        for f in firms
        if f.profit > 0.0
        and u_spin[f.slot] < spinoff_chance(f.sales, mean_sales, e.spinoff_rate, e.spinoff_success)
    ]
    return np.array(parents, dtype=np.int64)


def step_exits(m) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the firms that exit this quarter, and which of them the lender forced out."""
    c = m.cfg.market
    dead = [(f.slot, insolvent(f)) for f in live_firms(m) if insolvent(f) or closes(f, c)]
    return np.array([d[0] for d in dead], dtype=np.int64), np.array(
        [d[1] for d in dead], dtype=np.bool_
    )
