"""Framework policy: the rules of the game, at no cost to the budget (L2365-2409, Box 2).

While the reform holds it changes institution-level levers of the target region (``scope:
target``) or of every region (``scope: all``, a national reform):

* ``enforcement``: contract enforcement rises, so grabbing the surplus pays less (kernels);
* ``mobility``: labour mobility between firms rises (knowledge moves with workers);
* ``openness``: generalised (out-group) trust rises, so ties across communities start higher;
* ``entry``: lower entry costs draw start-ups and movers to the region (its location utility
  rises, before relocation and entry read it); a
  national reform raises the rate of start-ups everywhere (by exp of the same gain);
* ``ipr``: stronger intellectual property (> 0) protects what partners share (enforcement up)
  but slows diffusion through workers (mobility down); weaker IPR (< 0) the reverse: the
  appropriability-against-diffusion trade-off.

Behavioural responses (openness, entry) are discounted by the government's credibility: a
reform expected to be reversed changes little (L2849-2850); a reversal ends the reform at once.
No random numbers; it spends nothing.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from clustersim.conf.demography import EntryConfig
from clustersim.conf.instruments import FrameworkParams
from clustersim.institutions.policies.base import Instrument

IPR_ENFORCEMENT = 0.2  # enforcement gained per unit of IPR strength
IPR_MOBILITY = 0.5  # share of labour mobility lost per unit of IPR strength
STARTUP_RATE_MAX = next(f for f in fields(EntryConfig) if f.name == "startup_rate").metadata["hi"]


class Framework(Instrument):
    name = "framework"
    Params = FrameworkParams

    def _regions(self, model) -> np.ndarray:
        return np.arange(model.regions.n) if self.p.scope == "all" else np.array([self.region])

    def before_step(self, model) -> None:
        s = self.strength(model)
        if s <= 0:
            return
        p, reg, rr = self.p, model.regions, self._regions(model)
        cred = self.credibility(model)
        reg.enforcement[rr] = np.minimum(
            1.0, reg.enforcement[rr] + s * (p.enforcement + IPR_ENFORCEMENT * p.ipr)
        ).clip(0.0)
        reg.mobility_factor[rr] *= max(
            0.0, (1.0 + s * p.mobility) * (1.0 - IPR_MOBILITY * s * p.ipr)
        )
        reg.bridging[rr] = np.minimum(1.0, reg.bridging[rr] + s * p.openness * cred)

    def before_entry(self, model) -> None:
        """Regional reform: the region attracts more start-ups and movers (location utility). A
        national reform makes every region cheaper to enter: more start-ups overall, through
        the start-up rates in ``model.overrides`` for this step."""
        s = self.strength(model)
        if s <= 0 or self.p.entry <= 0:
            return
        gain = s * self.p.entry * self.credibility(model)
        if self.p.scope == "target":
            model.regions.amenity[self.region] += gain
            return
        rate, until = model.cfg.entry.startup_rate, model.t + 1
        if rate > 0:  # in logs, and no more founders than the highest rate a config accepts
            rate = float(np.exp(min(np.log(rate) + gain, np.log(STARTUP_RATE_MAX))))
        model.overrides.set("entry.startup_rate", rate, self.key, until)
