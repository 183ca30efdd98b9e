"""Demography, the reference rules: who spawns spin-off candidates and who exits."""

from __future__ import annotations

import numpy as np

from clustersim.mechanisms.common.reference import live_firms


def spinoff_chance(sales: float, mean_sales: float, rate: float, elasticity: float) -> float:
    """Successful firms breed more spin-offs: the chance grows with sales relative to the average
    firm, capped at 10x (L1532-1550, L3752-3759; Klepper 2007)."""
    return rate * min(10.0, (sales / mean_sales) ** elasticity)


def exit_rule(loss_streak: int, cash: float, emp: float, c) -> bool:
    """Exit after sustained losses, or at once when debt per worker passes ``exit_debt``."""
    return loss_streak >= c.exit_loss_quarters or cash < -c.exit_debt * emp


def step_spinoff_parents(m, u_spin) -> np.ndarray:
    """Profitable firms spawn spin-off candidates, the more often the larger their sales
    relative to the average firm (L1532-1550, L3752-3759; Klepper 2007). Returns the
    parents' slots."""
    e = m.cfg.entry
    firms = live_firms(m)
    mean_sales = float(np.mean([f.sales for f in firms]))  # numpy's sum, as the kernel's
    u_spin = u_spin.tolist()
    parents = [
        f.slot
        for f in firms
        if f.profit > 0.0
        and u_spin[f.slot] < spinoff_chance(f.sales, mean_sales, e.spinoff_rate, e.spinoff_success)
    ]
    return np.array(parents, dtype=np.int64)


def step_exits(m) -> np.ndarray:
    """Slots of the firms that exit this quarter: sustained losses or debt past its limit."""
    c = m.cfg.market
    dead = [f.slot for f in live_firms(m) if exit_rule(f.loss_streak, f.cash, f.emp, c)]
    return np.array(dead, dtype=np.int64)
