"""Counter-based random streams: a draw is a function of what it is about, not of when it is taken.

Every random number of a run is a pure function of

    (run seed, stream, step, identity, index)

where the *stream* names the decision (demand drift, innovation, tie projects, entry in a region,
one policy programme, ...), the *identity* is the stable id of the agent, pair or candidate the
draw concerns, and the *index* counts the draws one identity takes from one stream in one step.
Nothing is consumed, so a draw cannot shift another one: a firm that exists in a policy run and
in its no-policy twin reads the same numbers in both, however many other firms were born,
died or were helped in between. Differences between the twins then come from the mechanisms
alone, which is what makes the paired comparison sharp (common random numbers, after Klein,
Abeysuriya, Stuart & Kerr 2024, "Noise-free comparison of stochastic agent-based simulations
using common random numbers", arXiv:2409.02086).

The bits come from a SplitMix64 finaliser (Steele, Lea & Flood 2014) chained over the keys, one
mixing round per key; uniforms take the top 53 bits. The functions are numba kernels, so both
engines and any parallel kernel read the same numbers. An engine sub-step gets its stream's key
for the step (or, in tests, given numbers: :func:`given_draws`): the kernels draw each number
where it is used (:func:`uniform_at`, :func:`normal_at`), only for the firms and ties that need
it, and the reference rules draw whole blocks (:func:`uniform_block`); both are the same numbers.

Pairs are keyed order-free (the lower id first), so a tie's draws do not depend on which end
formed it. Hooks that need many draws of assorted shapes (policies, the initiative) take a
numpy ``Generator`` over a Philox bit generator keyed by (seed, stream, step, identity):
counter-based as well, and private to that hook and step.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from numba import njit, prange

from clustersim.world.parallel import serial_and_parallel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_NORMAL_OFFSET = np.uint64(1 << 32)  # normals read bits past the uniforms' indices
_ID_TAG = np.uint64(0x1D5)  # ids are mixed once more, apart from the draws of the same key
ID_BITS = 53  # ids stay exact in float64 columns and in JSON
ID_MASK = (1 << ID_BITS) - 1


# The model's streams, one per decision. Hooks (policies, the initiative, governments,
# experiments) get streams named after themselves (``Streams.hook``), so switching one on
# changes no other stream.
(
    DEMAND,
    SHOCK,
    INNOVATION,
    TIES,
    CONTACTS,
    SEARCH,
    STARTUPS,
    SPINOFFS,
    UNIVERSITY_SPINOFFS,
    FINANCE,
    TRAITS,
    RELOCATION,
    APPEAL,
) = range(1, 14)
N_MODEL_STREAMS = APPEAL + 1


def stream_code(name: str) -> int:
    """A stable code for a named stream (hooks), disjoint from the model's own small codes."""
    return (zlib.crc32(name.encode()) << 8) | 0xFF


@njit(cache=True, inline="always")
def mix(x):
    """SplitMix64's finaliser: a bijection of 64-bit words with full avalanche."""
    x = (x + _GOLDEN) & np.uint64(0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit(cache=True)
def key(seed, stream, step):
    """The key of one stream in one step of one run."""
    return mix(mix(mix(np.uint64(seed)) ^ np.uint64(stream)) ^ np.uint64(step))


@njit(cache=True)
def model_keys(seed, step):
    """The keys of all the model's own streams (codes below ``N_MODEL_STREAMS``) in one step."""
    out = np.empty(N_MODEL_STREAMS, np.uint64)
    for stream in range(N_MODEL_STREAMS):
        out[stream] = key(seed, np.uint64(stream), step)
    return out


@njit(cache=True, inline="always")
def _unit(h):
    return float(h >> _S11) * _UNIT


@njit(cache=True)
def _rows(ids, active):
    """The rows that draw: those where ``active`` is true, or all of them if it is empty."""
    if active.shape[0] == 0:
        return np.arange(ids.shape[0])
    return np.flatnonzero(active)


@njit(cache=True, inline="always")
def uniform_at(h, j):
    """The ``j``-th uniform in [0, 1) of the identity hashed ``h`` (:func:`identity_hash`): what
    :func:`uniforms` puts in column ``j``. Kernels that need a draw only when an event happens
    call it there."""
    return _unit(mix(h ^ np.uint64(j)))


def _uniforms(k, ids, n, active):
    """``out[i, j]``: the ``j``-th uniform in [0, 1) of identity ``ids[i]`` under key ``k``
    (zeros where ``active`` is false: empty slots draw nothing; an empty ``active``: all
    draw)."""
    out = np.zeros((ids.shape[0], n))
    rows = _rows(ids, active)
    for q in prange(rows.shape[0]):  # the drawing rows: threads share them evenly
        i = rows[q]
        h = identity_hash(k, ids[i])
        for j in range(n):
            out[i, j] = uniform_at(h, j)
    return out


UNIFORMS = serial_and_parallel(_uniforms)  # each identity's draws are its own: any thread
uniforms = UNIFORMS[0]  # gives the same numbers


@njit(cache=True, inline="always")
def identity_hash(k, identity):
    """The hash every draw of ``identity`` under key ``k`` starts from."""
    return mix(k ^ np.uint64(identity))


@njit(cache=True, inline="always")
def normal_at(h, j):
    """The ``j``-th standard normal of the identity hashed ``h``: Box-Muller from two uniforms
    of its own (indices past those ``uniforms`` uses, so an identity's uniforms and normals are
    independent). Kernels that need a draw only when an event happens call it there."""
    u1 = _unit(mix(h ^ (_NORMAL_OFFSET + np.uint64(2 * j))))
    u2 = _unit(mix(h ^ (_NORMAL_OFFSET + np.uint64(2 * j + 1))))
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def _normals(k, ids, n, active):
    """``out[i, j]``: the ``j``-th standard normal of identity ``ids[i]`` (:func:`normal_at`);
    zeros where ``active`` is false (an empty ``active``: all draw)."""
    out = np.zeros((ids.shape[0], n))
    rows = _rows(ids, active)
    for q in prange(rows.shape[0]):  # the drawing rows: threads share them evenly
        i = rows[q]
        h = identity_hash(k, ids[i])
        for j in range(n):
            out[i, j] = normal_at(h, j)
    return out


NORMALS = serial_and_parallel(_normals)
normals = NORMALS[0]


@njit(cache=True, inline="always")
def pair_identity(kind, a, b):
    """The order-free identity of the pair of ids ``a`` and ``b`` of ``kind``: (kind, lower id,
    higher id) mixed into one word."""
    lo, hi = (a, b) if a <= b else (b, a)
    return mix(mix(np.uint64(kind) ^ np.uint64(lo)) ^ np.uint64(hi))


@njit(cache=True, inline="always")
def drawn(given, i, h, j):
    """Uniform ``j`` of row ``i`` in a kernel: the given one (:func:`given_draws`), or the one of
    the identity hashed ``h``."""
    if given.shape[0] > 0:
        return given[i, j]
    return uniform_at(h, j)


@njit(cache=True, inline="always")
def drawn_normal(given, i, h, j):
    """Standard normal ``j`` of row ``i`` in a kernel: the given one, or the identity's."""
    if given.shape[0] > 0:
        return given[i, j]
    return normal_at(h, j)


def given_draws(draws, rows: int, columns: int) -> tuple[np.uint64, np.ndarray]:
    """What an engine sub-step's ``draws`` stand for: the key of its stream in this step (the
    model's case: the sub-step draws each number where it needs it) or given numbers (tests
    that set a firm's luck), ``rows`` (a row per slot or tie) by ``columns``. Returns the key
    and the given block, empty when drawn."""
    if isinstance(draws, np.ndarray) and draws.dtype.kind == "f":
        given = np.ascontiguousarray(draws, dtype=np.float64)
        if given.shape != (rows, columns):
            raise ValueError(f"given draws of shape {given.shape}: must be ({rows}, {columns})")
        return np.uint64(0), given
    return np.uint64(draws), np.zeros((0, columns))


def uniform_block(draws, ids, columns: int, active=None, draw=None) -> np.ndarray:
    """The reference rules' draws: a whole block of uniforms (or what ``draw`` gives, such as
    :func:`normals`), one row per identity and ``columns`` of them (zeros where ``active`` is
    false), or the given ones."""
    key, given = given_draws(draws, len(ids), columns)
    if given.shape[0] == 0:
        return (draw or uniforms)(key, np.asarray(ids, np.int64), columns, _active(active))
    return given


@njit(cache=True)
def derived_ids(k, parents, counts):
    """Ids of things created by ``parents`` (a region, a firm, a university), the ``counts[i]``-th
    of their kind: the same creator makes the same newcomer in every run that shares the seed.
    Ids have 53 bits, so they stay exact in float columns; they start at 2**32, above the
    initial firms' ids (0, 1, ...)."""
    out = np.empty(parents.shape[0], np.int64)
    for i in range(parents.shape[0]):
        h = mix(mix(mix(k ^ _ID_TAG) ^ np.uint64(parents[i])) ^ np.uint64(counts[i]))
        out[i] = np.int64(h >> np.uint64(64 - ID_BITS)) | np.int64(1 << 32)
    return out


@njit(cache=True)
def poisson(u, lam):
    """The Poisson(``lam``) count whose CDF first reaches the uniform ``u`` (inversion). For a
    fixed ``u`` the count never falls as ``lam`` rises, so a twin whose rate is a little lower
    sees a subset of the same newcomers. Beyond ``lam`` = 200 the normal approximation
    (monotone as well) avoids a long search."""
    if lam <= 0.0:
        return 0
    if lam > 200.0:
        z = math.sqrt(2.0) * _erfinv(2.0 * u - 1.0)
        return max(0, int(math.floor(lam + math.sqrt(lam) * z + 0.5)))
    p = math.exp(-lam)
    cdf, k = p, 0
    while u >= cdf and k < 10_000:
        k += 1
        p *= lam / k
        cdf += p
    return k


@njit(cache=True)
def poisson_counts(u, lam):
    """:func:`poisson` of every pair ``(u[i], lam[i])``."""
    out = np.empty(u.shape[0], np.int64)
    for i in range(u.shape[0]):
        out[i] = poisson(u[i], lam[i])
    return out


@njit(cache=True)
def _erfinv(y):
    """Inverse error function by Newton steps on math.erf (|y| < 1)."""
    y = min(max(y, -1.0 + 1e-16), 1.0 - 1e-16)
    x = 0.0
    for _ in range(60):
        step = (math.erf(x) - y) / (2.0 / math.sqrt(math.pi) * math.exp(-x * x))
        x -= step
        if abs(step) < 1e-15:
            break
    return x


_EVERY = np.zeros(0, np.bool_)  # ``active`` for draws of every identity


def _active(where) -> np.ndarray:
    return _EVERY if where is None else np.asarray(where, np.bool_)


class Streams:
    """The streams of one run: ``streams.uniforms(TIES, step, ids, 4)`` and so on."""

    def __init__(self, seed: int, replication: int, threads: int = 1) -> None:
        self._parallel = int(threads > 1)  # draws on numba's threads (the same numbers)
        self.seed = int(mix(np.uint64(seed)) ^ np.uint64(replication)) & 0xFFFFFFFFFFFFFFFF
        self._step, self._hooks = -1, {}  # this step's hook generators, by name
        self._key_step, self._model_keys, self._keys = -1, np.empty(0, np.uint64), {}

    def key(self, stream: int, step: int) -> np.uint64:
        """The key of ``stream`` in ``step``, remembered for the step: a step asks for the same
        few keys many times, and each compiled call costs microseconds of dispatch, so the
        model's own streams get theirs in one call when the step changes."""
        if step != self._key_step:
            self._key_step, self._keys = step, {}
            self._model_keys = model_keys(np.uint64(self.seed), np.uint64(step))
        if stream < N_MODEL_STREAMS:
            return self._model_keys[stream]
        k = self._keys.get(stream)
        if k is None:
            k = self._keys[stream] = np.uint64(
                key(np.uint64(self.seed), np.uint64(stream), np.uint64(step))
            )
        return k

    def model_keys(self, streams: np.ndarray, step: int) -> np.ndarray:
        """:meth:`key` of each of the model's own ``streams`` (codes below
        ``N_MODEL_STREAMS``), as one array."""
        self.key(int(streams[0]), step)  # the step's keys, made if it is a new step
        return self._model_keys[streams]

    def uniforms(self, stream: int, step: int, ids, n: int, where=None) -> np.ndarray:
        """``n`` uniforms per identity; rows where ``where`` is false stay zero (not drawn)."""
        ids = np.asarray(ids, np.int64)
        return UNIFORMS[self._parallel](self.key(stream, step), ids, n, _active(where))

    def normals(self, stream: int, step: int, ids, n: int, where=None) -> np.ndarray:
        """``n`` standard normals per identity; rows where ``where`` is false stay zero."""
        ids = np.asarray(ids, np.int64)
        return NORMALS[self._parallel](self.key(stream, step), ids, n, _active(where))

    def ids(self, stream: int, step: int, parents, counts) -> np.ndarray:
        return derived_ids(
            self.key(stream, step), np.asarray(parents, np.int64), np.asarray(counts, np.int64)
        )

    def counts(self, stream: int, step: int, ids, rates) -> np.ndarray:
        """Poisson counts with the given rates, one per identity (inversion: see ``poisson``)."""
        u = self.uniforms(stream, step, ids, 1)[:, 0]
        rates = np.asarray(rates, dtype=np.float64)
        if rates.shape != u.shape:
            raise ValueError(f"{len(u)} ids but {rates.size} rates: one rate per identity")
        return poisson_counts(u, rates)

    def generator(self, stream: int, step: int, identity: int = 0) -> np.random.Generator:
        """A private numpy Generator for draws of one step (Philox, counter-based)."""
        k = mix(self.key(stream, step) ^ np.uint64(identity))  # a Python int: Philox takes it
        return np.random.Generator(np.random.Philox(key=int(k)))

    def hook(self, name: str, step: int) -> np.random.Generator:
        """The generator of the hook stream ``name`` in ``step``: the same object for every call
        in that step, so a hook's draws follow one another, and only its own."""
        if self._step != step:
            self._step, self._hooks = step, {}
        if name not in self._hooks:
            self._hooks[name] = self.generator(stream_code(name), step)
        return self._hooks[name]
