"""numba step kernels over struct-of-arrays state (the default ``numba`` engine).

Each kernel is ``@njit(cache=True)`` and sequential. Random numbers are drawn in bulk by the model
before each sub-step and passed in, so the plain-Python reference engine reads the very same draws
(see ``clustersim.reference``). Knowledge updates are accumulated first and applied afterwards
(a Jacobi update), so results do not depend on the order in which firms are visited.
"""
