"""Mesa agents as views over the struct-of-arrays state.

A ``Firm`` owns a slot; its attributes read and write the model's arrays, so agents and kernels
never drift apart. Users and the teaching app see ordinary Mesa agents
through ``model.agents_by_type[Firm]``.
"""

from __future__ import annotations

from operator import attrgetter

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


class FirmAgents:
    """The firms' Mesa agents, made when something reads them (``model.agents``,
    ``model.agents_by_type``, ``model.agent_of``), not when the firms enter.

    A batch run never reads them (the numba engine works on the arrays), and making an object
    for each entrant and dropping it at its exit cost microseconds a firm, thousands of firms a
    quarter at scale. So a firm's agent waits as its Mesa ``unique_id``, taken from Mesa's
    counter when the firm enters: once made, it has the id and the place in Mesa's agent sets
    it would have had if made at once, and a firm that leaves unread never costs one. Whenever
    something observes agents one by one (:func:`_quiet`: a signal subscriber, a batch
    context, a dataset, an override of Mesa's registration), the waiting agents are made and
    the rest come and go one at a time through Mesa, with its signals."""

    def __init__(self, model):
        """Made once the universities and financiers have their agents, before the first
        firm: the firms' agent set goes where Mesa would put it with the first firm's agent."""
        self.model = model
        by_type = model._agents_by_type
        if Firm not in by_type:
            by_type[Firm] = type(model._all_agents)([], random=model.random)
        self.of: dict[int, Firm] = {}  # slot -> its agent, for the agents made so far
        self.waiting = np.full(0, -1, dtype=np.int64)  # slot -> id of its agent not yet made
        self.n_waiting = 0

    def add(self, slots) -> None:
        """Agents for the new firms in ``slots``, in order: ids reserved now, objects made when
        read (or at once, one by one through Mesa, when something observes them)."""
        slots = np.asarray(slots, dtype=np.int64)
        model = self.model
        if not _quiet(model, ModelSignals.AGENT_ADDED):
            self.make()
            for s in slots.tolist():
                self.of[s] = Firm(model, s)
            return
        if len(self.waiting) < model.firms.capacity:
            grown = np.full(model.firms.capacity, -1, dtype=np.int64)
            grown[: len(self.waiting)] = self.waiting
            self.waiting = grown
        first = model.agent_id_counter
        self.waiting[slots] = np.arange(first, first + len(slots))
        model.agent_id_counter = first + len(slots)
        self.n_waiting += len(slots)

    def remove(self, slots) -> None:
        """The agents of ``slots`` leave: a waiting one is forgotten, a made one leaves
        ``of`` and Mesa's sets (``Agent.remove``, one by one when something observes it)."""
        slots = np.asarray(slots, dtype=np.int64)
        if not _quiet(self.model, ModelSignals.AGENT_REMOVED):
            self.make()
            for s in slots.tolist():
                self.of.pop(s).remove()
            return
        made = slots.tolist()
        if self.n_waiting:  # a few firms a quarter: Python's lists beat numpy's masks
            ids = self.waiting[slots].tolist()
            self.waiting[slots] = -1
            made = [s for s, i in zip(made, ids, strict=True) if i < 0]
            self.n_waiting -= len(ids) - len(made)
        if not made:
            return
        pop, model = self.of.pop, self.model
        agents = [pop(s) for s in made]
        every, mine = model._all_agents._agents.pop, model._agents_by_type[Firm]._agents.pop
        for a in agents:  # as Agent.remove: an agent already removed is no error
            mine(a, None)
            every(a, None)

    def make(self) -> None:
        """Make the waiting agents, in the order of their ids, into ``of`` and Mesa's agent
        sets: as if each had been registered when its firm entered."""
        if not self.n_waiting:
            return
        model, new = self.model, object.__new__
        slots = (self.waiting >= 0).nonzero()[0]
        ids = self.waiting[slots]
        order = np.argsort(ids, kind="stable")
        slots, ids = slots[order].tolist(), ids[order].tolist()
        agents = [new(Firm) for _ in slots]
        for a, s, i in zip(agents, slots, ids, strict=True):
            a.__dict__ = {"model": model, "unique_id": i, "pos": None, "slot": s}
        self.waiting[slots] = -1
        self.n_waiting = 0
        self.of.update(zip(slots, agents, strict=True))
        every = model._all_agents._agents
        last = next(reversed(every), None)
        every.update(dict.fromkeys(agents))
        if last is not None and last.unique_id > ids[0]:  # an agent of another kind came since
            model._all_agents._agents = dict.fromkeys(sorted(every, key=attrgetter("unique_id")))
        model._agents_by_type[Firm]._agents.update(dict.fromkeys(agents))


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
