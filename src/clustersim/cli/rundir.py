"""The Hydra callback that gives every ``clustersim`` run a folder of its own.

``hydra.run.dir`` names a folder by the second the run started; Hydra creates it if missing and
writes into it if not, so runs started in the same second shared one folder and overwrote each
other. Before Hydra makes the folder, this callback claims it with
:func:`clustersim.observe.folders.claim_dir` (``<dir>``, or ``<dir>-1``, ``<dir>-2``, ... if
taken) and points ``hydra.run.dir`` at the folder it got, so the job writes there and prints it.
"""

from __future__ import annotations

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import read_write

from clustersim.observe.folders import claim_dir


class RunDirCallback(Callback):
    """Claim a new run folder for each single run (``clustersim`` without ``-m``)."""

    def on_run_start(self, config, **kwargs) -> None:
        HydraConfig.instance().set_config(config)  # for ${hydra:...} in the folder's name
        folder = claim_dir(str(config.hydra.run.dir))
        with read_write(config.hydra.run):
            config.hydra.run.dir = str(folder)
