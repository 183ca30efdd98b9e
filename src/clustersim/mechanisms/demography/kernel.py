"""Spin-off draws and exit (L1532-1550, L3752-3759; Hopenhayn 1992)."""

import numpy as np
from numba import njit

from clustersim.world.state import live_mean
from clustersim.world.streams import identity_hash, uniform_at


@njit(cache=True)
def spinoff_parents(alive, profit, sales, uid, key, spinoff_rate, success_elasticity, out):
    """Profitable firms spawn spin-off candidates, the more often the larger their sales relative
    to the average firm (capped at 10x): successful firms breed more spin-offs (L1532-1550,
    L3752-3759; Klepper 2007). When no firm sells (a profit from subsidies alone), each is the
    average firm. The average is numpy's mean of the live firms' sales, to the last bit.
    Draws: uniform 0 of each profitable firm's identity under ``key``. Returns how many parents
    were written to ``out``."""
    mean_sales = live_mean(alive, sales, 0.0)
    k = 0
    most = spinoff_rate * 10.0  # no chance is higher: a draw above it needs no power
    for i in range(alive.shape[0]):
        if not alive[i] or profit[i] <= 0.0:
            continue
        u = uniform_at(identity_hash(key, uid[i]), 0)
        if u >= most:
            continue
        relative = sales[i] / mean_sales if mean_sales > 0.0 else 1.0
        if u < spinoff_rate * min(10.0, relative**success_elasticity):
            out[k] = i
            k += 1
    return k


@njit(cache=True)
def exits(alive, cash, loan, credit_line, expected_profit, horizon, on_expected, out, insolvent):
    """Exit. The lender calls in a debt (loan plus overdraft) beyond the credit line: a thinly
    funded firm fails on its cash. The owner closes a firm whose net worth plus ``horizon``
    quarters of expected profit is negative or, with ``on_expected`` (``market.closure =
    expected_profit``), whose expected sustainable profit is negative, whatever cash earlier
    profits left in it (Hopenhayn 1992). Returns how many slots were written to ``out``;
    ``insolvent`` marks the lenders' cases."""
    k = 0
    for i in range(alive.shape[0]):
        if not alive[i]:
            continue
        debt = loan[i] + max(0.0, -cash[i])
        broke = debt > credit_line[i]
        value = (
            expected_profit[i]
            if on_expected
            else (cash[i] - loan[i] + horizon * expected_profit[i])
        )
        if broke or value < 0.0:
            out[k] = i
            insolvent[k] = broke
            k += 1
    return k


# ---------------------------------------------------------------- engine sub-steps
def step_spinoff_parents(m, key) -> np.ndarray:
    f, e = m.firms, m.cfg.entry
    out = np.empty(f.capacity, np.int64)
    k = spinoff_parents(
        f.alive, f.profit, f.sales, f.uid, key, e.spinoff_rate, e.spinoff_success, out
    )
    return out[:k]


def step_exits(m) -> tuple[np.ndarray, np.ndarray]:
    f = m.firms
    out = np.empty(f.capacity, np.int64)
    insolvent = np.zeros(f.capacity, np.bool_)
    k = exits(
        f.alive,
        f.cash,
        f.loan,
        f.credit_line,
        f.expected_profit,
        m.cfg.market.exit_horizon,
        m.cfg.market.closure == "expected_profit",
        out,
        insolvent,
    )
    return out[:k], insolvent[:k]
