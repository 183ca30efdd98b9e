"""Extension points of the step: policies and the cluster initiative plug in here.

A hook overrides only the phases it needs. The model calls every hook at each phase, in the
order the hooks were registered, so runs stay deterministic. ``columns`` adds per-region columns
to the time series (one value or one array of length n_regions per key).
"""

from __future__ import annotations


class StepHook:
    name = "hook"

    def before_step(self, model) -> None:
        """After demand and regions are updated, before the market clears."""

    def after_market(self, model) -> None:
        """After sales, accounts and employment, before innovation."""

    def after_search(self, model) -> None:
        """After projects, spillovers and tie search, before exit and entry."""

    def before_entry(self, model) -> None:
        """After exit, before start-ups and spin-offs are generated and financed."""

    def after_step(self, model) -> None:
        """At the end of the step, before recording."""

    def columns(self, model) -> dict:
        """Extra time-series columns for this step."""
        return {}
