"""Kernels compiled twice, serial and parallel, for runs with ``threads`` > 1."""

import types

from numba import njit


def serial_and_parallel(fn):
    """``fn``, a kernel whose loop over firms is a ``prange``, compiled twice: serial, and
    parallel over the firms for ``threads`` > 1 (its own copy, so the two cache apart). Both run
    the same arithmetic on each firm; a kernel keeps every sum over firms in a serial pass, so
    they give the same results."""
    twin = types.FunctionType(
        fn.__code__, fn.__globals__, fn.__name__ + "_parallel", fn.__defaults__, fn.__closure__
    )
    twin.__qualname__ = fn.__qualname__ + "_parallel"
    return njit(cache=True)(fn), njit(cache=True, parallel=True)(twin)
