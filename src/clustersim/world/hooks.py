"""Extension points of the step, and the one way hooks change the model's parameters.

A hook (a policy programme, the cluster initiative, an experiment's perturbation) overrides only
the phases it needs. The model calls every hook at each phase, in the order the hooks were
registered, so runs stay deterministic. ``columns`` adds per-region columns to the time series
(one value or one array of length n_regions per key, named unlike the recorder's own columns).

How a hook acts on the model:

* **state**: it may change firms, ties, financiers and the region arrays, as the mechanisms do.
  A firm it adds goes in through ``mechanisms.demography.entry.place_firm``, one it removes
  out through ``model.remove_firms``, one it moves through ``model.relocate_firm``: these count
  it (``model.step_counts``), so each region's firm count reconciles with its recorded flows.
  Once every hook of a phase has run, the model brings the spatial index up to date, so the
  sub-steps that follow read it with the hooks' firms in place.
  The region levers (``public_demand``, ``search_factor``, ``tie_cost_factor``,
  ``mobility_factor``, ``enforcement``, ``bridging``, ``amenity``) are state a policy moves
  for one step; the policy mix restores them after use. Cash a hook moves into or out of live
  firms is booked in ``model.transfers`` (the accounting checks balance it).
* **parameters**: never by writing ``model.cfg``, which stays the config the run started with.
  A hook sets a named override in ``model.overrides`` (an :class:`Overrides`), with an owner and
  a lifetime; the mechanism that uses the parameter reads it with
  ``model.overrides.get(name, configured value)``. Only the names in :data:`OVERRIDABLE` can be
  overridden, and one owner at a time holds a name.
* **objects**: never by patching attributes onto them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Parameters a hook may override -> the mechanism that reads them.
OVERRIDABLE = {
    "entry.startup_rate": "mechanisms.demography.entry.startups",
    "finance.ask_order": "mechanisms.demography.finance.screen",  # financier kinds, in order
}


class StepHook:
    name = "hook"
    # True when ``columns`` returns arrays made for the step, one per region, that nothing
    # writes later: the recorder then keeps them as they are instead of copying each
    fresh_columns = False

    def before_step(self, model) -> None:
        """After demand and regions are updated, before the market clears."""

    def after_market(self, model) -> None:
        """After sales, accounts and employment, before innovation."""

    def after_search(self, model) -> None:
        """After projects, spillovers and tie search, before exit and entry."""

    def before_entry(self, model) -> None:
        """After exit, before incumbents relocate and start-ups and spin-offs are generated
        and financed."""

    def after_step(self, model) -> None:
        """At the end of the step, before recording."""

    def columns(self, model) -> dict:
        """Extra time-series columns for this step."""
        return {}


@dataclass(frozen=True)
class Override:
    value: object
    owner: str
    until: int | None  # model.t at which it lapses; None: until its owner clears it


class Overrides:
    """Named parameter overrides, each held by one owner for a lifetime.

    ``set(name, value, owner, until=model.t + 1)`` holds for the rest of the current step;
    ``until=None`` holds until ``clear(owner)``. The model drops lapsed overrides when its clock
    advances (:meth:`expire`), so an override never outlives what set it."""

    def __init__(self) -> None:
        self.active: dict[str, Override] = {}

    def set(self, name: str, value, owner: str, until: int | None = None) -> None:
        if name not in OVERRIDABLE:
            raise KeyError(f"{name!r}: not overridable; allowed: {' | '.join(OVERRIDABLE)}")
        held = self.active.get(name)
        if held is not None and held.owner != owner:
            raise ValueError(f"{name!r}: overridden by {held.owner!r}, so {owner!r} may not")
        self.active[name] = Override(value, owner, until)

    def get(self, name: str, default):
        """The override of ``name`` if one holds, else ``default`` (the configured value)."""
        held = self.active.get(name)
        return default if held is None else held.value

    def clear(self, owner: str) -> None:
        """Remove every override ``owner`` holds."""
        self.active = {k: o for k, o in self.active.items() if o.owner != owner}

    def expire(self, t: int) -> None:
        """Drop the overrides whose lifetime ended by step ``t``."""
        self.active = {k: o for k, o in self.active.items() if o.until is None or o.until > t}
