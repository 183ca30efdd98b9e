"""Write docs/parameters.md from the config schema: ``python -m clustersim.conf.paramdoc``.

The table is generated, so it cannot drift from the code; a test checks it is current.
"""

from __future__ import annotations

import dataclasses
import sys

from clustersim.conf import iter_params
from clustersim.conf.instruments import INSTRUMENT_PARAMS
from clustersim.conf.policy import ProgrammeConfig

HEADER = """# Parameters

Every parameter of clustersim, generated from the typed config (`src/clustersim/conf/`) by
`python -m clustersim.conf.paramdoc > docs/parameters.md`. Keys are Hydra override paths
(`clustersim market.selection=4`). One step is a quarter. Every row has a source:

- Whitebook lines (`Lnnn`, in *The Cluster Policies Whitebook*, IKED 2004) or papers;
- `calibrated:` a value the modellers set, with the reason and the pattern it is read against
  (the patterns: [validation.md](validation.md)); parameters were set, not tuned to the tests;
- `run control:` a setting with no model content (seeds, labels, outputs, switches).

`tests/test_docs.py` keeps every row filled.

## Model parameters

"""
COLUMNS = "| key | default | allowed | meaning | source |\n|---|---|---|---|---|\n"
PROGRAMMES = """
## Policy programmes

Each programme of `policy.programmes.<name>` ([policies.md](policies.md)):

"""
INSTRUMENTS = """
## Instrument parameters

`policy.programmes.<name>.params.<key>`, by the programme's instrument:

"""


def _allowed(meta) -> str:
    if meta.get("choices"):
        return " \\| ".join(map(str, meta["choices"]))
    lo, hi = meta.get("lo"), meta.get("hi")
    if lo is None and hi is None:
        return ""
    return f"[{lo:g}, {hi:g}]"


def rows() -> list[tuple[str, str, object, dataclasses.Field]]:
    """(section, key, default, field) of every documented parameter: the model's, each
    programme's and each instrument's."""
    out = [("model", key, default, field) for key, default, field in iter_params()]
    for cls, section, prefix in [(ProgrammeConfig, "programme", "")] + [
        (cls, "instrument", f"{name}.") for name, cls in INSTRUMENT_PARAMS.items()
    ]:
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            out.append((section, prefix + f.name, default, f))
    return out


def _row(key, default, field) -> str:
    meta = field.metadata
    return (
        f"| `{key}` | `{default!r}` | {_allowed(meta)} | {meta.get('doc', '')} | "
        f"{meta.get('source', '')} |"
    )


def table() -> str:
    parts = {"model": HEADER, "programme": PROGRAMMES, "instrument": INSTRUMENTS}
    lines = {k: [] for k in parts}
    for section, key, default, field in rows():
        lines[section].append(_row(key, default, field))
    return "".join(parts[k] + COLUMNS + "\n".join(lines[k]) + "\n" for k in parts)


if __name__ == "__main__":
    sys.stdout.write(table())
