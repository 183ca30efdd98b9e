"""Innovation, the reference rules: absorptive capacity, incremental and radical innovation."""

from __future__ import annotations

import math

from clustersim.mechanisms.common.reference import chance, demand_fit, live_firms
from clustersim.world.streams import normals, uniform_block


def absorptive_capacity(rd: float, skill: float, k) -> float:
    """Absorptive capacity grows with own R&D and with workforce skill (L1553-1554; Cohen &
    Levinthal 1990)."""
    return k.absorptive_base + (1.0 - k.absorptive_base) * (
        1.0 - math.exp(-k.absorptive_rd * rd)
    ) * (0.5 + 0.5 * skill)


def incremental_chance(rd: float, absorb: float, young: bool, k) -> float:
    """Incremental innovation is an incumbent's routine: young firms are half as likely."""
    return chance(k.incremental_rate * rd * absorb * (0.5 if young else 1.0))


def radical_chance(rd: float, young: bool, complacency: float, k) -> float:
    """Radical innovation favours young firms and is damped by regional complacency
    (L1159-1160, L1368-1403)."""
    bonus = k.radical_entrant_bonus if young else 1.0
    return chance(k.radical_rate * rd * bonus * (1.0 - complacency))


def incremental_gain(kstock: float, log_frontier: float, scale: float, k) -> float:
    """Knowledge after an incremental innovation: it closes a share of the log distance to the
    frontier, a larger share for larger firms (Nelson & Phelps 1966; Klepper 1996)."""
    log_k = math.log(kstock)
    gap = max(0.0, log_frontier - log_k)
    return math.exp(log_k + (1.0 - math.exp(-k.incremental_step * scale)) * gap)


def radical_gain(kstock: float, log_frontier: float, z: float, k) -> float:
    """Knowledge after a radical innovation: a jump of ``radical_gain x |z|`` in logs, up to
    the frontier at most."""
    log_k = math.log(kstock)
    ceiling = max(log_k, log_frontier)
    return math.exp(min(log_k + k.radical_gain * abs(z), ceiling))


def step_innovate(m, key) -> None:
    """Incremental and radical innovation (L1277-1403); per-firm counts go to ``inc``/``rad``.

    Knowledge is bounded by the technology frontier, best practice, which moves at its own
    pace (Nelson & Winter 1982). Incremental: local search in technology space, kept only if it
    improves the fit to demand; it closes part of the distance to the frontier, more in larger
    firms that spread R&D over more output (Klepper 1996); its
    radius widens with the breadth of the knowledge received last quarter (``diversity``:
    recombining distant knowledge explores further, Fleming 2001; March 1991).
    Radical: a rare jump, more likely in young firms, damped by regional complacency
    (L1159-1160). Absorptive capacity is refreshed first (L1553-1554). Draws: two uniforms and
    2 dims + 1 normals of every live firm under the stream's ``key``.
    """
    k, c, f, dims = m.cfg.knowledge, m.cfg.market, m.firms, m.dims
    u_inc, u_rad = uniform_block(key, f.uid, 2, f.alive).T
    z = normals(key, f.uid, 2 * dims + 1, f.alive)  # every live firm's, the kernel's values
    z_inc, z_rad, z_gain = z[:, :dims], z[:, dims:-1], z[:, -1]
    demand = m.demand.tolist()
    complacency = m.regions.complacency.tolist()
    u_inc, u_rad, z_gain = u_inc.tolist(), u_rad.tolist(), z_gain.tolist()
    z_inc, z_rad = z_inc.tolist(), z_rad.tolist()
    floor = m.public_knowledge
    m.firms.inc[:] = 0  # this quarter's counts, dead slots included
    m.firms.rad[:] = 0
    for firm in live_firms(m):
        s = firm.slot
        firm.absorb = absorptive_capacity(firm.rd, firm.skill, k)
        young = firm.age < k.young_age
        pos = firm.kpos.tolist()
        if u_inc[s] < incremental_chance(firm.rd, firm.absorb, young, k):
            scale = (firm.emp / m.cfg.entry.initial_size) ** c.scale_economies
            firm.kstock = incremental_gain(firm.kstock, m.log_frontier, scale, k)
            before = demand_fit(pos, demand, c.fit_width)
            search = k.incremental_search * (1.0 + k.recombination * firm.diversity)
            step = [search * z for z in z_inc[s]]
            pos = [p + d for p, d in zip(pos, step, strict=True)]
            if demand_fit(pos, demand, c.fit_width) < before:
                pos = [p - d for p, d in zip(pos, step, strict=True)]  # keep improvements only
            firm.inc = 1
        if u_rad[s] < radical_chance(firm.rd, young, complacency[firm.region], k):
            pos = [p + k.radical_jump * z for p, z in zip(pos, z_rad[s], strict=True)]
            firm.kstock = radical_gain(firm.kstock, m.log_frontier, z_gain[s], k)
            firm.rad = 1
        firm.kstock = max(firm.kstock * (1.0 - k.depreciation), floor)
        firm.kpos[:] = pos
