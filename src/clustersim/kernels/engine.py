"""The default engine: each sub-step unpacks the model's arrays into a numba kernel."""

from __future__ import annotations

import numpy as np

from clustersim.kernels import demography, innovation, market, network, spillovers, ties

# The sub-steps every engine implements, in step order (the reference engine has the same).
ENGINE_METHODS = (
    "market",
    "innovate",
    "projects",
    "spillovers",
    "apply_knowledge",
    "adjacency",
    "search",
    "spinoff_parents",
    "exits",
    "network_stats",
)


class NumbaEngine:
    name = "numba"

    def market(self, m) -> None:
        f, reg, c = m.firms, m.regions, m.cfg.market
        m.accounts = market.market(
            f.alive,
            f.region,
            f.emp,
            f.cash,
            f.prod,
            f.rd,
            f.skill,
            f.kstock,
            f.competence,
            f.sales,
            f.profit,
            f.fit,
            f.loss_streak,
            f.age,
            f.kpos,
            m.demand,
            m.demand_total,
            reg.public_demand,
            reg.wage,
            reg.rent,
            reg.agglo,
            reg.skill,
            c.knowledge_elasticity,
            c.skill_effect,
            c.fit_width,
            c.selection,
            c.fixed_cost,
            c.target_margin,
            c.adjustment,
            c.max_growth,
            c.hiring_skill_rate,
        )

    def innovate(self, m, u_inc, u_rad, z_inc, z_rad, z_gain) -> None:
        f, k = m.firms, m.cfg.knowledge
        innovation.innovate(
            f.alive,
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
            u_inc,
            u_rad,
            z_inc,
            z_rad,
            z_gain,
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
            f.inc,
            f.rad,
        )

    def projects(self, m, keep, u_project, u_success, u_opp_a, u_opp_b) -> None:
        f, t, u, k, tc = m.firms, m.ties, m.universities, m.cfg.knowledge, m.cfg.trust
        ties.projects(
            t.n,
            t.a,
            t.b,
            t.kind,
            t.trust,
            t.age,
            t.successes,
            f.alive,
            f.region,
            f.cash,
            f.profit,
            f.kstock,
            f.absorb,
            f.opportunism,
            f.kpos,
            u.kpos,
            u.kstock,
            u.openness,
            m.regions.enforcement,
            u_project,
            u_success,
            u_opp_a,
            u_opp_b,
            tc.project_rate,
            tc.trust_gain,
            tc.trust_decay,
            tc.failure_loss,
            tc.betrayal_drop,
            tc.betrayal_cost,
            tc.drop_trust,
            k.optimal_distance,
            k.tie_spillover,
            k.university_spillover,
            k.convergence,
            keep,
            m.dk,
            m.dpos,
            m.volume,
            m.tie_counts,
            f.diversity,
        )

    def spillovers(self, m, u_cell, u_member, u_mobility) -> None:
        f, ix, k = m.firms, m.index, m.cfg.knowledge
        spillovers.proximity_and_mobility(
            f.alive,
            f.region,
            f.x,
            f.y,
            f.emp,
            f.kstock,
            f.absorb,
            f.kpos,
            ix.cell_of,
            ix.cell_start,
            ix.cell_order,
            ix.ncx,
            ix.ncy,
            ix.region_start,
            ix.region_order,
            u_cell,
            u_member,
            u_mobility,
            k.optimal_distance,
            k.proximity_spillover,
            k.proximity_range,
            k.mobility_spillover,
            k.mobility_rate,
            m.regions.mobility_factor,
            k.convergence,
            m.dk,
            m.dpos,
            m.volume,
        )

    def apply_knowledge(self, m) -> None:
        spillovers.apply(m.firms.alive, m.firms.kstock, m.firms.kpos, m.dk, m.dpos)

    def adjacency(self, m):
        t = m.ties
        return ties.adjacency(m.firms.capacity, t.n, t.a, t.b, t.kind, np.ones(t.n, np.bool_))

    def search(self, m, start, nbr, u_search, u_channel, u_pick1, u_pick2):
        f, u, ix, reg, tc = m.firms, m.universities, m.index, m.regions, m.cfg.trust
        n = f.capacity
        new_a = np.empty(n, np.int64)
        new_b = np.empty(n, np.int64)
        new_kind = np.empty(n, np.int64)
        new_trust = np.empty(n)
        k = ties.search(
            f.alive,
            f.region,
            f.x,
            f.y,
            f.cash,
            f.openness,
            f.kpos,
            u.kpos,
            u.openness,
            start,
            nbr,
            ix.cell_of,
            ix.cell_start,
            ix.cell_order,
            ix.ncx,
            ix.ncy,
            ix.uni_start,
            ix.uni_order,
            reg.bonding,
            reg.bridging,
            reg.search_factor,
            reg.tie_cost_factor,
            u_search,
            u_channel,
            u_pick1,
            u_pick2,
            tc.search_rate,
            tc.friend_of_friend,
            tc.university_search,
            tc.tie_cost,
            tc.tie_value,
            tc.max_degree,
            m.cfg.knowledge.optimal_distance,
            new_a,
            new_b,
            new_kind,
            new_trust,
        )
        return new_a[:k], new_b[:k], new_kind[:k], new_trust[:k]

    def spinoff_parents(self, m, u_spin) -> np.ndarray:
        f, e = m.firms, m.cfg.entry
        out = np.empty(f.capacity, np.int64)
        mean_sales = float(f.sales[f.alive].mean())
        k = demography.spinoff_parents(
            f.alive, f.profit, f.sales, mean_sales, u_spin, e.spinoff_rate, e.spinoff_success, out
        )
        return out[:k]

    def exits(self, m) -> np.ndarray:
        f, c = m.firms, m.cfg.market
        out = np.empty(f.capacity, np.int64)
        k = demography.exits(
            f.alive, f.loss_streak, f.cash, f.emp, c.exit_loss_quarters, c.exit_debt, out
        )
        return out[:k]

    def network_stats(self, m, start, nbr) -> np.ndarray:
        f, t = m.firms, m.ties
        return network.network_stats(
            m.regions.n, f.alive, f.region, start, nbr, t.n, t.a, t.b, t.kind, t.trust
        )
