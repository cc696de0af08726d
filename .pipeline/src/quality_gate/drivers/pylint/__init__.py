"""Incremental pylint: per-module results reused when nothing a module can see changed, identical to a full run.

Run by the tools' interpreter (`python -P -m quality_gate.drivers.pylint <pylint's arguments>`) in place
of `python -P -m pylint`: the same arguments, the same json2 on stdout, the same exit code. It imports only
the standard library and pylint, so it runs wherever pylint is installed (the local venv, the Dagger
toolbox). See docs/incremental-pylint.md for the design and what makes it fall back to a full run.
"""

# Set by the runners to the sys.path entry they added so that the tool's interpreter imports this package: the
# driver takes it off again before pylint starts (see __main__.py and quality_gate/drivers/launch.py).
DRIVER_ROOT_VARIABLE = "QUALITY_GATE_DRIVER_ROOT"

# Starts a line the driver writes on stderr for the user: the gate's pylint check shows it in pylint's summary.
NOTE_PREFIX = "quality-gate: "
