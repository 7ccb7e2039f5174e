"""Runs: the run sequences, their executors (local or Prefect), deployments."""
