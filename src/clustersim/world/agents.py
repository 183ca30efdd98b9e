"""Mesa agents as views over the struct-of-arrays state.

A ``Firm`` owns a slot; its attributes read and write the model's arrays, so agents and kernels
never drift apart. Users and the teaching app see ordinary Mesa agents
through ``model.agents_by_type[Firm]``.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.model import ModelSignals

from clustersim.world.state import (
    FINANCIER_KINDS,
    FIRM_BOOL,
    FIRM_FLOAT,
    FIRM_ID,
    FIRM_INT,
    ORIGINS,
)


class _Slot:
    """Descriptor: attribute ``name`` of the agent is ``<arrays>.<name>[agent.slot]``."""

    def __init__(self, arrays: str, name: str, cast=float):
        self.arrays, self.name, self.cast = arrays, name, cast

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(getattr(agent.model, self.arrays), self.name)[agent.slot]
        return value if self.cast is None else self.cast(value)

    def __set__(self, agent, value):
        getattr(getattr(agent.model, self.arrays), self.name)[agent.slot] = value


def _views(arrays: str, floats=(), ints=(), bools=()):
    ns = {n: _Slot(arrays, n, float) for n in floats}
    ns.update({n: _Slot(arrays, n, int) for n in ints})
    ns.update({n: _Slot(arrays, n, bool) for n in bools})
    return ns


class _SlotAgent(mesa.Agent):
    def __init__(self, model, slot: int):
        super().__init__(model)
        self.slot = slot


class Firm(_SlotAgent):
    """A firm (SME, large firm or foreign MNE): L709-1062, L1368-1403, L3694-3792."""

    locals().update(_views("firms", floats=FIRM_FLOAT, ints=FIRM_INT + FIRM_ID, bools=FIRM_BOOL))

    @property
    def kpos(self):
        """Position in technology space (a live view into the state array)."""
        return self.model.firms.kpos[self.slot]

    @property
    def origin_name(self) -> str:
        return ORIGINS[self.origin]

    def __repr__(self) -> str:
        return f"Firm(uid={self.uid}, region={self.region}, emp={self.emp:.1f})"


class University(_SlotAgent):
    """University or research institute: knowledge, research agenda, budget, openness,
    graduates (L941-951, L4247-4315; ``mechanisms.universities``)."""

    locals().update(
        _views(
            "universities",
            floats=("x", "y", "kstock", "openness", "core", "industry", "programme"),
            ints=("region",),
        )
    )

    @property
    def industry_share(self) -> float:
        """Industry's share of its budget: what pulls its agenda toward its partners."""
        return self.industry / (self.core + self.industry + self.programme)

    @property
    def kpos(self):
        return self.model.universities.kpos[self.slot]


class Financier(_SlotAgent):
    """Bank, venture capitalist or public seed fund (L1404-1460, L4316-4403)."""

    locals().update(
        _views(
            "financiers",
            floats=("capacity", "available", "threshold", "skill", "deals"),
            ints=("kind", "region"),
            bools=("active",),
        )
    )

    @property
    def kind_name(self) -> str:
        return FINANCIER_KINDS[self.kind]


def add_firm_agents(model, slots) -> None:
    """Firm agents for the new ``slots``, in order, into ``model.agent_of`` and Mesa's agent
    sets. Mesa registers an agent at a time (a signal and a debug log line each: microseconds a
    firm, thousands of entrants a step at scale); when nothing would see that (:func:`_quiet`)
    the agents enter Mesa's sets in one batch, with the unique ids and order Mesa would give."""
    slots = np.asarray(slots, dtype=np.int64).tolist()
    if not _quiet(model, ModelSignals.AGENT_ADDED):
        for s in slots:
            model.agent_of[s] = Firm(model, s)
        return
    first, new = model.agent_id_counter, object.__new__
    agents = [new(Firm) for _ in slots]
    for i, (a, s) in enumerate(zip(agents, slots, strict=True)):
        a.__dict__ = {"model": model, "unique_id": first + i, "pos": None, "slot": s}
    model.agent_id_counter = first + len(agents)
    model.agent_of.update(zip(slots, agents, strict=True))
    model.agents._agents.update(dict.fromkeys(agents))
    by_type = model.agents_by_type
    if Firm in by_type:
        by_type[Firm]._agents.update(dict.fromkeys(agents))
    elif agents:
        by_type[Firm] = type(model.agents)(agents, random=model.random)


def remove_firm_agents(model, slots) -> None:
    """The agents of ``slots`` leave ``model.agent_of`` and Mesa (``Agent.remove``), in one batch
    when nothing would see them go one by one (:func:`_quiet`)."""
    pop = model.agent_of.pop
    agents = [pop(s) for s in np.asarray(slots, dtype=np.int64).tolist()]
    if not _quiet(model, ModelSignals.AGENT_REMOVED):
        for a in agents:
            a.remove()
        return
    every, mine = model.agents._agents.pop, model.agents_by_type[Firm]._agents.pop
    for a in agents:  # as Agent.remove: an agent already removed is no error
        mine(a, None)
        every(a, None)


def _quiet(model, signal) -> bool:
    """Nothing observes firm agents one by one: no subscriber to Mesa's ``signal``, no batch
    capturing signals, no dataset tracking firms, and Mesa's own registration and removal."""
    return (
        not model._has_subscribers("agents", signal)
        and model._batch_context is None
        and not Firm._datasets
        and type(model).register_agent is mesa.Model.register_agent
        and type(model).deregister_agent is mesa.Model.deregister_agent
        and Firm.remove is mesa.Agent.remove
    )
