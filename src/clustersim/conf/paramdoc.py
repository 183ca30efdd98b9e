"""Write docs/parameters.md from the config schema: ``python -m clustersim.conf.paramdoc``.

The table is generated, so it cannot drift from the code; a test checks it is current.
"""

from __future__ import annotations

import sys

from clustersim.conf import iter_params

HEADER = """# Parameters

Every parameter of clustersim, generated from the typed config (`src/clustersim/conf/`) by
`python -m clustersim.conf.paramdoc > docs/parameters.md`. Keys are Hydra override paths
(`clustersim market.selection=4`). Sources are Whitebook lines (`Lnnn`, in
`../shared/seed/`) or papers; a blank source marks a modelling choice with a plausible default that
a sweep can vary. One step is a quarter.

| key | default | allowed | meaning | source |
|---|---|---|---|---|
"""


def _allowed(meta) -> str:
    if meta.get("choices"):
        return " \\| ".join(map(str, meta["choices"]))
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is None and hi is None:
        return ""
    return f"[{lo:g}, {hi:g}]"


def table() -> str:
    rows = []
    for key, default, field in iter_params():
        meta = field.metadata
        rows.append(
            f"| `{key}` | `{default!r}` | {_allowed(meta)} | {meta.get('doc', '')} | "
            f"{meta.get('source', '')} |"
        )
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
