"""The runner without Docker: tools as subprocesses, their environments, CPU slots, signals, the result cache."""
