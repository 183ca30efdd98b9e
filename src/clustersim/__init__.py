"""clustersim: agent-based simulation of industrial-cluster life cycles and cluster policies.

Built from *The Cluster Policies Whitebook* (Andersson, Schwaag Serger, Soervik and Hansson,
IKED, 2004). The one core call is :func:`run`; :func:`evaluate` runs policy scenarios against
their no-policy twins.
"""

from clustersim.conf import Config, ConfigError, make_config
from clustersim.experiment.run import RunResult, __version__, run

_EVALUATION = ("Evaluation", "evaluate")


def __getattr__(name: str):
    """The policy evaluation (scipy, the report's templates, its figures) loads when first
    asked for: a run, and every worker process of a sweep, start a second sooner without it."""
    if name in _EVALUATION:
        from clustersim.experiment import evaluation

        return getattr(evaluation, name)
    raise AttributeError(f"module 'clustersim' has no attribute {name!r}")


__all__ = [
    "Config",
    "ConfigError",
    "Evaluation",
    "RunResult",
    "__version__",
    "evaluate",
    "make_config",
    "run",
]
