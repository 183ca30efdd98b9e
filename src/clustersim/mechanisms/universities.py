"""Universities: where they are, what they give the regions each quarter (L941-951), and what
they decide: where their research agenda goes and how much technology transfer they do.

A university's budget has three streams: public core funding, contract research paid by the
firms tied to it, and programme money from policies it delivers (training courses). Industry
money pulls its agenda toward its partners' knowledge; without it the agenda drifts back to its
academic home (Blumenthal et al. 1996; Azoulay, Ding & Stuart 2009). Third-stream income (industry
and programmes) pays for technology transfer, which raises its openness to industry, the "third
mission" that funding pressure pushes universities toward (L4270-4274; Siegel, Waldman & Link
2003). Their knowledge reaches firms through university ties (mechanisms.ties) and academic
spin-offs (mechanisms.demography.entry)."""

from __future__ import annotations

import numpy as np
from numba import njit

from clustersim.conf import STEPS_PER_YEAR
from clustersim.world.agents import University
from clustersim.world.regions import economy_firms
from clustersim.world.state import TIE_UNIVERSITY, UniversityArrays

BUDGET_MEMORY = 1.0 / STEPS_PER_YEAR  # a university plans on the income of about a year


def build(model) -> UniversityArrays:
    """The first university in the focal region, the others spread over the rest; their agents.
    Draws 2 normals per university (place), then ``dims`` per university (knowledge position)."""
    ucfg, rng, reg = model.cfg.universities, model.rng, model.regions
    uni = UniversityArrays(ucfg.count, model.dims)
    others = [r for r in range(reg.n) if r != model.focal]
    for u in range(ucfg.count):
        uni.region[u] = model.focal if u == 0 or not others else others[(u - 1) % len(others)]
    jitter = rng.normal(size=(ucfg.count, 2)) * 3.0
    uni.x, uni.y = model.clip_xy(
        reg.cx[uni.region] + jitter[:, 0], reg.cy[uni.region] + jitter[:, 1]
    )
    uni.kstock[:] = ucfg.knowledge
    uni.kpos[:] = model.cfg.knowledge.initial_spread * rng.normal(size=(ucfg.count, model.dims))
    uni.home[:] = uni.kpos
    uni.openness[:] = ucfg.openness
    uni.core[:] = ucfg.core_funding * economy_firms(model.cfg) / 300
    for u in range(uni.n):
        University(model, u)
    return uni


def update(model) -> None:
    """Universities grow their knowledge, up to the technology frontier, decide their agenda
    and transfer effort (:func:`decide`), and their graduates raise regional skill, which decays
    back toward its base (L941-951). Graduates fill at most the whole skill gap in a quarter
    (many universities in one region cannot train more than its pool: skill is a share and stays
    at most 1). No random numbers."""
    uni, ucfg, reg = model.universities, model.cfg.universities, model.regions
    uni.kstock = _grown(uni.kstock, 1.0 + ucfg.growth, model.frontier)
    if ucfg.decide:
        decide(model)
    else:
        uni.programme_now[:] = 0.0  # a passive university takes the money and changes nothing
    _graduate(
        uni.region, ucfg.graduates, uni.openness, reg.skill, reg.base_skill,
        model.cfg.world.skill_decay,
    )  # fmt: skip


@njit(cache=True)
def _grown(kstock, factor, frontier):
    """Each university's knowledge times ``factor``, capped at the frontier unless it is past
    it already (a new array)."""
    out = np.empty_like(kstock)
    for u in range(kstock.shape[0]):
        out[u] = min(kstock[u] * factor, max(kstock[u], frontier))
    return out


@njit(cache=True)
def _graduate(region, graduates, openness, skill, base_skill, decay):
    """The regions' skill after a quarter's graduates (``graduates`` x openness of each of
    their universities, at most 1 a region) and the decay toward base skill, in place."""
    grads = np.zeros(skill.shape[0])
    for u in range(region.shape[0]):  # in university order, as numpy's bincount adds
        grads[region[u]] += graduates * openness[u]
    for r in range(skill.shape[0]):
        g = min(grads[r], 1.0)
        skill[r] += g * (1.0 - skill[r]) - decay * (skill[r] - base_skill[r])


def decide(model) -> None:
    """Budget, agenda and technology transfer of every university this quarter.

    Contract research: each tied firm contracts ``contract_research`` x trust of its R&D
    spending to the university (so an R&D subsidy that raises firms' R&D raises it too).
    Programme money is what policies paid it this quarter (``receive``). Both are smoothed
    over about a year. The agenda moves ``agenda_speed`` of the way toward a target: the
    contract-weighted centroid of its partners' knowledge positions, weighted by industry's
    share of its budget, and its academic home for the rest. Openness is the base openness
    plus the rest of the gap to 1 times third-stream income's share of the budget."""
    uni, ucfg, f, t = model.universities, model.cfg.universities, model.firms, model.ties
    if uni.n == 0:
        return
    kind, a, b, trust = t.view("kind"), t.view("a"), t.view("b"), t.view("trust")
    tied = kind == TIE_UNIVERSITY
    firm, u = a[tied], b[tied]
    contract = ucfg.contract_research * trust[tied] * f.rd[firm] * np.maximum(f.sales[firm], 0.0)
    paid = np.bincount(u, contract, minlength=uni.n)
    uni.industry += BUDGET_MEMORY * (paid - uni.industry)
    uni.programme += BUDGET_MEMORY * (uni.programme_now - uni.programme)
    uni.programme_now[:] = 0.0
    budget = uni.core + uni.industry + uni.programme
    industry_share = uni.industry / budget
    centroid = uni.home.copy()
    for d in range(model.dims):
        pos = np.bincount(u, contract * f.kpos[firm, d], minlength=uni.n)
        centroid[:, d] = np.where(paid > 0.0, pos / np.where(paid > 0.0, paid, 1.0), uni.home[:, d])
    target = industry_share[:, None] * centroid + (1.0 - industry_share[:, None]) * uni.home
    uni.kpos += ucfg.agenda_speed * (target - uni.kpos)
    third_share = (uni.industry + uni.programme) / budget
    uni.openness[:] = ucfg.openness + (1.0 - ucfg.openness) * third_share


def receive(model, region: int, amount: float) -> bool:
    """A policy buys a programme (courses) from the universities of ``region``, shared equally;
    returns False when the region has none (the policy then buys elsewhere)."""
    uni = model.universities
    mine = np.flatnonzero(uni.region == region)
    if len(mine) == 0 or amount <= 0.0:
        return False
    uni.programme_now[mine] += amount / len(mine)
    return True
