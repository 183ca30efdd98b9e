"""The plain-Python reference engine (``engine=reference``): the model's rules, readable.

Same rules, same random draws and same step order as the numba kernels in
``clustersim.kernels``, written per Mesa agent with Python floats. Read it to learn what the
model does; run it to check the kernels (``tests/test_engines.py``). It is slow on purpose:
``benchmarks/bench_engines.py`` measures how much faster the kernels are.
"""

from clustersim.reference.engine import ReferenceEngine

__all__ = ["ReferenceEngine"]
