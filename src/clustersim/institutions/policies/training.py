"""Training policy: upgrading the skills that clustering SMEs need (L2240-2290).

Each quarter the programme trains ``trainees`` workers at ``unit_cost`` each; a course closes
``gain`` of a trainee's skill gap. Skill raises productivity and absorptive capacity (kernels).

* ``employed``: trainees are the workers of the region's SMEs (firms under ``sme_size``), shared
  by employment; their firm's workforce skill rises at once, then drifts back toward the labour
  pool's level as workers turn over (``market.hiring_skill_rate``), so the gain needs the pool
  or continued training to last;
Where the region has a university, it delivers the courses: the money paid becomes its programme
income, which, with ``universities.decide``, funds its technology transfer
(``mechanisms.universities``; "universities and other
public or private training institutions providing educational services tailored to the specific
needs of SMEs", L2252-2253).

* ``unemployed``: trainees come from the labour pool; only ``employability`` of them carry
  their skill into the industry, and it reaches firms only through hiring. The Whitebook finds
  programmes for the employed more successful (L2255-2258).

When labour moves (``world.migration``), the pool's skill moves with its people: trained workers
who leave take their skill with them, untrained arrivals dilute it (``world.regions.migrate``).

Capture diverts that share of the trainees to the incumbents with most lobbying weight, large
or not. Risks it can show: training that firms would have reached anyway (deadweight, matched
against the twin's skills: publicly supplied courses in place of those a private market would
have sold, L2276-2290; the model has no private training market of its own), and skill that
fades after the exit. No random numbers.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf.instruments import TrainingParams
from clustersim.institutions.policies.base import Instrument
from clustersim.institutions.policies.targeting import lobby_order
from clustersim.mechanisms import universities


class Training(Instrument):
    name = "training"
    Params = TrainingParams

    def before_step(self, model) -> None:
        s = self.strength(model)
        if s <= 0:
            return
        p = self.p
        n = p.trainees * s
        if p.unit_cost > 0:
            n = min(n, self.budget_left() / p.unit_cost)
        if n <= 0:
            return
        if p.targeting == "unemployed":
            self._train_pool(model, n)
        else:
            self._train_firms(model, n)

    def _train_pool(self, model, n: float) -> None:
        reg, r, p = model.regions, self.region, self.p
        paid = self.pay(model, n * p.unit_cost, "pool_training", r)
        if paid <= 0:
            return
        universities.receive(model, r, paid)
        n = paid / p.unit_cost if p.unit_cost > 0 else n
        reg.skill[r] += p.gain * p.employability * min(1.0, n / reg.pool[r]) * (1 - reg.skill[r])
        self._set_level(float(reg.skill[r]))

    def _train_firms(self, model, n: float) -> None:
        """SMEs by employment; the captured share goes to the heaviest lobbies first."""
        f, p = model.firms, self.p
        members = model.index.region_members(self.region)
        members = members[f.alive[members]]
        if len(members) == 0:
            return
        plan = np.zeros(f.capacity)
        captured = self.gov.cfg.capture * n
        if captured > 0:
            top = lobby_order(f, members)[: max(1, len(members) // 10)]
            plan[top] += captured * f.emp[top] / f.emp[top].sum()
        smes = members[f.emp[members] < p.sme_size]
        if len(smes):
            plan[smes] += (n - captured) * f.emp[smes] / f.emp[smes].sum()
        for s in members:
            k = min(plan[s], f.emp[s])
            if k <= 0:
                continue
            paid = self.pay(model, k * p.unit_cost, "training", int(f.uid[s]))
            if paid <= 0:
                break
            universities.receive(model, self.region, paid)
            k = paid / p.unit_cost if p.unit_cost > 0 else k
            f.skill[s] += p.gain * (k / f.emp[s]) * (1 - f.skill[s])
            self._set_level(float(f.skill[s]))

    def _set_level(self, level: float) -> None:
        """Store the skill a funded course reached in its spend record (for deadweight)."""
        rec = self.gov.records[-1]
        self.gov.records[-1] = rec[:-1] + (level,)
