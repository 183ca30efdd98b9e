"""clustersim: agent-based simulation of industrial-cluster life cycles and cluster policies.

Built from *The Cluster Policies Whitebook* (Andersson, Schwaag Serger, Soervik and Hansson,
IKED, 2004). The one core call is :func:`run`.
"""

from clustersim.config import Config, ConfigError, make_config
from clustersim.run import RunResult, __version__, run

__all__ = ["Config", "ConfigError", "RunResult", "__version__", "make_config", "run"]
