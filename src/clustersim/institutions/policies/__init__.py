"""Policy instruments, their governments and the mix that runs them (L2098-2409, L3793-4246).

One module per instrument, all behind :class:`~clustersim.institutions.policies.base.Instrument`:
``broker``, ``demand_side``, ``training``, ``fdi``, ``framework``, ``incubator``,
``rd_subsidy``, ``seed_finance``. Programmes are configured under ``policy.programmes`` (see
docs/policies.md); :func:`install` adds the mix to a model only when a programme can act or
events are to be recorded, so a run without policy is bit-identical to one without this package.
"""

from clustersim.institutions.policies.mix import PolicyMix, install
from clustersim.institutions.policies.registry import INSTRUMENTS

__all__ = ["INSTRUMENTS", "PolicyMix", "install"]
