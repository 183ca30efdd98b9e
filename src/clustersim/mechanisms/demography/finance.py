"""Financiers with balance sheets: who funds new firms, who lends to firms, who bears their
losses (L1404-1460, L4316-4403).

- **Banks** hold equity. A bank lends a start-up its ticket as a loan, repaid over time, and
  carries the overdrafts of the firms it banks; it may lend while its equity covers
  ``capital_ratio`` of its loans (the Basel accord). It earns its margin over the cost of its
  funds on every unit lent, pays out earnings above its target equity, and writes off what a
  failed borrower owes. A firm's credit line is its collateral, raised by trust on its tie to
  the bank (relationship lending: Petersen & Rajan 1994; Berger & Udell 1995).
- **Venture capitalists** invest a fund: a ticket buys ``vc_equity_share`` of a firm. The stake
  is sold after ``vc_holding`` quarters at that share of the firm's value, or lost when the firm
  fails (Gompers & Lerner 2004). A VC without deal flow returns capital to its investors
  (L4371-4403). VCs add management competence (L1428-1436).
- **Public seed funds** give grants from a budget renewed every quarter (L4316-4403).

Each candidate asks, in order, the venture capitalists, the banks and the public seed funds of
its region (a policy may override ``finance.ask_order`` in ``model.overrides``, e.g. public
grants first; see clustersim.world.hooks). A financier estimates the candidate's quality with
noise that falls with its screening skill (VC) or local knowledge (banks), and funds it when the
estimate clears its threshold and it can commit a ticket. Banks raise their threshold when the
regional economy contracts (pro-cyclical credit), and every financier raises it after losses
(Berger & Udell 2004).

Financiers' capital is given for an industry of ``REFERENCE_FIRMS`` initial firms and scales
with ``n_firms``, as demand and labour pools do, so a larger run is the same economy, larger.
"""

from __future__ import annotations

import numpy as np

from clustersim.world.agents import Financier
from clustersim.world.state import BANK, SEED_FUND, TIE_FINANCIER, VC, FinancierArrays

ASK_ORDER = (VC, BANK, SEED_FUND)
REFERENCE_FIRMS = 300  # the industry size financiers' capital parameters are given for


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
    scale = model.cfg.n_firms / REFERENCE_FIRMS
    spec = {
        BANK: (fcfg.bank_capital * scale, fcfg.bank_threshold, 0.0),
        VC: (fcfg.vc_capital * scale, fcfg.vc_threshold, fcfg.vc_skill),
        SEED_FUND: (fcfg.seed_capital * scale, fcfg.seed_threshold, 0.0),
    }
    for k, (kind, r) in enumerate(rows):
        fin.kind[k], fin.region[k] = kind, r
        capital, fin.threshold[k], fin.skill[k] = spec[kind]
        if kind == SEED_FUND:
            fin.capacity[k] = capital  # a budget per quarter
        else:
            fin.capital[k] = fin.target_capital[k] = capital
    fin.deals[:] = fcfg.vc_min_deals  # a new fund starts with the deal flow it needs
    for k in range(fin.n):
        Financier(model, k)
    return fin


def house_bank(model, region: int) -> int:
    """The first bank of ``region``, which keeps the accounts of its firms; -1 if none."""
    fin = model.financiers
    banks = np.flatnonzero((fin.kind == BANK) & (fin.region == region))
    return int(banks[0]) if len(banks) else -1


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
                threshold = fin.threshold[k] + cfg.loss_aversion * fin.losses[k]
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


def fund(model, slot: int, k: int) -> None:
    """Book financier ``k``'s ticket to the new firm in ``slot``: a bank's loan, a VC's stake
    (and its management support) or a seed grant. The firm banks with its funder if that is a
    bank, else with its region's house bank."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    f.funder[slot] = k
    f.lender[slot] = k if fin.kind[k] == BANK else house_bank(model, int(f.region[slot]))
    if fin.kind[k] == BANK:
        f.loan[slot] = cfg.ticket
        fin.exposure[k] += cfg.ticket
    elif fin.kind[k] == VC:
        f.investor[slot], f.stake[slot] = k, cfg.ticket
        f.vc_backed[slot] = True
        f.competence[slot] = cfg.vc_competence
        fin.capital[k] -= cfg.ticket
        fin.exposure[k] += cfg.ticket


def settle(model) -> float:
    """After the market: interest on loans and overdrafts, loan repayments, VCs' exits, each
    firm's profit expectation and credit line. Returns the cash firms paid to financiers.

    The expectation starts at break-even (the firm entered expecting to cover its costs) and
    learns from each quarter's profit after interest with weight 1 / (age + prior_quarters), at
    least ``market.learning_floor``: a young firm learns fast what it is worth (Jovanovic 1982).
    """
    f, fin, cfg, m = model.firms, model.financiers, model.cfg.finance, model.cfg.market
    live = f.live
    debt = f.loan[live] + np.maximum(0.0, -f.cash[live])
    interest = cfg.interest_rate * debt
    f.cash[live] -= interest
    repaid = np.minimum(
        f.loan[live], np.minimum(np.maximum(0.0, f.cash[live]), cfg.repayment * cfg.ticket)
    )
    f.cash[live] -= repaid
    f.loan[live] -= repaid
    lender = f.lender[live]
    banked = lender >= 0
    margin = (cfg.interest_rate - cfg.funding_rate) * debt[banked]
    fin.capital += np.bincount(lender[banked], margin, minlength=fin.n)
    weight = np.maximum(1.0 / np.maximum(f.age[live] + m.prior_quarters, 1.0), m.learning_floor)
    net = f.profit[live] - interest
    f.expected_profit[live] += weight * (net - f.expected_profit[live])
    trust = _trust_in_lender(model)
    f.credit_line[live] = (
        cfg.collateral * f.emp[live] * (1.0 + cfg.relationship_lending * trust[live])
    )
    _vc_exits(model)
    return float(interest.sum() + repaid.sum())


def _trust_in_lender(model) -> np.ndarray:
    """Per slot: trust on the firm's tie to its lender, 0 without one."""
    f, t = model.firms, model.ties
    a, b, kind, trust = t.view("a"), t.view("b"), t.view("kind"), t.view("trust")
    mine = (kind == TIE_FINANCIER) & (b == f.lender[a])
    out = np.zeros(f.capacity)
    out[a[mine]] = trust[mine]
    return out


def _vc_exits(model) -> None:
    """VCs sell the stakes they have held ``vc_holding`` quarters at their share of the firm's
    value: net worth plus expected profit capitalised at the interest rate (no less than 0)."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    due = np.flatnonzero(f.alive & (f.investor >= 0) & (f.age >= cfg.vc_holding))
    if len(due) == 0:
        return
    value = f.cash[due] - f.loan[due] + f.expected_profit[due] / cfg.interest_rate
    price = cfg.vc_equity_share * np.maximum(0.0, value)
    np.add.at(fin.capital, f.investor[due], price)
    np.add.at(fin.exposure, f.investor[due], -f.stake[due])
    f.investor[due], f.stake[due] = -1, 0.0


def write_off(model, slots: np.ndarray) -> None:
    """Firms in ``slots`` leave: their remaining cash and the part of their collateral the
    lender recovers repay what they owe; the rest is the bank's loss. A VC's stake is lost."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    target = np.maximum(fin.target_capital, cfg.ticket)
    for s in slots:
        k, v = f.lender[s], f.investor[s]
        if k >= 0:
            debt = f.loan[s] + max(0.0, -f.cash[s])
            recovered = max(0.0, f.cash[s]) + cfg.recovery * cfg.collateral * f.emp[s]
            loss = max(0.0, debt - recovered)
            fin.capital[k] -= loss
            fin.losses[k] += loss / target[k]
        if v >= 0:
            fin.losses[v] += f.stake[s] / target[v]
            fin.exposure[v] -= f.stake[s]
    fin.capital = np.maximum(fin.capital, 0.0)  # losses beyond equity fall on depositors


def end_quarter(model) -> None:
    """Deal flow and losses are averaged over ``memory`` quarters; VCs without deal flow return
    capital; earnings above target equity are paid out; what each financier may commit next
    quarter follows from its balance sheet."""
    fin, cfg = model.financiers, model.cfg.finance
    fin.deals += (fin.deals_now - fin.deals) / cfg.memory
    fin.deals_now[:] = 0.0
    fin.losses *= 1.0 - 1.0 / cfg.memory
    starving = (fin.kind == VC) & (fin.deals < cfg.vc_min_deals)
    fin.capital[starving] *= 1.0 - cfg.vc_wind_down
    fin.capital = np.minimum(fin.capital, fin.target_capital)
    refresh(model)


def refresh(model) -> None:
    """Banks' loan books and lending room; VCs' uninvested capital; seed funds' budgets."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    live = f.live
    bank = fin.kind == BANK
    if live.size:
        debt = f.loan[live] + np.maximum(0.0, -f.cash[live])
        lender = f.lender[live]
        booked = np.bincount(lender[lender >= 0], debt[lender >= 0], minlength=fin.n)
        fin.exposure[bank] = booked[bank]
    fin.available[bank] = np.maximum(
        0.0, fin.capital[bank] / cfg.capital_ratio - fin.exposure[bank]
    )
    vc = fin.kind == VC
    fin.available[vc] = fin.capital[vc]
    seed = fin.kind == SEED_FUND
    fin.available[seed] = fin.capacity[seed]
