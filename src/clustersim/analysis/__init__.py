"""Post-processing of runs and sweeps: aggregation, sensitivity analysis, scenario discovery."""
