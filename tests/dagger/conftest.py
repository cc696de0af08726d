"""Make the Dagger tests' shared helpers (_chains.py) importable in any pytest import mode."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
