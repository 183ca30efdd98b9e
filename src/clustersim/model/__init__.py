"""The model: ``ClusterModel`` (a ``mesa.Model``) runs the sub-steps of a quarter in order."""

from clustersim.model.model import ClusterModel

__all__ = ["ClusterModel"]
