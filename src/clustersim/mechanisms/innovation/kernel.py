"""R&D, absorptive capacity and the two kinds of innovation (L1277-1403, L1553-1554)."""

import math

from numba import prange

from clustersim.mechanisms.common import LOG_PUBLIC_KNOWLEDGE
from clustersim.mechanisms.common.kernel import demand_fit, threaded
from clustersim.world.parallel import serial_and_parallel
from clustersim.world.streams import identity_hash, normal_at, uniform_at


def _innovate(
    live,
    region,
    emp,
    rd,
    skill,
    kstock,
    absorb,
    age,
    kpos,
    demand,
    region_complacency,
    uid,
    key,
    fit_width,
    absorptive_base,
    absorptive_rd,
    incremental_rate,
    incremental_step,
    incremental_search,
    recombination,
    diversity,
    scale_economies,
    initial_size,
    radical_rate,
    radical_entrant_bonus,
    radical_jump,
    radical_gain,
    young_age,
    depreciation,
    log_frontier,
    inc_count,
    rad_count,
):
    """Incremental and radical innovation for every live firm; counts go to per-slot arrays.

    Knowledge is bounded by a technology frontier (``log_frontier``, best practice) that moves
    at its own pace (Nelson & Winter 1982). Incremental: frequent local search that is kept
    only if it improves the fit to demand; more likely in incumbents; it closes a share of the
    log distance to the frontier, larger for larger firms, which spread R&D over more output
    (Klepper 1996), so laggards gain more per innovation (Nelson & Phelps 1966) and growth
    settles at the frontier's pace. The search radius widens with the breadth of the knowledge a
    firm received last quarter (``diversity``): recombining distant knowledge explores further
    (Fleming 2001; March 1991). Radical: a rare jump in technology space, more likely in young
    firms and damped by regional complacency (L1159-1160, L1368-1403).

    Draws, from the firm's identity under ``key`` (the stream's counter-based draws, the values
    ``streams.uniforms`` and ``streams.normals`` would give): uniforms 0 (incremental?) and 1
    (radical?); normals only when it innovates: 0..dims-1 the incremental step, dims..2dims-1
    the radical jump, 2dims its gain.
    """
    floor = math.exp(log_frontier + LOG_PUBLIC_KNOWLEDGE)
    dims = kpos.shape[1]
    inc_count[:] = 0
    rad_count[:] = 0
    for k in prange(live.shape[0]):  # the live slots: threads share them evenly
        i = live[k]
        absorb[i] = absorptive_base + (1.0 - absorptive_base) * (
            1.0 - math.exp(-absorptive_rd * rd[i])
        ) * (0.5 + 0.5 * skill[i])
        young = age[i] < young_age
        p_inc = 1.0 - math.exp(-incremental_rate * rd[i] * absorb[i] * (0.5 if young else 1.0))
        h = identity_hash(key, uid[i])  # draws: normals 0..dims-1 incremental, then radical
        if uniform_at(h, 0) < p_inc:
            scale = (emp[i] / initial_size) ** scale_economies
            log_k = math.log(kstock[i])
            gap = max(0.0, log_frontier - log_k)
            kstock[i] = math.exp(log_k + (1.0 - math.exp(-incremental_step * scale)) * gap)
            before = demand_fit(kpos, i, demand, fit_width)
            search = incremental_search * (1.0 + recombination * diversity[i])
            for d in range(dims):
                kpos[i, d] += search * normal_at(h, d)
            if demand_fit(kpos, i, demand, fit_width) < before:
                for d in range(dims):  # local search keeps only improvements
                    kpos[i, d] -= search * normal_at(h, d)
            inc_count[i] = 1
        bonus = radical_entrant_bonus if young else 1.0
        p_rad = 1.0 - math.exp(
            -radical_rate * rd[i] * bonus * (1.0 - region_complacency[region[i]])
        )
        if uniform_at(h, 1) < p_rad:
            for d in range(dims):
                kpos[i, d] += radical_jump * normal_at(h, dims + d)
            log_k = math.log(kstock[i])
            ceiling = max(log_k, log_frontier)  # a radical step reaches the frontier at most
            gain = radical_gain * abs(normal_at(h, 2 * dims))
            kstock[i] = math.exp(min(log_k + gain, ceiling))
            rad_count[i] = 1
        kstock[i] = max(kstock[i] * (1.0 - depreciation), floor)


INNOVATE = serial_and_parallel(_innovate)


# ---------------------------------------------------------------- engine sub-steps
def step_innovate(m, key) -> None:
    f, k = m.firms, m.cfg.knowledge
    threaded(m, INNOVATE)(
        f.live,
        f.region,
        f.emp,
        f.rd,
        f.skill,
        f.kstock,
        f.absorb,
        f.age,
        f.kpos,
        m.demand,
        m.regions.complacency,
        f.uid,
        key,
        m.cfg.market.fit_width,
        k.absorptive_base,
        k.absorptive_rd,
        k.incremental_rate,
        k.incremental_step,
        k.incremental_search,
        k.recombination,
        f.diversity,
        m.cfg.market.scale_economies,
        m.cfg.entry.initial_size,
        k.radical_rate,
        k.radical_entrant_bonus,
        k.radical_jump,
        k.radical_gain,
        k.young_age,
        k.depreciation,
        m.log_frontier,
        f.inc,
        f.rad,
    )
