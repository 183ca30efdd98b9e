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
from numba import njit

from clustersim.world.agents import Financier
from clustersim.world.regions import economy_firms
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
    scale = economy_firms(model.cfg) / REFERENCE_FIRMS
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


def house_banks(model) -> np.ndarray:
    """The house bank of every region: its first bank, which keeps the accounts of its firms;
    -1 if none."""
    fin = model.financiers
    return _house_banks(fin.kind, fin.region, model.regions.n)


@njit(cache=True)
def _house_banks(kind, region, n_reg):
    """:func:`house_banks`, compiled: entry asks twice a quarter."""
    house = np.full(n_reg, -1, dtype=np.int64)
    for k in range(kind.shape[0] - 1, -1, -1):  # the first bank of a region wins
        if kind[k] == BANK and 0 <= region[k] < n_reg:
            house[region[k]] = k
    return house


def screen(model, quality: np.ndarray, region: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Financier index that funds each candidate, or -1. ``noise`` is one normal per candidate.

    Every refusal is counted in ``model.refused[kind, region]``."""
    fin, cfg = model.financiers, model.cfg.finance
    reg = model.regions
    contraction = np.maximum(0.0, (reg.emp_prev - reg.emp) / np.maximum(reg.emp_prev, 1.0))
    order = np.asarray(model.overrides.get("finance.ask_order", ASK_ORDER), dtype=np.int64)
    return _screen(
        np.asarray(quality, dtype=np.float64),
        np.asarray(region, dtype=np.int64),
        np.asarray(noise, dtype=np.float64),
        order,
        fin.active,
        fin.kind,
        fin.region,
        fin.available,
        fin.skill,
        fin.threshold,
        fin.losses,
        fin.deals_now,
        reg.bonding,
        contraction,
        model.refused,
        cfg.ticket,
        cfg.screening_noise,
        cfg.loss_aversion,
        cfg.bank_local_knowledge,
        cfg.bank_cyclicality,
    )


@njit(cache=True)
def _screen(
    quality,
    region,
    noise,
    order,
    active,
    kind,
    fin_region,
    available,
    skill,
    base_threshold,
    losses,
    deals_now,
    bonding,
    contraction,
    refused,
    ticket,
    screening_noise,
    loss_aversion,
    bank_local_knowledge,
    bank_cyclicality,
):
    """:func:`screen`, candidate after candidate: each asks the active financiers of its region,
    kind by kind in ``order`` and by index within a kind, until one with room funds it."""
    funder = np.full(quality.shape[0], -1, dtype=np.int64)
    for c in range(quality.shape[0]):
        r = region[c]
        for kd in order:
            for k in range(kind.shape[0]):
                if not (active[k] and kind[k] == kd and fin_region[k] == r):
                    continue
                if available[k] < ticket:
                    continue
                sd = screening_noise * (1.0 - skill[k])
                threshold = base_threshold[k] + loss_aversion * losses[k]
                if kd == BANK:
                    sd *= 1.0 - bank_local_knowledge * bonding[r]
                    threshold += bank_cyclicality * contraction[r]
                if quality[c] + sd * noise[c] > threshold:
                    funder[c] = k
                    available[k] -= ticket
                    deals_now[k] += 1
                    break
                refused[kd, r] += 1
            if funder[c] >= 0:
                break
    return funder


def fund(model, slots: np.ndarray, k: np.ndarray) -> None:
    """Book financier ``k[i]``'s ticket to the new firm in ``slots[i]``: a bank's loan, a VC's
    stake (and its management support) or a seed grant. A firm banks with its funder if that is
    a bank, else with its region's house bank. Tickets are booked in order."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    f.funder[slots] = k
    bank = fin.kind[k] == BANK
    vc = fin.kind[k] == VC
    f.lender[slots] = np.where(bank, k, house_banks(model)[f.region[slots]])
    f.loan[slots[bank]] = cfg.ticket
    s = slots[vc]
    f.investor[s], f.stake[s], f.vc_backed[s] = k[vc], cfg.ticket, True
    f.competence[s] = cfg.vc_competence
    np.subtract.at(fin.capital, k[vc], cfg.ticket)
    np.add.at(fin.exposure, k[bank | vc], cfg.ticket)


def settle(model) -> tuple[float, float]:
    """After the market: interest on loans and overdrafts, loan repayments, owners' payouts,
    VCs' exits, each firm's profit expectation and credit line. Returns the cash firms paid to
    financiers and the cash they paid out to their owners.

    Owners take ``market.payout_rate`` of the cash above a buffer of ``market.cash_buffer`` per
    employee out of the firm each quarter (Lintner 1956; Opler et al. 1999), unless a loan or a
    VC's stake is outstanding (Smith & Warner 1979; Kaplan & Stromberg 2003). So a firm that
    was profitable for decades does not hoard centuries of losses' worth of cash: once it
    stops paying its way, its net worth runs down within years and its owner closes it
    (:func:`clustersim.mechanisms.demography.kernel.exits`).

    The expectation starts at the owner's prior and learns with weight 1 / (age +
    prior_quarters), at least ``market.learning_floor``: a young firm learns fast what it is
    worth (Jovanovic 1982). With ``market.closure = net_worth`` the prior is break-even and the
    expectation learns each quarter's profit after interest. With ``expected_profit`` the prior
    is the profit the founder expected and the expectation learns sustainable profit: the
    margin on this quarter's sales, less the fixed cost and interest, plus the aid policies
    paid the firm this quarter (``model.aid``), what it earns once its workforce has adjusted
    (the losses of adjusting pass, Hamermesh & Pfann 1996).
    """
    f, fin, cfg, m = model.firms, model.financiers, model.cfg.finance, model.cfg.market
    aid = model.aid_paid()
    interest, repaid, paid_out, margin = _settle(
        f.live,
        f.cash,
        f.loan,
        f.lender,
        f.age,
        f.profit,
        f.expected_profit,
        f.emp,
        f.credit_line,
        _trust_in_lender(model),
        fin.n,
        cfg.interest_rate,
        cfg.interest_rate - cfg.funding_rate,
        cfg.repayment * cfg.ticket,
        float(m.prior_quarters),
        m.learning_floor,
        cfg.collateral,
        cfg.relationship_lending,
        m.closure == "expected_profit",
        f.sales,
        aid,
        model.margin,
        model.fixed_cost,
        f.investor,
        m.payout_rate,
        m.cash_buffer,
    )
    fin.capital += margin
    _vc_exits(model)
    return float(interest.sum() + repaid.sum()), float(paid_out.sum())


@njit(cache=True)
def _settle(
    live,
    cash,
    loan,
    lender,
    age,
    profit,
    expected,
    emp,
    credit_line,
    trust,
    n_fin,
    rate,
    spread,
    instalment,
    prior,
    floor,
    collateral,
    relationship,
    sustainable,
    sales,
    aid,
    margin_rate,
    fixed_cost,
    investor,
    payout_rate,
    cash_buffer,
):
    """:func:`settle`'s firm-level bookings in one pass over the live slots; returns each live
    firm's interest, repayment and payout and each financier's margin (summed in slot order)."""
    interest = np.empty(live.shape[0])
    repaid = np.empty(live.shape[0])
    paid_out = np.zeros(live.shape[0])
    margin = np.zeros(n_fin)
    for i in range(live.shape[0]):
        s = live[i]
        debt = loan[s] + max(0.0, -cash[s])
        interest[i] = rate * debt
        cash[s] -= interest[i]
        repaid[i] = min(loan[s], min(max(0.0, cash[s]), instalment))
        cash[s] -= repaid[i]
        loan[s] -= repaid[i]
        if loan[s] <= 0.0 and investor[s] < 0:  # no covenant holds the cash in
            paid_out[i] = payout_rate * max(0.0, cash[s] - cash_buffer * emp[s])
            cash[s] -= paid_out[i]
        if lender[s] >= 0:
            margin[lender[s]] += spread * debt
        weight = max(1.0 / max(age[s] + prior, 1.0), floor)
        if sustainable:
            learned = margin_rate * sales[s] - fixed_cost - interest[i] + aid[s]
        else:
            learned = profit[s] - interest[i]
        expected[s] += weight * (learned - expected[s])
        credit_line[s] = collateral * emp[s] * (1.0 + relationship * trust[s])
    return interest, repaid, paid_out, margin


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
    recovery = cfg.recovery * cfg.collateral
    slots = np.asarray(slots, dtype=np.int64)
    _write_off(
        slots,
        f.lender,
        f.investor,
        f.loan,
        f.cash,
        f.emp,
        f.stake,
        recovery,
        target,
        fin.capital,
        fin.losses,
        fin.exposure,
    )
    fin.capital = np.maximum(fin.capital, 0.0)  # losses beyond equity fall on depositors


@njit(cache=True)
def _write_off(
    slots, lender, investor, loan, cash, emp, stake, recovery, target, capital, losses, exposure
):
    """The lenders' and investors' books, firm after firm in the order given."""
    for s in slots:
        k, v = lender[s], investor[s]
        if k >= 0:
            debt = loan[s] + max(0.0, -cash[s])
            recovered = max(0.0, cash[s]) + recovery * emp[s]
            loss = max(0.0, debt - recovered)
            capital[k] -= loss
            losses[k] += loss / target[k]
        if v >= 0:
            losses[v] += stake[s] / target[v]
            exposure[v] -= stake[s]


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
    bank = fin.kind == BANK
    n_live, booked = _loan_books(f.alive, f.loan, f.cash, f.lender, fin.n)
    if n_live:
        fin.exposure[bank] = booked[bank]
    fin.available[bank] = np.maximum(
        0.0, fin.capital[bank] / cfg.capital_ratio - fin.exposure[bank]
    )
    vc = fin.kind == VC
    fin.available[vc] = fin.capital[vc]
    seed = fin.kind == SEED_FUND
    fin.available[seed] = fin.capacity[seed]


@njit(cache=True)
def _loan_books(alive, loan, cash, lender, n_fin):
    """How many firms are live, and each financier's loans and overdrafts to them, summed slot
    after slot (as ``bincount`` sums): one pass instead of numpy's masked copies."""
    booked = np.zeros(n_fin)
    n_live = 0
    for s in range(alive.shape[0]):
        if alive[s]:
            n_live += 1
            if lender[s] >= 0:
                booked[lender[s]] += loan[s] + max(0.0, -cash[s])
    return n_live, booked
