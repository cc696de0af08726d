"""The gate's own errors: input it cannot use, or an environment it cannot work in.

Each one's message names the problem and what to do, so a front door catches this one class and shows the
message as one line (never a traceback). A ValueError, as most of them were: code that catches a ValueError
around them (a parser wrapping what it cannot read) keeps doing so.
"""

from __future__ import annotations


class QualityGateError(ValueError):
    """Bad input or an unusable environment; the message says which and what to do.

    Not the Dagger module's GateError (container/module.py): that one is how a function ends with findings.
    """
