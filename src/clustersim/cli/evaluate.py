"""The ``clustersim-evaluate`` command: policy presets against their no-policy twins.

    clustersim-evaluate --policies broker fdi -r 12 -j 2
    clustersim-evaluate n_firms=500 sector=biotech --policies broker -r 30 -j 2

Overrides and presets are composed as ``clustersim`` composes them
(:func:`clustersim.cli.compose.compose`); the evaluation itself is
:func:`clustersim.experiment.evaluation.evaluate`.
"""

from __future__ import annotations

import argparse
import sys
import time

from clustersim.cli.compose import compose
from clustersim.conf import ConfigError
from clustersim.experiment.evaluation import evaluate
from clustersim.experiment.evaluation.brief import sensitivity_ranking, write_brief
from clustersim.experiment.evaluation.pairing import DEFAULT_REPLICATIONS, check_options
from clustersim.observe.recording import check_folder

DEFAULT_POLICIES = ("broker", "demand_side", "training", "fdi", "framework")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clustersim-evaluate",
        description="Each policy preset against its no-policy twin (same seeds): additionality, "
        "cost per job, deadweight, displacement, dependency and stage, with 95% CIs.",
        epilog="example: clustersim-evaluate n_firms=500 sector=biotech --policies broker fdi "
        "-r 30 -j 2",
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. n_firms=200 seed=3")
    parser.add_argument(
        "--policies",
        nargs="+",
        default=list(DEFAULT_POLICIES),
        help="presets in clustersim/conf/presets/policy/",
    )
    parser.add_argument(
        "-r",
        "--replications",
        type=int,
        default=DEFAULT_REPLICATIONS,
        help="paired replications (default: enough for the precision of >= 100 unpaired runs)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--years-after", type=float, default=5.0)
    parser.add_argument("--out", default="results/evaluation")
    parser.add_argument("--no-figure", action="store_true")
    parser.add_argument(
        "--report",
        action="store_true",
        help="also write brief.html: the policy brief, one self-contained page",
    )
    parser.add_argument(
        "--sensitivity",
        metavar="FOLDER",
        help="with --report: the --out folder of a clustersim-sensitivity run, whose most "
        "influential parameters the brief lists",
    )
    args = parser.parse_intermixed_args(argv)  # overrides before, between or after options
    # --policies takes every word after it: overrides written there (n_firms=500) are overrides
    overrides = [*args.overrides, *(p for p in args.policies if "=" in p)]
    policies = [p for p in args.policies if "=" not in p] or parser.error("--policies: no preset")
    try:  # every refusal before the first run: options, the output folder, then the configs
        check_options(
            args.replications,
            args.years_after,
            jobs=args.jobs,
            name=lambda key: "--" + key.replace("_", "-"),
        )
        check_folder(args.out, "--out")
        if args.sensitivity is not None:
            if not args.report:
                raise ConfigError("--sensitivity: only used with --report")
            sensitivity_ranking(args.sensitivity)  # refuse a folder without indices first
        scenarios = {name: compose([*overrides, f"policy={name}"]) for name in policies}
        t0 = time.perf_counter()
        ev = evaluate(
            scenarios,
            replications=args.replications,
            years_after=args.years_after,
            jobs=args.jobs,
            progress=True,
        )
    except ConfigError as err:  # bad presets and overrides included
        print(f"clustersim-evaluate: {err}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - t0
    first = next(iter(scenarios.values()))
    print(
        f"clustersim-evaluate: scenario={first.scenario_name} sector={first.sector_name} "
        f"seed={first.seed} years={first.years} replications={args.replications}, each policy "
        f"against its no-policy twin (same seeds)"
    )
    print(ev.format())
    out = ev.write(args.out, figure=not args.no_figure)
    print(f"wrote {out}/table.parquet|csv, over_time, summary, effects.png in {wall:.1f} s")
    if args.report:
        print(f"wrote {write_brief(ev, scenarios, out / 'brief.html', args.sensitivity)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
