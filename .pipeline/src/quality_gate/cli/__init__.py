"""The command line (`quality-gate`, `python -m quality_gate`): arguments, progress on the terminal, exit codes."""
