"""Spin-off draws and exit (L1532-1550, L3752-3759)."""

import numpy as np
from numba import njit


@njit(cache=True)
def spinoff_parents(
    alive, profit, sales, mean_sales, u_spin, spinoff_rate, success_elasticity, out
):
    """Profitable firms spawn spin-off candidates, the more often the larger their sales relative
    to the average firm (capped at 10x): successful firms breed more spin-offs (L1532-1550,
    L3752-3759; Klepper 2007). Returns how many parents were written to ``out``."""
    k = 0
    for i in range(alive.shape[0]):
        if not alive[i] or profit[i] <= 0.0:
            continue
        if u_spin[i] < spinoff_rate * min(10.0, (sales[i] / mean_sales) ** success_elasticity):
            out[k] = i
            k += 1
    return k


@njit(cache=True)
def exits(alive, loss_streak, cash, emp, exit_loss_quarters, exit_debt, out):
    """Firms exit after sustained losses, or at once when debt per worker passes ``exit_debt``.
    Returns how many slots were written to ``out``."""
    k = 0
    for i in range(alive.shape[0]):
        if not alive[i]:
            continue
        if loss_streak[i] >= exit_loss_quarters or cash[i] < -exit_debt * emp[i]:
            out[k] = i
            k += 1
    return k


# ---------------------------------------------------------------- engine sub-steps
def step_spinoff_parents(m, u_spin) -> np.ndarray:
    f, e = m.firms, m.cfg.entry
    out = np.empty(f.capacity, np.int64)
    mean_sales = float(f.sales[f.alive].mean())
    k = spinoff_parents(
        f.alive, f.profit, f.sales, mean_sales, u_spin, e.spinoff_rate, e.spinoff_success, out
    )
    return out[:k]


def step_exits(m) -> np.ndarray:
    f, c = m.firms, m.cfg.market
    out = np.empty(f.capacity, np.int64)
    k = exits(f.alive, f.loss_streak, f.cash, f.emp, c.exit_loss_quarters, c.exit_debt, out)
    return out[:k]
