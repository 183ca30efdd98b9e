"""clustersim: agent-based simulation of industrial-cluster life cycles and cluster policies.

Built from *The Cluster Policies Whitebook* (Andersson, Schwaag Serger, Soervik and Hansson,
IKED, 2004). The one core call is :func:`run`; :func:`evaluate` runs policy scenarios against
their no-policy twins.
"""

from clustersim.conf import Config, ConfigError, make_config
from clustersim.experiment.evaluation import Evaluation, evaluate
from clustersim.experiment.run import RunResult, __version__, run

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
