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
from clustersim.world.streams import FINANCE, identity_hash, normal_at

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


@njit(cache=True)
def house_banks_of(kind, region, n_reg):
    """The house bank of every region (financiers ``kind`` and ``region``): its first bank,
    which keeps the accounts of its firms; -1 if none."""
    house = np.full(n_reg, -1, dtype=np.int64)
    for k in range(kind.shape[0] - 1, -1, -1):  # the first bank of a region wins
        if kind[k] == BANK and 0 <= region[k] < n_reg:
            house[region[k]] = k
    return house


def screen(
    model, quality: np.ndarray, region: np.ndarray, uid: np.ndarray, viable: np.ndarray
) -> np.ndarray:
    """Financier index that funds each candidate, or -1. Only ``viable`` candidates ask; the
    financiers misjudge each one by its screening noise, its normal of the ``FINANCE`` stream
    keyed by its id ``uid``.

    Every refusal is counted in ``model.refused[kind, region]``, every deal in
    ``model.funded[kind, region]``; by region, the candidates that did not ask (unviable) and
    those no financier funded (refused) in ``model.step_counts``."""
    fin, cfg = model.financiers, model.cfg.finance
    reg = model.regions
    order = np.asarray(model.overrides.get("finance.ask_order", ASK_ORDER), dtype=np.int64)
    return _screen(
        quality,
        region,
        model.streams.key(FINANCE, model.t),
        uid,
        viable,
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
        reg.emp_prev,
        reg.emp,
        model.refused,
        model.funded,
        model.step_counts["unviable"],
        model.step_counts["refused"],
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
    key,
    uid,
    viable,
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
    emp_prev,
    emp,
    refused,
    funded,
    unviable_by_region,
    refused_by_region,
    ticket,
    screening_noise,
    loss_aversion,
    bank_local_knowledge,
    bank_cyclicality,
):
    """:func:`screen`, candidate after candidate: each viable one asks the active financiers of
    its region, kind by kind in ``order`` and by index within a kind, until one with room funds
    it; the tallies are counted on the way."""
    funder = np.full(quality.shape[0], -1, dtype=np.int64)
    for c in range(quality.shape[0]):
        r = region[c]
        if not viable[c]:
            unviable_by_region[r] += 1
            continue
        noise = normal_at(identity_hash(key, uid[c]), 0)
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
                    # how far the region's employment fell last quarter (numpy's arithmetic)
                    fall = (emp_prev[r] - emp[r]) / _at_least(emp_prev[r], 1.0)
                    threshold += bank_cyclicality * _at_least(0.0, fall)
                if quality[c] + sd * noise > threshold:
                    funder[c] = k
                    available[k] -= ticket
                    deals_now[k] += 1
                    break
                refused[kd, r] += 1
            if funder[c] >= 0:
                break
        if funder[c] >= 0:
            funded[kind[funder[c]], r] += 1
        else:
            refused_by_region[r] += 1
    return funder


def fund(model, slots: np.ndarray, k: np.ndarray) -> None:
    """Book financier ``k[i]``'s ticket to the new firm in ``slots[i]``: a bank's loan, a VC's
    stake (and its management support) or a seed grant. A firm funded by a bank banks with it;
    the others keep their region's house bank, which placing them made their lender
    (``entry.place_firms``). Tickets are booked in order."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    _fund(
        slots, k, fin.kind, f.funder, f.lender, f.loan, f.investor, f.stake, f.vc_backed,
        f.competence, fin.capital, fin.exposure, cfg.ticket, cfg.vc_competence,
    )  # fmt: skip


@njit(cache=True)
def _fund(
    slots, k, kind, funder, lender, loan, investor, stake, vc_backed, competence, capital,
    exposure, ticket, vc_competence,
):  # fmt: skip
    """:func:`fund`, funded firm after funded firm: one pass instead of a dozen masked copies
    and scatters (each financier's books see its tickets in the same order)."""
    for i in range(slots.shape[0]):
        s, j = slots[i], k[i]
        funder[s] = j
        if kind[j] == BANK:
            lender[s] = j
            loan[s] = ticket
            exposure[j] += ticket
        elif kind[j] == VC:
            investor[s], stake[s], vc_backed[s] = j, ticket, True
            competence[s] = vc_competence
            capital[j] -= ticket
            exposure[j] += ticket


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
    t = model.ties
    interest, repaid, paid_out = _settle(
        f.live,
        f.cash,
        f.loan,
        f.lender,
        f.age,
        f.profit,
        f.expected_profit,
        f.emp,
        f.credit_line,
        t.view("a"),
        t.view("b"),
        t.view("kind"),
        t.view("trust"),
        cfg.interest_rate,
        cfg.interest_rate - cfg.funding_rate,
        cfg.repayment * cfg.ticket,
        float(m.prior_quarters),
        m.learning_floor,
        cfg.collateral,
        cfg.relationship_lending,
        m.closure == "expected_profit",
        f.sales,
        model.aid_paid(),
        model.margin,
        model.fixed_cost,
        f.investor,
        m.payout_rate,
        m.cash_buffer,
        f.stake,
        fin.capital,
        fin.exposure,
        cfg.vc_holding,
        cfg.vc_equity_share,
    )
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
    tie_a,
    tie_b,
    tie_kind,
    tie_trust,
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
    stake,
    capital,
    exposure,
    holding,
    share,
):
    """:func:`settle` in one compiled call: the firm-level bookings in a pass over the live
    slots, each financier's margin (summed in slot order) added to its capital, then the VCs'
    exits (numpy's arithmetic and maximum, each VC's books in slot order); returns each live
    firm's interest, repayment and payout. A credit line reads the trust on the firm's tie to
    its lender (0 without one; a later tie wins, as numpy's assignment has it)."""
    trust = np.zeros(cash.shape[0])
    for e in range(tie_a.shape[0]):
        if tie_kind[e] == TIE_FINANCIER and tie_b[e] == lender[tie_a[e]]:
            trust[tie_a[e]] = tie_trust[e]
    interest = np.empty(live.shape[0])
    repaid = np.empty(live.shape[0])
    paid_out = np.zeros(live.shape[0])
    margin = np.zeros(capital.shape[0])
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
    for j in range(capital.shape[0]):
        capital[j] += margin[j]
    # VCs sell the stakes they have held ``holding`` quarters at their ``share`` of the firm's
    # value: net worth plus expected profit capitalised at the interest rate, no less than 0
    for s in live:
        if investor[s] >= 0 and age[s] >= holding:
            value = cash[s] - loan[s] + expected[s] / rate
            v = investor[s]
            capital[v] += share * _at_least(0.0, value)
            exposure[v] += -stake[s]
            investor[s], stake[s] = -1, 0.0
    return interest, repaid, paid_out


def write_off(model, slots: np.ndarray) -> None:
    """Firms in ``slots`` leave: their remaining cash and the part of their collateral the
    lender recovers repay what they owe; the rest is the bank's loss. A VC's stake is lost.
    Losses beyond a financier's equity fall on its depositors."""
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    _write_off(
        np.asarray(slots, dtype=np.int64), f.lender, f.investor, f.loan, f.cash, f.emp, f.stake,
        cfg.recovery * cfg.collateral, fin.target_capital, cfg.ticket, fin.capital, fin.losses,
        fin.exposure,
    )  # fmt: skip


@njit(cache=True)
def _write_off(
    slots, lender, investor, loan, cash, emp, stake, recovery, target_capital, ticket, capital,
    losses, exposure,
):  # fmt: skip
    """The lenders' and investors' books, firm after firm in the order given; losses are
    measured against target equity (at least a ticket), equity is floored at 0 (numpy's
    maximum: NaN, and between equals the second operand)."""
    for s in slots:
        k, v = lender[s], investor[s]
        if k >= 0:
            debt = loan[s] + max(0.0, -cash[s])
            recovered = max(0.0, cash[s]) + recovery * emp[s]
            loss = max(0.0, debt - recovered)
            capital[k] -= loss
            losses[k] += loss / _at_least(target_capital[k], ticket)
        if v >= 0:
            losses[v] += stake[s] / _at_least(target_capital[v], ticket)
            exposure[v] -= stake[s]
    for j in range(capital.shape[0]):
        capital[j] = _at_least(capital[j], 0.0)


@njit(cache=True, inline="always")
def _at_least(a, b):
    """numpy's ``maximum(a, b)``: NaN wins, and between equals ``b``."""
    return a if (a > b or a != a) else b


def end_quarter(model) -> None:
    """Deal flow and losses are averaged over ``memory`` quarters; VCs without deal flow return
    capital; earnings above target equity are paid out; what each financier may commit next
    quarter follows from its balance sheet (:func:`refresh`)."""
    _update_books(model, quarter_end=True)


def refresh(model) -> None:
    """Banks' loan books and lending room; VCs' uninvested capital; seed funds' budgets."""
    _update_books(model, quarter_end=False)


def _update_books(model, quarter_end: bool) -> None:
    f, fin, cfg = model.firms, model.financiers, model.cfg.finance
    _books(
        quarter_end, f.alive, f.loan, f.cash, f.lender, fin.kind, fin.deals, fin.deals_now,
        fin.losses, fin.capital, fin.target_capital, fin.capacity, fin.exposure, fin.available,
        float(cfg.memory), cfg.vc_min_deals, cfg.vc_wind_down, cfg.capital_ratio,
    )  # fmt: skip


@njit(cache=True)
def _books(
    quarter_end, alive, loan, cash, lender, kind, deals, deals_now, losses, capital, target,
    capacity, exposure, available, memory, vc_min_deals, wind_down, capital_ratio,
):  # fmt: skip
    """:func:`end_quarter` (``quarter_end``) and :func:`refresh` in one compiled pass over the
    financiers and one over the slots, in place: numpy's arithmetic element by element, its
    minimum and maximum (NaN, and between equals the second operand, as numpy has them), the
    loan books summed slot after slot (as ``bincount`` sums)."""
    n_fin = kind.shape[0]
    if quarter_end:
        keep = 1.0 - 1.0 / memory
        for j in range(n_fin):
            deals[j] += (deals_now[j] - deals[j]) / memory
            deals_now[j] = 0.0
            losses[j] *= keep
            if kind[j] == VC and deals[j] < vc_min_deals:
                capital[j] *= 1.0 - wind_down
            c = capital[j]
            capital[j] = c if (c < target[j] or c != c) else target[j]
    booked = np.zeros(n_fin)
    n_live = 0
    for s in range(alive.shape[0]):
        if alive[s]:
            n_live += 1
            if lender[s] >= 0:
                booked[lender[s]] += loan[s] + max(0.0, -cash[s])
    for j in range(n_fin):
        if kind[j] == BANK:
            if n_live:
                exposure[j] = booked[j]
            room = capital[j] / capital_ratio - exposure[j]
            available[j] = _at_least(0.0, room)
        elif kind[j] == VC:
            available[j] = capital[j]
        elif kind[j] == SEED_FUND:
            available[j] = capacity[j]
