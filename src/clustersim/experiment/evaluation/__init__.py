"""Counterfactual evaluation: every policy scenario against its no-policy twin.

Real evaluations cannot observe what would have happened without the policy (L5175-5178,
L7700-7702); a simulation can. ``evaluate(config, replications=R)`` runs each policy scenario
and its twin (the same config with no programme) for replications 0..R-1: the same seeds, so the
same initial world and the same random numbers until the policy first changes something (common
random numbers). The paired differences, over replications, give with 95% confidence intervals:

* additionality (L5213-5215): policy minus twin in the target region for firms, employment,
  output, productivity, innovations (cumulative), survival (of the firms alive when the policy
  started), trust and ties, at the end of the run and at every step;
* cost: total public spend, cost per additional job and per additional firm (ratio of means,
  Fieller interval);
* deadweight: the share of funded actions that also happened in the twin, matched by stable
  firm ids (ties by pair, innovations and skills by firm, entries by region, origin and parent,
  within ``window_years``); only actions on firms that existed in both runs are matchable;
* displacement: the change in the other regions (jobs lost there are displacement), on their
  levels, so firms that relocate into or out of the target region count with their jobs;
* dependency: the share of the additional jobs at the policy's end that remains ``years_after``
  years later;
* the life-cycle stage reached (``stage`` column of
  ``clustersim.observe.lifecycle``), policy and twin.

Intermediate indicators (innovations, new firms) and final ones (jobs, output, productivity)
are both reported (L5250-5252). The modules: :mod:`.pairing` runs the scenarios and their twins,
:mod:`.statistics` measures the pairs, :mod:`.deadweight` matches funded actions against the
twin, :mod:`.report` holds the result. ``clustersim-evaluate`` (:mod:`clustersim.cli.evaluate`)
is the command-line form.
"""

from clustersim.experiment.evaluation.pairing import evaluate, twin_config
from clustersim.experiment.evaluation.record import Record
from clustersim.experiment.evaluation.report import Evaluation

__all__ = ["Evaluation", "Record", "evaluate", "twin_config"]
